"""The hot-path benchmark's server: the product's ASGI application plus a framework floor.

    daphne tests.bench.hotpath_server:application

The floor, `POST /bench/floor`, is the least a django-ninja endpoint can do to book: parse
the same JSON, insert the same Booking row against the same exclusion constraint, answer
201 or 409. No authentication, rules, lock, outbox, relay or page version
(cowork.page_version watches every other write): what the framework, the server and the
database cost on their own. It exists only in this benchmark's server.
"""

import datetime
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cowork.config.settings")

import django

django.setup()

from django.db import IntegrityError, connection, transaction  # noqa: E402
from django.urls import path  # noqa: E402
from ninja import NinjaAPI, Schema  # noqa: E402

FLOOR_PATH = "/bench/floor"
_installed = []


class FloorIn(Schema):
    resource: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime


def install_floor() -> None:
    """Add the floor endpoint to the product's URLs, once per process."""
    if _installed:
        return
    from django.contrib.auth import get_user_model

    from cowork.config import urls
    from cowork.models import Booking, Resource

    api = NinjaAPI(urls_namespace="bench-floor", docs_url=None, openapi_url=None)
    holder = {}

    @api.post("/floor")
    def floor(request, payload: FloorIn):
        if "user" not in holder:  # one user holds the floor's rows, as in the SQL run
            holder["user"] = get_user_model().objects.values_list("pk", flat=True).first()
        resource = Resource.objects.only("space_id").get(pk=payload.resource)
        watched = connection.execute_wrappers
        connection.execute_wrappers = [w for w in watched if not getattr(w, "page_version", 0)]
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    resource_id=resource.pk,
                    space_id=resource.space_id,
                    booked_by_id=holder["user"],
                    starts_at=payload.starts_at,
                    ends_at=payload.ends_at,
                    blocked_until=payload.ends_at,
                    status="confirmed",
                )
        except IntegrityError:
            return api.create_response(request, {"detail": "taken"}, status=409)
        finally:
            connection.execute_wrappers = watched
        return api.create_response(request, {"id": booking.pk}, status=201)

    urls.urlpatterns.insert(0, path("bench/", api.urls))
    from django.urls import clear_url_caches

    clear_url_caches()
    _installed.append(api)


install_floor()

from cowork.config.asgi import application  # noqa: E402, F401
