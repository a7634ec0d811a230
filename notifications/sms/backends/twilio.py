"""An SMS backend that sends through Twilio's Messages API with the official client."""

import contextlib
import datetime
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client
from urllib3.exceptions import NewConnectionError

from notifications.sms.base import (
    BaseSmsBackend,
    OutgoingSms,
    PermanentSmsError,
    SentSms,
    SmsError,
    TransientSmsError,
    UnknownOutcomeSmsError,
    sent_sms_for,
)

REQUEST_TIMEOUT_SECONDS = 10.0
# How many of a number's newest messages are searched for one a dead worker may have sent.
FIND_SENT_LOOKBACK = 20

# Twilio error codes we tell apart: https://www.twilio.com/docs/api/errors
OPTED_OUT_CODES = frozenset({21610})  # the recipient replied STOP
INVALID_NUMBER_CODES = frozenset({21211, 21614})  # not a valid number / not a mobile number


class TwilioBackend(BaseSmsBackend):
    """Send each SMS with `client.messages.create`, mapping failures onto SmsError.

    The sender is, first to be set: the message's messaging_service_sid, its sender,
    settings.TWILIO_MESSAGING_SERVICE_SID, settings.TWILIO_FROM_NUMBER.
    A request that went out and got no answer (a read timeout, a dropped connection) raises
    UnknownOutcomeSmsError: Twilio may have queued the message, and its Messages API keeps
    no idempotency keys, so only its message log can tell (`find_sent`).
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
        fields = {"to": message.to, "body": message.body, **self._sender_kwargs(message)}
        # Twilio's Messages API has no idempotency keys: `message.idempotency_key` cannot
        # travel, and a send whose answer was lost is settled from the log (find_sent).
        sid = self._create(fields, status_callback=message.status_callback)
        return sent_sms_for(message=message, provider_id=sid)

    def find_sent(self, *, to: str, body: str, since: datetime.datetime) -> SentSms | None:
        """Look through the newest messages to `to` for this body, created since `since`.

        Twilio lists newest first. A minute of slack covers clocks that disagree.
        """
        earliest = since - datetime.timedelta(minutes=1)
        message = OutgoingSms(to=to, body=body)
        with self._client() as client:
            for record in client.messages.list(to=to, limit=FIND_SENT_LOOKBACK):
                created = record.date_created
                if record.body == body and (created is None or created >= earliest):
                    return sent_sms_for(message=message, provider_id=record.sid)
        return None

    @contextlib.contextmanager
    def _client(self) -> Iterator[Client]:
        """A Twilio client for one call, its failures raised as SmsError."""
        http_client = RebasedTwilioHttpClient(base_url=self._api_base_url, timeout=self._timeout)
        try:
            yield Client(self._account_sid, self._auth_token, http_client=http_client)
        except (TwilioRestException, TwilioServiceException) as exc:
            raise sms_error_from_twilio(exc) from exc
        except (requests.ConnectionError, requests.Timeout) as exc:
            if _never_left(exc):
                raise TransientSmsError("network", f"Twilio could not be reached: {exc}") from exc
            raise UnknownOutcomeSmsError("no_answer", f"Twilio did not answer: {exc}") from exc
        finally:
            http_client.session.close()

    def _create(self, fields: dict[str, str], *, status_callback: str) -> str:
        """Create one message on Twilio from `fields`, asking for its status at
        `status_callback` if given; returns the message's sid."""
        if status_callback:
            fields = {**fields, "status_callback": status_callback}
        with self._client() as client:
            return client.messages.create(**fields).sid

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


def _never_left(exc: requests.RequestException) -> bool:
    """Whether the request failed before any of it reached Twilio (no connection made)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    cause = exc.args[0] if exc.args else None
    reason = getattr(cause, "reason", cause)
    # A failed name lookup is a NewConnectionError too.
    return isinstance(reason, NewConnectionError)


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
    """TwilioHttpClient that can send every request to another base URL.

    With `base_url` (such as "http://127.0.0.1:43567") the scheme and host of each URL the
    twilio library builds (api.twilio.com, messaging.twilio.com, edge hosts...) are replaced
    by it, and its path, if any, is put in front; path and query are kept.
    """

    def __init__(self, *, base_url: str = "", timeout: float) -> None:
        super().__init__(timeout=timeout)
        self._base_url = base_url

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
            headers=headers,
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
