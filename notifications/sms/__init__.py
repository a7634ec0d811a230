"""Sending SMS through the backend `settings.SMS_BACKEND` names.

Backends: `backends.console.ConsoleBackend` (development), `backends.locmem.LocmemBackend`
(tests) and `backends.twilio.TwilioBackend` (production).
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from notifications.sms.base import (
    BaseSmsBackend,
    OutgoingSms,
    PermanentSmsError,
    SentSms,
    SmsError,
    TransientSmsError,
    UnknownOutcomeSmsError,
)
from notifications.sms.segments import SmsEncoding, segment_count

__all__ = [
    "BaseSmsBackend",
    "OutgoingSms",
    "PermanentSmsError",
    "SentSms",
    "SmsEncoding",
    "SmsError",
    "TransientSmsError",
    "UnknownOutcomeSmsError",
    "get_backend",
    "segment_count",
    "send_sms",
]


def get_backend(*, path: str = "") -> BaseSmsBackend:
    """Return a new instance of the backend class at `path`, by default `settings.SMS_BACKEND`.

    A new instance every call, so `override_settings` of SMS_BACKEND or TWILIO_* takes effect
    at once; `import_string` keeps the import itself cached by `sys.modules`.
    """
    dotted_path = path or settings.SMS_BACKEND
    try:
        backend_class = import_string(dotted_path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"SMS_BACKEND {dotted_path!r} cannot be imported.") from exc
    if not (isinstance(backend_class, type) and issubclass(backend_class, BaseSmsBackend)):
        raise ImproperlyConfigured(f"SMS_BACKEND {dotted_path!r} is not a BaseSmsBackend.")
    return backend_class()


def send_sms(
    *,
    to: str,
    body: str,
    sender: str = "",
    messaging_service_sid: str = "",
    status_callback: str = "",
    idempotency_key: str = "",
) -> SentSms:
    """Send one SMS through the configured backend and return what the provider accepted.

    Raises PermanentSmsError (do not retry: bad number, opted out, invalid request),
    UnknownOutcomeSmsError (no answer: ask the provider's log before sending again) or
    TransientSmsError (retry later). `idempotency_key` is honoured by backends that can
    (locmem); Twilio's Messages API has no such key.
    """
    message = OutgoingSms(
        to=to,
        body=body,
        sender=sender,
        messaging_service_sid=messaging_service_sid,
        status_callback=status_callback,
        idempotency_key=idempotency_key,
    )
    return get_backend().send(message)
