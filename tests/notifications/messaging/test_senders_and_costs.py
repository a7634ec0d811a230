"""A sender per centre and country, the wording it allows, and what each message costs."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.messaging.dispatch import dispatch_due
from notifications.messaging.enqueue import notification_enqueue
from notifications.models import Notification, SmsSender
from tests.notifications.messaging.sending import book, remind

Kind = Notification.Kind
# A reply command: the Latin C or Y on its own (not a name cut to "C…" or "C...").
REPLY_WORD = re.compile(r"(?<!\w)[CY](?![\w…]|\.\.)")

pytestmark = pytest.mark.usefixtures("locmem_mail")


def test_a_one_way_sender_for_the_country_sends_the_link_never_a_reply(
    desk, sms_member, relay_now, fake_twilio
):
    SmsSender.objects.create(space=desk.space, country="AZ", sender="CoworkGNJ")
    booking = book(desk, sms_member)
    relay_now()
    remind(booking, sms_member)
    dispatch_due()
    assert len(fake_twilio.messages) == 2
    for request in fake_twilio.messages:
        assert request.form["From"] == "CoworkGNJ"
        assert "MessagingServiceSid" not in request.form
        assert not REPLY_WORD.search(request.form["Body"]), request.form["Body"]
        assert request.form["Body"].endswith("/bookings/")


def test_a_number_that_takes_replies_asks_for_them(desk, sms_member, relay_now, fake_twilio):
    SmsSender.objects.create(
        space=desk.space, country="AZ", sender="+994125550000", takes_replies=True
    )
    book(desk, sms_member)
    relay_now()
    dispatch_due()
    [request] = fake_twilio.messages
    assert request.form["From"] == "+994125550000"
    assert "C" in REPLY_WORD.findall(request.form["Body"])


def test_another_countrys_sender_leaves_this_one_on_the_centres_own(
    desk, sms_member, relay_now, fake_twilio
):
    SmsSender.objects.create(space=desk.space, country="UA", sender="CoworkUA")
    desk.space.sms_sender_id = "GanjaHub"
    desk.space.save()
    book(desk, sms_member)
    relay_now()
    dispatch_due()
    [request] = fake_twilio.messages
    # A sender ID is a name, not a number: nobody can answer it.
    assert request.form["From"] == "GanjaHub"
    assert not REPLY_WORD.search(request.form["Body"])


def test_an_alphanumeric_sender_cannot_be_marked_as_taking_replies(sms_space):
    sender = SmsSender(space=sms_space, country="AZ", sender="CoworkGNJ", takes_replies=True)
    with pytest.raises(ValidationError, match="cannot take replies"):
        sender.full_clean()


def test_each_message_costs_its_segments_at_its_countrys_price(
    desk, sms_member, relay_now, locmem_sms, settings
):
    settings.SMS_PRICES_USD = {"AZ": "0.20", "UA": "0.17"}
    booking = book(desk, sms_member)
    relay_now()
    dispatch_due()
    confirmation = Notification.objects.get(kind=Kind.BOOKING_CONFIRMED)
    assert confirmation.cost == Decimal("0.20") * confirmation.segments
    ukrainian = notification_enqueue(
        key="to-ukraine",
        kind=Kind.BOOKING_REMINDER,
        phone="+380501234567",
        language="uk",
        due_at=timezone.now(),
        space=desk.space,
        booking=booking,
    )
    dispatch_due()
    ukrainian.refresh_from_db()
    assert ukrainian.segments >= 1
    assert ukrainian.cost == Decimal("0.17") * ukrainian.segments


@pytest.mark.parametrize(("price", "reminder_goes"), [("0.10", True), ("1.00", False)])
def test_the_budget_counts_money_not_segments(
    desk, sms_member, relay_now, locmem_sms, settings, price, reminder_goes
):
    """The same messages, the same segments: whether the reminder goes depends on what the
    confirmation cost."""
    settings.SMS_PRICES_USD = {"AZ": price}
    desk.space.sms_monthly_budget_usd = Decimal("0.50")
    desk.space.save()
    booking = book(desk, sms_member)
    relay_now()
    dispatch_due()
    reminder = remind(booking, sms_member)
    dispatch_due()
    reminder.refresh_from_db()
    if reminder_goes:
        assert reminder.status == Notification.Status.SENT
    else:
        assert (reminder.status, reminder.error_code) == (Notification.Status.CANCELLED, "budget")
