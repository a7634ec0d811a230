"""Write to cowork on WhatsApp as a phone would: a signed Twilio webhook, and the reply.

    python manage.py whatsapp_simulate +994501234567 "C"
    python manage.py whatsapp_simulate +994501234567 "Cancel" --button C --in-process

Signed as `sms_simulate` signs (the token the webhook checks), from `whatsapp:<phone>`, to
the WhatsApp webhook. `--button` sends a quick reply's id (`ButtonPayload`).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.urls import reverse
from twilio.request_validator import RequestValidator

from cowork.phones import phone_to_e164
from notifications.management.commands.sms_simulate import Command as SmsSimulate
from notifications.management.commands.sms_simulate import inbound_form, reply_text
from notifications.sms.webhooks import webhook_auth_token


class Command(SmsSimulate):
    help = "Send a signed fake inbound WhatsApp message to the webhook and print the reply."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--button", default="", help="A quick reply's id, e.g. C.")

    def handle(self, *args, phone, body, url, in_process, sid, button, **options):
        token = webhook_auth_token()
        if not token:
            raise CommandError("No token to sign with: set TWILIO_AUTH_TOKEN.")
        try:
            phone = phone_to_e164(phone)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        form = inbound_form(phone=f"whatsapp:{phone}", body=body, sid=sid)
        form["To"] = settings.TWILIO_WHATSAPP_FROM or "whatsapp:+14155238886"
        if button:
            form["ButtonPayload"] = button
        target = (url or settings.SITE_URL).rstrip("/")
        if urlsplit(target).path in ("", "/"):
            target += reverse("notifications:whatsapp-inbound")
        signature = RequestValidator(token).compute_signature(target, form)
        post = self._post_in_process if in_process else self._post
        status, twiml = post(target, form, signature)
        if status != 200:
            raise CommandError(f"The webhook answered {status}: {twiml[:200]}")
        self.stdout.write(reply_text(twiml))
