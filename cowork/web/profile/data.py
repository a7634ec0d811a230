"""My data: everything held about a person, as a page and as a JSON file, and deleting the
account after a confirmation. A network admin does both for a person who asks, from the
network's people pages. Personal pages, never cached (the middleware marks them)."""

import json

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cowork.phones import mask_phone_for_staff
from cowork.selectors.access import user_is_network_admin
from cowork.services.personal_data import (
    account_erase,
    personal_data_export,
    personal_data_json,
)
from cowork.web.profile.forms import EraseForm

SEARCH_LIMIT = 50


def _network_admin(request) -> None:
    if not user_is_network_admin(user=request.user):
        raise PermissionDenied


def _person(person_id: int):
    # An erased account has nothing left to show or delete.
    return get_object_or_404(get_user_model(), pk=person_id, is_active=True)


def _data_page(request, person, *, for_admin: bool):
    sections = personal_data_export(user=person, acting_user=request.user)
    return render(
        request,
        "cowork/profile/data.html",
        {"person": person, "sections": sections, "for_admin": for_admin},
    )


def _data_file(request, person) -> HttpResponse:
    sections = personal_data_export(user=person, acting_user=request.user)
    body = json.dumps(
        {"exported_at": timezone.now(), **personal_data_json(sections)},
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        indent=2,
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"cowork-my-data-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _delete_page(request, person, *, for_admin: bool):
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        erased = account_erase(user=person, acting_user=request.user)
        done = _(
            "The account is deleted. Bookings cancelled: %(bookings)d. "
            "Registrations cancelled: %(registrations)d."
        ) % {
            "bookings": len(erased.bookings_cancelled),
            "registrations": len(erased.registrations_cancelled),
        }
        if for_admin:
            messages.success(request, done)
            return redirect("web:network-people")
        logout(request)
        messages.success(request, done)
        return redirect("home")
    status = 400 if request.method == "POST" else 200
    context = {"person": person, "form": form, "for_admin": for_admin}
    return render(request, "cowork/profile/delete.html", context, status=status)


@login_required
@require_GET
def my_data(request):
    return _data_page(request, request.user, for_admin=False)


@login_required
@require_GET
def my_data_file(request):
    return _data_file(request, request.user)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_account_delete(request):
    return _delete_page(request, request.user, for_admin=False)


@login_required
@require_GET
def network_people(request):
    """Find a person by name, username, e-mail or phone, to act on their request."""
    _network_admin(request)
    query = " ".join(request.GET.get("q", "").split())[:100]
    people = []
    if query:
        found = (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(
                Q(first_name__icontains=query)
                | Q(last_name__icontains=query)
                | Q(username__icontains=query)
                | Q(email__icontains=query)
                | Q(member__phone__contains=query.replace(" ", ""))
            )
        )
        people = [
            (
                person,
                mask_phone_for_staff(getattr(getattr(person, "member", None), "phone", "") or ""),
            )
            for person in found.select_related("member").order_by("first_name", "pk")[:SEARCH_LIMIT]
        ]
    return render(request, "cowork/profile/people.html", {"query": query, "people": people})


@login_required
@require_GET
def person_data(request, person_id: int):
    _network_admin(request)
    return _data_page(request, _person(person_id), for_admin=True)


@login_required
@require_GET
def person_data_file(request, person_id: int):
    _network_admin(request)
    return _data_file(request, _person(person_id))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def person_delete(request, person_id: int):
    _network_admin(request)
    return _delete_page(request, _person(person_id), for_admin=True)
