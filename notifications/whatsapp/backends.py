"""Sending on WhatsApp through Twilio (the official client, as SMS), or to the console."""

import datetime
import json
import sys
import threading
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from notifications.messaging.outgoing import (
    BaseChannelBackend,
    ChannelMessage,
    sent_on_channel,
    validate_channel_message,
)
from notifications.sms.backends.twilio import FIND_SENT_LOOKBACK, TwilioBackend
from notifications.sms.base import SentSms

PREFIX = "whatsapp:"
_write_lock = threading.Lock()


def whatsapp_address(phone: str) -> str:
    return phone if phone.startswith(PREFIX) else PREFIX + phone


class TwilioWhatsAppBackend(TwilioBackend):
    """`client.messages.create` from TWILIO_WHATSAPP_FROM, with a body or a template.

    Twilio's message log is searched after a send that got no answer, as for SMS; a template
    message's text there is Twilio's rendering, not ours, so any message to the address
    since the claim counts as this one (a person rarely gets two within minutes, and a
    second copy is worse than none).
    """

    can_search_log = True

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        if not settings.TWILIO_WHATSAPP_FROM:
            raise ImproperlyConfigured("TwilioWhatsAppBackend needs TWILIO_WHATSAPP_FROM.")
        self._from = whatsapp_address(settings.TWILIO_WHATSAPP_FROM)

    def send(self, message: ChannelMessage) -> SentSms:
        validate_channel_message(message)
        return self.deliver(message)

    def deliver(self, message: ChannelMessage) -> SentSms:
        create: dict[str, str] = {"to": whatsapp_address(message.address), "from_": self._from}
        if message.template_sid:
            create["content_sid"] = message.template_sid
            create["content_variables"] = json.dumps(message.template_variables)
        else:
            create["body"] = message.body
        sid = self._create(create, status_callback=message.status_callback)
        return sent_on_channel(message=message, provider_id=sid)

    def find_sent(self, *, to: str, body: str, since: datetime.datetime) -> SentSms | None:
        earliest = since - datetime.timedelta(minutes=1)
        address = whatsapp_address(to)
        with self._client() as client:
            for record in client.messages.list(to=address, limit=FIND_SENT_LOOKBACK):
                if record.date_created is None or record.date_created >= earliest:
                    message = ChannelMessage(address=address, body=body)
                    return sent_on_channel(message=message, provider_id=record.sid)
        return None


class ConsoleWhatsAppBackend(BaseChannelBackend):
    """Print each WhatsApp message (or the template and its variables), for development."""

    def deliver(self, message: ChannelMessage) -> SentSms:
        sent = sent_on_channel(message=message, provider_id=f"console-wa-{uuid.uuid4().hex}")
        lines = [f"---------- WhatsApp {sent.provider_id} ----------"]
        lines.append(f"To:       {whatsapp_address(message.address)}")
        if message.template_sid:
            lines.append(f"Template: {message.template_sid} {message.template_variables}")
        lines += ["", message.body, "-" * 60, ""]
        with _write_lock:
            sys.stdout.write("\n".join(lines))
            sys.stdout.flush()
        return sent
