"""An SMS backend that sends through Twilio's Messages API with the official client."""

from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from notifications.sms.base import (
    BaseSmsBackend,
    OutgoingSms,
    PermanentSmsError,
    SentSms,
    SmsError,
    TransientSmsError,
    sent_sms_for,
)

REQUEST_TIMEOUT_SECONDS = 10.0
IDEMPOTENCY_HEADER = "I-Twilio-Idempotency-Token"

# Twilio error codes we tell apart: https://www.twilio.com/docs/api/errors
OPTED_OUT_CODES = frozenset({21610})  # the recipient replied STOP
INVALID_NUMBER_CODES = frozenset({21211, 21614})  # not a valid number / not a mobile number


class TwilioBackend(BaseSmsBackend):
    """Send each SMS with `client.messages.create`, mapping failures onto SmsError.

    The sender is, first to be set: the message's messaging_service_sid, its sender,
    settings.TWILIO_MESSAGING_SERVICE_SID, settings.TWILIO_FROM_NUMBER.
    A read timeout is a TransientSmsError although Twilio may have queued the message;
    retry with the same idempotency_key.
    """

    def __init__(self, *, timeout: float = REQUEST_TIMEOUT_SECONDS) -> None:
        if not (settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN):
            raise ImproperlyConfigured(
                "TwilioBackend needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN."
            )
        self._account_sid = settings.TWILIO_ACCOUNT_SID
        self._auth_token = settings.TWILIO_AUTH_TOKEN
        self._default_messaging_service_sid = settings.TWILIO_MESSAGING_SERVICE_SID
        self._default_from_number = settings.TWILIO_FROM_NUMBER
        self._api_base_url = settings.TWILIO_API_BASE_URL
        self._timeout = timeout
        if self._api_base_url:
            _check_base_url(self._api_base_url)

    def deliver(self, message: OutgoingSms) -> SentSms:
        create_kwargs: dict[str, str] = {"to": message.to, "body": message.body}
        create_kwargs.update(self._sender_kwargs(message))
        if message.status_callback:
            create_kwargs["status_callback"] = message.status_callback
        # messages.create() takes no headers, so the idempotency token rides on an HTTP
        # client built for this one send.
        http_client = RebasedTwilioHttpClient(
            base_url=self._api_base_url,
            extra_headers=(
                {IDEMPOTENCY_HEADER: message.idempotency_key} if message.idempotency_key else {}
            ),
            timeout=self._timeout,
        )
        client = Client(self._account_sid, self._auth_token, http_client=http_client)
        try:
            created = client.messages.create(**create_kwargs)
        except (TwilioRestException, TwilioServiceException) as exc:
            raise sms_error_from_twilio(exc) from exc
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise TransientSmsError("network", f"Twilio could not be reached: {exc}") from exc
        finally:
            http_client.session.close()
        return sent_sms_for(message=message, provider_id=created.sid)

    def _sender_kwargs(self, message: OutgoingSms) -> dict[str, str]:
        """Choose who the SMS comes from; raise PermanentSmsError("no_sender") if nobody."""
        if message.messaging_service_sid:
            return {"messaging_service_sid": message.messaging_service_sid}
        if message.sender:
            return {"from_": message.sender}
        if self._default_messaging_service_sid:
            return {"messaging_service_sid": self._default_messaging_service_sid}
        if self._default_from_number:
            return {"from_": self._default_from_number}
        raise PermanentSmsError(
            "no_sender",
            "Give a sender or messaging_service_sid, or set TWILIO_MESSAGING_SERVICE_SID "
            "or TWILIO_FROM_NUMBER.",
        )


def sms_error_from_twilio(exc: TwilioRestException | TwilioServiceException) -> SmsError:
    """Classify an error response from Twilio as worth retrying or not."""
    status = int(exc.status)
    provider_code = exc.code if isinstance(exc.code, int) else None
    rfc9457 = isinstance(exc, TwilioServiceException)
    detail = (exc.detail or exc.title) if rfc9457 else exc.msg
    if provider_code in OPTED_OUT_CODES:
        return PermanentSmsError("opted_out", detail, provider_code=provider_code)
    if provider_code in INVALID_NUMBER_CODES:
        return PermanentSmsError("invalid_number", detail, provider_code=provider_code)
    if status == 429:
        return TransientSmsError("rate_limited", detail, provider_code=provider_code)
    if status >= 500:
        return TransientSmsError("provider_unavailable", detail, provider_code=provider_code)
    # Any other 4xx (bad credentials, unknown sender, body too long...) fails again unchanged.
    return PermanentSmsError("rejected", detail, provider_code=provider_code)


class RebasedTwilioHttpClient(TwilioHttpClient):
    """TwilioHttpClient that can send every request to another base URL and add headers.

    With `base_url` (such as "http://127.0.0.1:43567") the scheme and host of each URL the
    twilio library builds (api.twilio.com, messaging.twilio.com, edge hosts...) are replaced
    by it, and its path, if any, is put in front; path and query are kept.
    """

    def __init__(
        self, *, base_url: str = "", extra_headers: dict[str, str] | None = None, timeout: float
    ) -> None:
        super().__init__(timeout=timeout)
        self._base_url = base_url
        self._extra_headers = dict(extra_headers or {})

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        if self._base_url:
            url = rebase_url(url, base_url=self._base_url)
        return super().request(
            method,
            url,
            params=params,
            data=data,
            headers={**(headers or {}), **self._extra_headers},
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )


def rebase_url(url: str, *, base_url: str) -> str:
    """Return `url` with the scheme and host of `base_url`, under its path."""
    parts, base = urlsplit(url), urlsplit(base_url)
    path = base.path.rstrip("/") + parts.path
    return urlunsplit((base.scheme, base.netloc, path, parts.query, parts.fragment))


def _check_base_url(base_url: str) -> None:
    parts = urlsplit(base_url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(
            f"TWILIO_API_BASE_URL must look like http://127.0.0.1:8080, not {base_url!r}."
        )
