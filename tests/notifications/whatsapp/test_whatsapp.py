"""WhatsApp through Twilio: signed replies act as SMS replies do, messages we start go as
free text inside the 24-hour window and as approved templates outside it, else on the next
channel; the real twilio client against the fake Twilio."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cowork.models import BookingStatus
from notifications.messaging.delivery import notification_record_status
from notifications.messaging.dispatch import dispatch_due
from notifications.models import Channel, ChannelAddress, Notification, SmsOptOut
from tests.notifications.messaging.sending import book
from tests.notifications.sms.inbound import message_text, sign, twilio_form

pytestmark = pytest.mark.django_db

SENDER = "whatsapp:+14155238886"
Kind, Status = Notification.Kind, Notification.Status


@pytest.fixture
def whatsapp(settings, fake_twilio):
    settings.TWILIO_WHATSAPP_FROM = SENDER
    settings.WHATSAPP_BACKEND = "notifications.whatsapp.backends.TwilioWhatsAppBackend"
    settings.WHATSAPP_TEMPLATES = {}
    return fake_twilio


def write(client, fake, phone: str, body: str, **extra):
    """A signed inbound WhatsApp message from `phone`; the TwiML answer's text."""
    path = reverse("notifications:whatsapp-inbound")
    from django.conf import settings

    form = twilio_form(phone=f"whatsapp:{phone}", body=body, To=SENDER, **extra)
    signature = sign(form, url=settings.SITE_URL + path, token=fake.auth_token)
    return client.post(path, data=form, HTTP_X_TWILIO_SIGNATURE=signature)


def test_a_signed_c_then_c_cancels(client, whatsapp, sms_member, desk):
    booking = book(desk, sms_member)
    phone = str(sms_member.member.phone)

    asked = message_text(write(client, whatsapp, phone, "C"))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert asked.startswith("Отменить Desk 4")  # the member reads Russian

    done = message_text(write(client, whatsapp, phone, "С"))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert "Desk 4" in done and done != asked
    address = ChannelAddress.objects.get(channel=Channel.WHATSAPP)
    assert address.usable and address.address == f"whatsapp:{phone}"


def test_a_quick_reply_acts_by_its_id(client, whatsapp, sms_member, desk):
    booking = book(desk, sms_member)
    phone = str(sms_member.member.phone)
    write(client, whatsapp, phone, "Отменить", ButtonPayload="C")
    write(client, whatsapp, phone, "Отменить", ButtonPayload="C")

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_an_unsigned_message_is_refused(client, whatsapp, sms_member):
    form = twilio_form(phone=f"whatsapp:{sms_member.member.phone}", body="STOP")
    response = client.post(reverse("notifications:whatsapp-inbound"), data=form)

    assert response.status_code == 403
    assert not ChannelAddress.objects.exists()


def test_stop_on_whatsapp_stops_whatsapp_only(client, whatsapp, sms_member):
    phone = str(sms_member.member.phone)
    write(client, whatsapp, phone, "STOP")

    assert not ChannelAddress.objects.get(channel=Channel.WHATSAPP).usable
    assert not SmsOptOut.objects.exists()
    write(client, whatsapp, phone, "START")
    assert ChannelAddress.objects.get(channel=Channel.WHATSAPP).usable


def sent_to(fake, prefix: str):
    return [m.form for m in fake.messages if m.form["To"].startswith(prefix)]


def test_inside_the_window_free_text_goes(client, whatsapp, sms_member, desk, relay_now):
    phone = str(sms_member.member.phone)
    write(client, whatsapp, phone, "HELP")
    book(desk, sms_member)
    relay_now()

    dispatch_due()

    [sent] = sent_to(whatsapp, "whatsapp:")
    assert sent["From"] == SENDER and "Desk 4" in sent["Body"]
    row = Notification.objects.get(kind=Kind.BOOKING_CONFIRMED)
    assert (row.channel, row.status) == (Channel.WHATSAPP, Status.SENT)


def test_outside_the_window_an_approved_template_goes(
    client, whatsapp, settings, sms_member, desk, relay_now
):
    settings.WHATSAPP_TEMPLATES = {Kind.BOOKING_CONFIRMED: "HX" + "1" * 32}
    write(client, whatsapp, str(sms_member.member.phone), "HELP")
    ChannelAddress.objects.update(last_inbound_at=timezone.now() - datetime.timedelta(hours=25))
    book(desk, sms_member)
    relay_now()

    dispatch_due()

    [sent] = sent_to(whatsapp, "whatsapp:")
    assert sent["ContentSid"] == "HX" + "1" * 32
    variables = json.loads(sent["ContentVariables"])
    assert variables["1"] == "Desk 4" and variables["2"] == desk.space.name


def test_outside_the_window_without_a_template_the_sms_goes_once(
    client, whatsapp, sms_member, desk, relay_now
):
    write(client, whatsapp, str(sms_member.member.phone), "HELP")
    ChannelAddress.objects.update(last_inbound_at=timezone.now() - datetime.timedelta(hours=25))
    book(desk, sms_member)
    relay_now()

    dispatch_due()
    dispatch_due()

    assert sent_to(whatsapp, "whatsapp:") == []
    assert len(sent_to(whatsapp, "+")) == 1
    rows = Notification.objects.filter(kind=Kind.BOOKING_CONFIRMED).order_by("id")
    assert [(r.channel, r.status, r.error_code) for r in rows] == [
        (Channel.WHATSAPP, Status.FAILED, "outside_window"),
        (Channel.SMS, Status.SENT, ""),
    ]


def test_undelivered_on_whatsapp_goes_by_sms_once(client, whatsapp, sms_member, desk, relay_now):
    write(client, whatsapp, str(sms_member.member.phone), "HELP")
    book(desk, sms_member)
    relay_now()
    dispatch_due()
    row = Notification.objects.get(kind=Kind.BOOKING_CONFIRMED)

    for _ in range(2):  # Twilio may report twice
        notification_record_status(
            provider_id=row.provider_id, provider_status="undelivered", error_code="63024"
        )
    dispatch_due()

    assert len(sent_to(whatsapp, "+")) == 1
    assert (
        Notification.objects.filter(kind=Kind.BOOKING_CONFIRMED, channel=Channel.SMS).count() == 1
    )


def test_whatsapp_simulate_signs_and_prints_the_answer(settings, sms_member, desk, capsys):
    settings.TWILIO_AUTH_TOKEN = "simulate-token"
    book(desk, sms_member)

    call_command("whatsapp_simulate", str(sms_member.member.phone), "C", "--in-process")

    assert "Desk 4" in capsys.readouterr().out
    assert ChannelAddress.objects.get(channel=Channel.WHATSAPP).usable


def test_help_on_whatsapp_says_stop_ends_these_messages_not_the_sms(client, whatsapp, sms_member):
    sms_member.member.language = "uk"
    sms_member.member.save(update_fields=["language"])
    answer = message_text(write(client, whatsapp, str(sms_member.member.phone), "HELP"))

    assert "STOP — не писати сюди" in answer
    assert "SMS" not in answer
