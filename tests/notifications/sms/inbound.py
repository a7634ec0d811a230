"""Sending a signed inbound SMS to the real webhook, as Twilio does."""

import itertools

from django.conf import settings
from django.urls import reverse
from twilio.request_validator import RequestValidator

from notifications.models import Notification

TOKEN = "inbound-test-auth-token"
_sids = itertools.count(1)


def inbound_path() -> str:
    return reverse("notifications:sms-inbound")


def twilio_form(*, phone: str, body: str, sid: str = "", **extra: str) -> dict[str, str]:
    sid = sid or f"SM{next(_sids):032x}"
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC" + "1" * 32,
        "From": phone,
        "To": "+15005550006",
        "Body": body,
        "NumMedia": "0",
        **extra,
    }


def sign(form: dict[str, str], *, url: str = "", token: str = TOKEN) -> str:
    """X-Twilio-Signature for `form` posted to `url` (default: SITE_URL and the path)."""
    url = url or settings.SITE_URL + inbound_path()
    return RequestValidator(token).compute_signature(url, form)


def post_signed(client, *, phone: str, body: str, sid: str = "", **extra: str):
    """POST a validly signed inbound SMS; returns the response."""
    form = twilio_form(phone=phone, body=body, sid=sid, **extra)
    return client.post(inbound_path(), data=form, HTTP_X_TWILIO_SIGNATURE=sign(form))


def message_text(response) -> str:
    """The text of the TwiML <Message> in a webhook's answer."""
    from xml.etree import ElementTree

    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "Response"
    return "\n".join(message.text or "" for message in root.iter("Message"))


def pending_reminder(*, kind: str, phone, space, due_at, **about) -> Notification:
    """An English reminder waiting to be sent at `due_at`, about the booking or registration
    in `about`: what a reply that ends the visit must cancel."""
    return Notification.objects.create(
        key=f"{kind}-reminder",
        kind=kind,
        phone=str(phone),
        language="en",
        due_at=due_at,
        next_attempt_at=due_at,
        space=space,
        **about,
    )
