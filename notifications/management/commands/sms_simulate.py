"""Text cowork as a phone would: a signed Twilio inbound webhook, and the reply it gets.

    python manage.py sms_simulate +994501234567 "C"
    python manage.py sms_simulate +994501234567 "ДА" --url http://127.0.0.1:8000
    python manage.py sms_simulate +994501234567 "IN" --in-process

The request is signed with the token the webhook checks (`webhook_auth_token()`: Twilio's
auth token, or one derived from SECRET_KEY in the embedded default), exactly as Twilio
signs it, so it exercises the same path a real reply takes. `--sid` sends a given
MessageSid again, to see a retried webhook act once.
"""

import secrets
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from twilio.request_validator import RequestValidator

from cowork.phones import phone_to_e164
from notifications.sms.webhooks import webhook_auth_token

TIMEOUT_SECONDS = 30
# What Twilio sends when it has no account of ours to name (the embedded default).
PLACEHOLDER_ACCOUNT_SID = "AC" + "0" * 32
PLACEHOLDER_TO = "+15005550006"


def inbound_url(url: str = "") -> str:
    """The webhook's URL: `url` as given, or its origin plus the inbound path."""
    path = reverse("notifications:sms-inbound")
    url = (url or settings.SITE_URL).rstrip("/")
    return url if urlsplit(url).path not in ("", "/") else url + path


def inbound_form(*, phone: str, body: str, sid: str = "") -> dict[str, str]:
    """The form fields of Twilio's incoming-message webhook for one SMS."""
    sid = sid or "SM" + secrets.token_hex(16)
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": settings.TWILIO_ACCOUNT_SID or PLACEHOLDER_ACCOUNT_SID,
        "MessagingServiceSid": settings.TWILIO_MESSAGING_SERVICE_SID,
        "From": phone,
        "To": settings.TWILIO_FROM_NUMBER or PLACEHOLDER_TO,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "ApiVersion": "2010-04-01",
    }


def reply_text(twiml: str) -> str:
    """The text of the <Message> elements of a TwiML answer, one per line."""
    root = ElementTree.fromstring(twiml)
    return "\n".join((message.text or "") for message in root.iter("Message"))


class Command(BaseCommand):
    help = "Send a signed fake inbound SMS to the webhook and print the reply."

    def add_arguments(self, parser):
        parser.add_argument("phone", help="The sender, e.g. +994501234567.")
        parser.add_argument("body", help='The text, e.g. "C" or "ДА".')
        parser.add_argument(
            "--url",
            default="",
            help="The running server, or the webhook's full URL "
            "(default: SITE_URL and the inbound path).",
        )
        parser.add_argument(
            "--in-process",
            action="store_true",
            help="Call the webhook in this process through Django's test client; no server needed.",
        )
        parser.add_argument(
            "--sid", default="", help="The MessageSid to send (default: a new one)."
        )

    def handle(self, *args, phone, body, url, in_process, sid, **options):
        token = webhook_auth_token()
        if not token:
            raise CommandError(
                "No token to sign with: set TWILIO_AUTH_TOKEN (the webhook checks it too)."
            )
        try:
            phone = phone_to_e164(phone)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        form = inbound_form(phone=phone, body=body, sid=sid)
        target = inbound_url(url)
        signature = RequestValidator(token).compute_signature(target, form)
        if in_process:
            status, twiml = self._post_in_process(target, form, signature)
        else:
            status, twiml = self._post(target, form, signature)
        if status != 200:
            raise CommandError(f"The webhook answered {status}: {twiml[:200]}")
        self.stdout.write(reply_text(twiml))

    def _post(self, url: str, form: dict, signature: str) -> tuple[int, str]:
        request = urllib.request.Request(
            url,
            data=urlencode(form).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature,
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")
        except urllib.error.URLError as exc:
            raise CommandError(
                f"No server answers at {url} ({exc.reason}); start one, or use --in-process."
            ) from exc

    def _post_in_process(self, url: str, form: dict, signature: str) -> tuple[int, str]:
        from django.test import Client

        # The request must look as if it came to `url`: the webhook checks the signature
        # against SITE_URL and against the URL it was asked.
        parts = urlsplit(url)
        client = Client(HTTP_HOST=parts.netloc, secure=parts.scheme == "https")
        response = client.post(parts.path, data=form, HTTP_X_TWILIO_SIGNATURE=signature)
        return response.status_code, response.content.decode()
