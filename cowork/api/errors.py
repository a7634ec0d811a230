"""One error shape for every failure: `{"error": {"code", "message", "details"}}`.

Domain errors carry their own status and code; ninja's own failures (schema validation,
authentication, HttpError, Http404) and anything unforeseen are mapped here so a client
never has to parse a second shape.
"""

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from cowork.errors import DomainError

logger = logging.getLogger(__name__)

# Documented on reads and on writes; every status here comes back as ErrorOut.
READ_ERRORS = frozenset({400, 401, 404, 422})
WRITE_ERRORS = frozenset({400, 401, 403, 404, 409, 413, 422})

_CODES_BY_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation_error",
    429: "throttled",
}


class ErrorBody(Schema):
    code: str
    message: str
    details: dict[str, Any]


class ErrorOut(Schema):
    error: ErrorBody


def error_payload(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "details": details or {}}}


def error_response(status: int, code: str, message: str, details: dict | None = None):
    """A JSON error outside ninja (unknown path, 405), in the same shape."""
    return JsonResponse(error_payload(code, message, details), status=status)


def _on_domain_error(api: NinjaAPI, request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(
        request, error_payload(exc.code, exc.message, exc.details), status=exc.status
    )


def _on_validation_error(api: NinjaAPI, request: HttpRequest, exc: ValidationError):
    fields = [
        {
            "loc": list(error.get("loc", ())),
            "message": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in exc.errors
    ]
    return api.create_response(
        request,
        error_payload(
            "validation_error", _("The request does not match the schema."), {"fields": fields}
        ),
        status=422,
    )


def _on_authentication_error(api: NinjaAPI, request: HttpRequest, exc: AuthenticationError):
    response = api.create_response(
        request,
        error_payload(
            "unauthenticated",
            _("Sign in, or send a valid token as 'Authorization: Bearer <key>'."),
        ),
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="cowork"'
    return response


def _on_http_error(api: NinjaAPI, request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    code = _CODES_BY_STATUS.get(status, "error")
    if status == 403 and "csrf" in str(exc).lower():
        code = "csrf_failed"
    return api.create_response(request, error_payload(code, str(exc)), status=status)


def _on_not_found(api: NinjaAPI, request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request, error_payload("not_found", _("No such object.")), status=404
    )


def _on_unexpected(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    # Still one shape for the client; the traceback goes to the log, never to the client.
    logger.exception("Unhandled error in %s %s", request.method, request.path)
    return api.create_response(
        request,
        error_payload("server_error", _("Something went wrong on our side.")),
        status=500,
    )


def install_error_handlers(api: NinjaAPI) -> None:
    def bind(handler):
        return lambda request, exc: handler(api, request, exc)

    api.add_exception_handler(DomainError, bind(_on_domain_error))
    api.add_exception_handler(ValidationError, bind(_on_validation_error))
    api.add_exception_handler(AuthenticationError, bind(_on_authentication_error))
    api.add_exception_handler(HttpError, bind(_on_http_error))
    api.add_exception_handler(Http404, bind(_on_not_found))
    api.add_exception_handler(Exception, bind(_on_unexpected))
