"""The inbound webhook's edge: who may call it, retries, unknown numbers, STOP and START."""

import pytest
from django.urls import reverse

from cowork.models import Booking, BookingStatus
from notifications.messaging.dispatch import dispatch_due
from notifications.messaging.enqueue import notification_enqueue
from notifications.models import InboundSms, Notification, SmsOptOut
from tests import factories
from tests.notifications.sms.inbound import (
    inbound_path,
    message_text,
    post_signed,
    sign,
    twilio_form,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inbound_token")]


@pytest.fixture
def booking(db):
    member = factories.MemberFactory(language="en")
    return factories.BookingFactory(booked_by=member.user)


def phone_of(booking) -> str:
    return str(booking.booked_by.member.phone)


def _nothing_changed(booking) -> None:
    assert not InboundSms.objects.exists()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.cancelled_at is None


def test_url_is_the_one_twilio_is_told():
    assert reverse("notifications:sms-inbound") == "/sms/inbound"


def test_forged_signature_is_refused_and_changes_nothing(client, booking):
    form = twilio_form(phone=phone_of(booking), body="C")

    response = client.post(
        inbound_path(), data=form, HTTP_X_TWILIO_SIGNATURE=sign(form, token="not-our-token")
    )

    assert response.status_code == 403
    _nothing_changed(booking)


def test_missing_signature_is_refused_and_changes_nothing(client, booking):
    response = client.post(inbound_path(), data=twilio_form(phone=phone_of(booking), body="C"))

    assert response.status_code == 403
    _nothing_changed(booking)


def test_signature_for_another_url_is_refused(client, booking):
    form = twilio_form(phone=phone_of(booking), body="C")
    signature = sign(form, url="https://elsewhere.example.org/sms/inbound")

    response = client.post(inbound_path(), data=form, HTTP_X_TWILIO_SIGNATURE=signature)

    assert response.status_code == 403
    _nothing_changed(booking)


def test_signature_over_other_params_is_refused(client, booking):
    signed = twilio_form(phone=phone_of(booking), body="HELP")
    sent = {**signed, "Body": "C"}

    response = client.post(inbound_path(), data=sent, HTTP_X_TWILIO_SIGNATURE=sign(signed))

    assert response.status_code == 403
    _nothing_changed(booking)


def test_a_signed_request_without_message_sid_is_refused(client, booking):
    form = {
        k: v for k, v in twilio_form(phone=phone_of(booking), body="C").items() if "Sid" not in k
    }

    response = client.post(inbound_path(), data=form, HTTP_X_TWILIO_SIGNATURE=sign(form))

    assert response.status_code == 400
    _nothing_changed(booking)


def test_get_is_not_allowed(client):
    assert client.get(inbound_path()).status_code == 405


def test_oversized_request_is_refused_unread(client, booking):
    form = twilio_form(phone=phone_of(booking), body="C" * 20_000)

    response = client.post(inbound_path(), data=form, HTTP_X_TWILIO_SIGNATURE=sign(form))

    assert response.status_code == 413
    _nothing_changed(booking)


@pytest.mark.parametrize("field", ["Body", "From"])
def test_a_nul_byte_in_a_signed_message_is_refused_and_nothing_is_stored(client, booking, field):
    form = twilio_form(phone=phone_of(booking), body="C")
    form[field] = form[field][:1] + "\x00" + form[field][1:]

    response = client.post(inbound_path(), data=form, HTTP_X_TWILIO_SIGNATURE=sign(form))

    assert response.status_code == 400
    _nothing_changed(booking)


def test_answer_is_twiml_in_text_xml(client, booking):
    response = post_signed(client, phone=phone_of(booking), body="HELP")

    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml")
    assert "IN to check in" in message_text(response)


def test_repeated_message_sid_acts_once_and_answers_the_same(
    client, booking, django_capture_on_commit_callbacks
):
    post_signed(client, phone=phone_of(booking), body="C")  # asks once more
    with django_capture_on_commit_callbacks(execute=True):
        first = post_signed(client, phone=phone_of(booking), body="C", sid="SM" + "a" * 32)
    booking.refresh_from_db()
    cancelled_at = booking.cancelled_at
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = post_signed(client, phone=phone_of(booking), body="C", sid="SM" + "a" * 32)

    assert message_text(again) == message_text(first)
    assert message_text(first).startswith("Cancelled: ")
    assert InboundSms.objects.count() == 2
    assert callbacks == []  # no second domain event, nothing relayed
    booking.refresh_from_db()
    assert booking.cancelled_at == cancelled_at
    assert booking.sequence == 1


def test_inbound_message_is_recorded_with_what_it_did(client, booking):
    post_signed(client, phone=phone_of(booking), body=" y! ", sid="SM" + "b" * 32)

    inbound = InboundSms.objects.get()
    assert inbound.message_sid == "SM" + "b" * 32
    assert inbound.phone == phone_of(booking)
    assert inbound.body == " y! "
    assert inbound.command == "confirm"
    assert inbound.outcome == "booking_confirmed"
    assert inbound.reply.startswith("Thank you")


def test_unknown_number_gets_help_and_learns_nothing(client, booking):
    # A stranger's number, and a known number's booking they might try to cancel.
    response = post_signed(client, phone="+998901234567", body="C")

    text = message_text(response)
    assert "Reply C to cancel" in text
    assert booking.resource.name not in text
    assert booking.space.name not in text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert InboundSms.objects.get().outcome == "unknown_number"


def test_unknown_number_and_known_number_without_bookings_read_differently_only_to_owners(
    client,
):
    member = factories.MemberFactory(language="en")

    known = message_text(post_signed(client, phone=str(member.phone), body="C"))
    unknown = message_text(post_signed(client, phone="+998901234568", body="C"))

    assert known == "You have no upcoming booking or event to act on."
    assert "Reply C to cancel" in unknown


def test_not_a_phone_number_is_an_unknown_number(client):
    response = post_signed(client, phone="CoworkBot", body="C")

    assert "Reply C to cancel" in message_text(response)


def test_gibberish_gets_help(client, booking):
    text = message_text(post_signed(client, phone=phone_of(booking), body="what is this?"))

    assert text.startswith("Sorry, we did not understand.")
    assert "OUT to check out" in text
    assert InboundSms.objects.get().outcome == "not_understood"


@pytest.fixture
def due_reminder(booking):
    def make(key):
        return notification_enqueue(
            key=key,
            kind=Notification.Kind.BOOKING_REMINDER,
            phone=phone_of(booking),
            language="en",
            due_at=factories.from_now(minutes=-1),
            space=booking.space,
            booking=booking,
            minutes_before=60,
        )

    return make


def test_stop_means_no_more_sms_until_start(client, booking, due_reminder, sms_outbox):
    stopped = message_text(post_signed(client, phone=phone_of(booking), body="STOP"))

    assert SmsOptOut.objects.filter(phone=phone_of(booking), keyword="STOP").exists()
    assert "Reply START" in stopped
    reminder = due_reminder("reminder:1")
    result = dispatch_due()
    reminder.refresh_from_db()
    assert (result.failed, result.sent) == (1, 0)
    assert reminder.status == Notification.Status.FAILED
    assert reminder.error_code == "opted_out"
    assert sms_outbox == []
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED  # STOP stops texts, nothing else

    started = message_text(post_signed(client, phone=phone_of(booking), body="start"))

    assert not SmsOptOut.objects.exists()
    assert "SMS again" in started
    second = due_reminder("reminder:2")
    assert dispatch_due().sent == 1
    second.refresh_from_db()
    assert second.status == Notification.Status.SENT
    assert [sms.to for sms in sms_outbox] == [phone_of(booking)]


@pytest.mark.parametrize("word", ["STOPALL", "unsubscribe", "End", "QUIT", "REVOKE", "OPTOUT"])
def test_twilio_opt_out_words_opt_out(client, booking, word):
    post_signed(client, phone=phone_of(booking), body=word)

    assert SmsOptOut.objects.filter(phone=phone_of(booking)).exists()


def test_english_cancel_opts_out_like_twilio_and_keeps_the_booking(client, booking):
    """Twilio blocks the number on CANCEL; cancelling the booking too would be a second
    effect the person could not even be told about."""
    text = message_text(post_signed(client, phone=phone_of(booking), body="Cancel"))

    assert SmsOptOut.objects.filter(phone=phone_of(booking), keyword="CANCEL").exists()
    assert "bookings stay" in text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_unknown_number_may_opt_out(client):
    post_signed(client, phone="+998901234569", body="STOP")

    assert SmsOptOut.objects.filter(phone="+998901234569").exists()


def test_yes_opts_back_in_as_twilio_does_and_confirms(client, booking):
    SmsOptOut.objects.create(phone=phone_of(booking), keyword="STOP")

    post_signed(client, phone=phone_of(booking), body="YES")

    assert not SmsOptOut.objects.exists()
    booking.refresh_from_db()
    assert booking.attendance_confirmed_at is not None


def test_y_and_translated_yes_confirm_but_leave_an_opt_out(client, booking):
    SmsOptOut.objects.create(phone=phone_of(booking), keyword="STOP")

    post_signed(client, phone=phone_of(booking), body="Y")

    assert SmsOptOut.objects.exists()
    booking.refresh_from_db()
    assert booking.attendance_confirmed_at is not None


def test_advanced_opt_out_type_is_the_last_word(client, booking):
    """A Messaging Service with custom keywords tells us it treated a word as STOP."""
    post_signed(client, phone=phone_of(booking), body="BASTA", OptOutType="STOP")

    assert SmsOptOut.objects.filter(phone=phone_of(booking), keyword="BASTA").exists()

    post_signed(client, phone=phone_of(booking), body="AVANTI", OptOutType="START")

    assert not SmsOptOut.objects.exists()
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
