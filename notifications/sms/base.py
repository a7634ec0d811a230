"""What every SMS backend accepts, returns and raises."""

import abc
import datetime
import re
from dataclasses import dataclass

from notifications.sms.segments import SmsEncoding, segment_count

# [0-9], not \d: \d also matches Arabic-Indic and other Unicode digits.
E164 = re.compile(r"\+[1-9][0-9]{6,14}")


@dataclass(frozen=True)
class OutgoingSms:
    """One SMS to send; empty strings mean "not given"."""

    to: str
    body: str
    sender: str = ""
    messaging_service_sid: str = ""
    status_callback: str = ""
    idempotency_key: str = ""


@dataclass(frozen=True)
class SentSms:
    """An SMS the provider accepted; `provider_id` is its id there (a Twilio message sid)."""

    provider_id: str
    to: str
    body: str
    segments: int
    encoding: SmsEncoding


class SmsError(Exception):
    """An SMS was not accepted; `code` is ours and stable, `provider_code` is the provider's."""

    def __init__(self, code: str, message: str = "", *, provider_code: int | None = None) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.provider_code = provider_code

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.message else self.code

    def __reduce__(self):
        # Task queues pickle exceptions; the default would drop the keyword-only provider_code.
        return _rebuild_sms_error, (type(self), self.code, self.message, self.provider_code)


class TransientSmsError(SmsError):
    """Sending may work if retried later: rate limits, provider outages, network failures."""


class UnknownOutcomeSmsError(TransientSmsError):
    """The request went out but no answer came back: the provider may have the message.

    Sending again at once could deliver it twice. Its log is asked first
    (`BaseSmsBackend.find_sent`), once the message has waited long enough to show there.
    """


class PermanentSmsError(SmsError):
    """Sending this message will never work as it is: bad number, opted out, bad request."""


def _rebuild_sms_error(
    cls: type[SmsError], code: str, message: str, provider_code: int | None
) -> SmsError:
    return cls(code, message, provider_code=provider_code)


class BaseSmsBackend(abc.ABC):
    """Sends an OutgoingSms somewhere; subclasses implement `deliver`."""

    def send(self, message: OutgoingSms) -> SentSms:
        """Validate `message`, then deliver it.

        Raises PermanentSmsError(code="invalid_request") before any I/O when `to` is not E.164
        or the body is blank; a backend raises TransientSmsError or PermanentSmsError after.
        """
        validate_outgoing_sms(message=message)
        return self.deliver(message)

    @abc.abstractmethod
    def deliver(self, message: OutgoingSms) -> SentSms:
        """Hand a validated `message` to the provider and return what it accepted."""

    def find_sent(self, *, to: str, body: str, since: datetime.datetime) -> SentSms | None:
        """The message with this body the provider accepted for `to` since `since`, if any.

        Asked after a worker died between handing a message over and recording it. A
        backend without a log to search answers None, and the message is sent again.
        """
        return None


def validate_outgoing_sms(*, message: OutgoingSms) -> None:
    """Raise PermanentSmsError(code="invalid_request") unless `message` could be sent."""
    if not isinstance(message.to, str) or not E164.fullmatch(message.to):
        # The number itself stays out of the message: errors end up in logs.
        raise PermanentSmsError(
            "invalid_request", "`to` must be an E.164 number like +994501234567."
        )
    # A blank body is refused too: it would still be billed as a segment and says nothing.
    if not isinstance(message.body, str) or not message.body.strip():
        raise PermanentSmsError("invalid_request", "The body must not be empty.")


def sent_sms_for(*, message: OutgoingSms, provider_id: str) -> SentSms:
    """Describe `message` as accepted under `provider_id`, with its segment accounting."""
    segments, encoding = segment_count(message.body)
    return SentSms(
        provider_id=provider_id,
        to=message.to,
        body=message.body,
        segments=segments,
        encoding=encoding,
    )
