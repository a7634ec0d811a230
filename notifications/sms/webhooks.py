"""Twilio's webhooks: who may call them, and the delivery-status report.

Every request must carry an `X-Twilio-Signature` made with our auth token over the URL
Twilio called and the form it posted, checked with Twilio's own `RequestValidator`. A request
without a valid one is refused with 403 before anything is read from the database.
"""

import functools

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, QueryDict
from django.utils.crypto import salted_hmac
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from notifications.messaging.delivery import notification_record_status

# Twilio's forms are a few hundred bytes; anything much larger is not from Twilio.
MAX_WEBHOOK_BYTES = 16 * 1024


def webhook_auth_token() -> str:
    """The token webhooks are signed with: Twilio's auth token.

    The embedded default has no Twilio account, so it derives one from SECRET_KEY; that is
    what `manage.py sms_simulate` signs with. In production without TWILIO_AUTH_TOKEN no
    request can be valid.
    """
    if settings.TWILIO_AUTH_TOKEN:
        return settings.TWILIO_AUTH_TOKEN
    if settings.EMBEDDED:
        return salted_hmac("notifications.sms.webhook", "embedded").hexdigest()
    return ""


def signed_urls(request) -> list[str]:
    """The URLs Twilio may have signed: the public SITE_URL one, and the one we were asked.

    Behind a proxy the request's own URL may differ in scheme or host from what Twilio
    called; SITE_URL is what we told Twilio to call.
    """
    path = request.get_full_path()
    return list(dict.fromkeys([settings.SITE_URL.rstrip("/") + path, request.build_absolute_uri()]))


def twilio_request_is_valid(request) -> bool:
    token = webhook_auth_token()
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    validator = RequestValidator(token)
    form = request.POST.dict()
    return any(validator.validate(url, form, signature) for url in signed_urls(request))


def _ascii_digits(text: str) -> bool:
    # str.isdigit() also takes "²" and other digits that int() refuses.
    return text.isascii() and text.isdigit()


def _carries_nul(query: QueryDict) -> bool:
    return any(
        "\x00" in key or "\x00" in value for key, values in query.lists() for value in values
    )


def twilio_webhook(view):
    """POST only, no CSRF token (Twilio has none), small bodies, valid signature or 403.

    A signed request with a NUL byte anywhere is refused too: Twilio never sends one, and
    PostgreSQL cannot store one in text.
    """

    @csrf_exempt
    @require_POST
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        length = request.headers.get("Content-Length") or "0"
        if not _ascii_digits(length):
            return HttpResponseBadRequest("Bad Content-Length.", content_type="text/plain")
        if int(length) > MAX_WEBHOOK_BYTES:
            return HttpResponse("Payload too large.", status=413, content_type="text/plain")
        if not twilio_request_is_valid(request):
            return HttpResponseForbidden("Invalid signature.", content_type="text/plain")
        if _carries_nul(request.POST) or _carries_nul(request.GET):
            return HttpResponseBadRequest("NUL byte in the request.", content_type="text/plain")
        return view(request, *args, **kwargs)

    return wrapper


@twilio_webhook
def sms_status(request):
    """Record a delivery report; always 204 for a signed request, known message or not."""
    notification_id = request.GET.get("n", "")
    notification_record_status(
        provider_id=request.POST.get("MessageSid", ""),
        provider_status=request.POST.get("MessageStatus", "").lower(),
        error_code=request.POST.get("ErrorCode", ""),
        # Our ids fit in 18 digits; anything longer is not one of our callback URLs.
        notification_id=(
            int(notification_id)
            if _ascii_digits(notification_id) and len(notification_id) <= 18
            else None
        ),
    )
    return HttpResponse(status=204)
