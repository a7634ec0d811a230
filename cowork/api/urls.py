"""URLs of the API, mounted at /api/v1/ by cowork.config.urls.

ninja answers 405 with a plain-text body and leaves unknown paths to Django's HTML 404;
both are wrapped here so that every answer under /api/v1/ has the API's error shape.
"""

import functools

from django.http import HttpResponseNotAllowed
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _

from cowork.api.errors import error_response
from cowork.api.main import api

app_name = api.urls_namespace


def _json_method_not_allowed(view):
    @functools.wraps(view)  # keeps csrf_exempt: ninja's auth does the CSRF check itself
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = error_response(
                405,
                "method_not_allowed",
                _("%(method)s is not allowed here.") % {"method": request.method},
                {"allowed": [m.strip() for m in allowed.split(",") if m.strip()]},
            )
            response["Allow"] = allowed
        return response

    return wrapped


def _unknown_path(request, path):
    return error_response(404, "not_found", _("No such endpoint."), {"path": request.path})


def _wrap(pattern):
    if isinstance(pattern, URLPattern):
        return URLPattern(
            pattern.pattern,
            _json_method_not_allowed(pattern.callback),
            pattern.default_args,
            pattern.name,
        )
    return pattern


_unknown_path.csrf_exempt = True

urlpatterns = [
    *(_wrap(pattern) for pattern in api.urls[0]),
    re_path(r"^(?P<path>.*)$", _unknown_path),
]
