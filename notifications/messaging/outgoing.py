"""What a channel other than SMS accepts, returns and raises, and which backend sends it.

Telegram and WhatsApp backends take a `ChannelMessage` (an address on the channel, a text,
buttons, or an approved template) and answer with the `SentSms` record and the errors SMS
backends use (`notifications.sms.base`): permanent, transient, unknown outcome. The names
say SMS; the meanings are the channel's, so dispatch and recovery treat every channel alike.
"""

import abc
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from notifications.sms.base import PermanentSmsError, SentSms
from notifications.sms.segments import segment_count


@dataclass(frozen=True)
class Button:
    """A button under a message: `data` comes back to our webhook when it is pressed."""

    label: str
    data: str


@dataclass(frozen=True)
class ChannelMessage:
    """One message on a channel; empty strings mean "not given".

    `template_sid` and `template_variables` are WhatsApp's approved template (Twilio's
    Content API); `buttons` are Telegram's inline keyboard, one row each; `contact_button`
    labels Telegram's one button that shares the person's own phone number.
    """

    address: str
    body: str
    buttons: tuple[Button, ...] = ()
    template_sid: str = ""
    template_variables: dict[str, str] = field(default_factory=dict)
    status_callback: str = ""
    contact_button: str = ""


class BaseChannelBackend(abc.ABC):
    """Sends ChannelMessages on one channel."""

    # Whether `find_sent` can tell if a message whose send got no answer went out. Where it
    # cannot (Telegram keeps no log a bot may read), recovery never sends such a row again.
    can_search_log = False

    def send(self, message: ChannelMessage) -> SentSms:
        validate_channel_message(message)
        return self.deliver(message)

    @abc.abstractmethod
    def deliver(self, message: ChannelMessage) -> SentSms:
        """Hand a validated `message` to the provider and return what it accepted."""

    def find_sent(self, *, to: str, body: str, since: datetime.datetime) -> SentSms | None:
        return None


def validate_channel_message(message: ChannelMessage) -> None:
    """Raise PermanentSmsError(code="invalid_request") unless `message` could be sent."""
    if not message.address or not (message.body.strip() or message.template_sid):
        raise PermanentSmsError("invalid_request", "An address and a text are needed.")


def sent_on_channel(*, message: ChannelMessage, provider_id: str) -> SentSms:
    """A channel message as accepted; it costs no SMS segments."""
    return SentSms(
        provider_id=provider_id,
        to=message.address,
        body=message.body,
        segments=0,
        encoding=segment_count(message.body)[1] if message.body else "GSM-7",
    )


def get_channel_backend(channel: str) -> BaseChannelBackend:
    """A new backend of `channel` ("telegram" or "whatsapp"), as its setting names it."""
    setting = {"telegram": "TELEGRAM_BACKEND", "whatsapp": "WHATSAPP_BACKEND"}[channel]
    dotted_path = getattr(settings, setting)
    try:
        backend_class = import_string(dotted_path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"{setting} {dotted_path!r} cannot be imported.") from exc
    return backend_class()
