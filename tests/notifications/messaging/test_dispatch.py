"""Sending due SMS: once, in the person's language and the centre's time, never to a number
that opted out, never at night unless waiting would make it useless; a bad number fails at
once and the person gets an e-mail."""

import datetime
import re

import pytest
from django.utils import timezone

from cowork.services.booking import booking_cancel
from notifications.messaging.dispatch import dispatch_due
from notifications.messaging.enqueue import notification_enqueue
from notifications.models import Notification, SmsOptOut
from notifications.tasks import send_due_sms_task
from tests import factories
from tests.notifications.messaging.sending import (
    HOUR,
    book,
    dispatch_from_workers,
    plain_mail,
    send_confirmation,
)
from tests.notifications.sms.fake_twilio import twilio_error

Kind, Status = Notification.Kind, Notification.Status


pytestmark = pytest.mark.usefixtures("locmem_mail")


def test_a_confirmation_goes_out_in_russian_with_local_time(
    desk, sms_member, relay_now, locmem_sms
):
    booking = book(desk, sms_member)
    relay_now()
    result = dispatch_due()
    assert result.sent == 1
    (sms,) = locmem_sms
    local = booking.starts_at.astimezone(desk.space.zone)
    assert sms.to == "+994501112233"
    assert f"{local:%d.%m} 10:00-11:00" in sms.body
    assert "Desk 4" in sms.body and re.search(r"\bC\b", sms.body)
    assert "Забронировано" in sms.body or "брон" in sms.body.lower()
    row = Notification.objects.get(kind=Kind.BOOKING_CONFIRMED)
    assert row.status == Status.SENT and row.provider_id == sms.provider_id
    assert row.segments == sms.segments and row.attempts == 1


def test_reminders_wait_for_their_time(desk, sms_member, relay_now, locmem_sms):
    booking = book(desk, sms_member)
    relay_now()
    dispatch_due()
    assert len(locmem_sms) == 1
    dispatch_due(now=booking.starts_at - datetime.timedelta(days=1, minutes=1))
    assert len(locmem_sms) == 1
    dispatch_due(now=booking.starts_at - datetime.timedelta(days=1))
    assert len(locmem_sms) == 2 and locmem_sms[-1].segments <= 2
    dispatch_due(now=booking.starts_at - HOUR)
    assert len(locmem_sms) == 3


def test_a_dispatch_run_twice_sends_nothing_twice(desk, sms_member, relay_now, locmem_sms):
    book(desk, sms_member)
    relay_now()
    dispatch_due()
    dispatch_due()
    send_due_sms_task(run_seconds=1)
    assert len(locmem_sms) == 1


def test_a_reminder_of_a_booking_cancelled_meanwhile_is_not_sent(
    desk, sms_member, relay_now, locmem_sms
):
    booking = book(desk, sms_member)
    relay_now()
    # Cancelled, but the handler that cancels its reminders has not run yet.
    booking_cancel(booking=booking, acting_user=sms_member)
    dispatch_due(now=booking.starts_at - HOUR)
    assert [sms.body for sms in locmem_sms if "C" in sms.body][:1]  # the confirmation only
    assert len(locmem_sms) == 1
    assert set(
        Notification.objects.filter(kind=Kind.BOOKING_REMINDER).values_list("status", "error_code")
    ) == {(Status.CANCELLED, "booking_inactive")}


def test_an_invalid_number_fails_at_once_and_the_person_gets_an_email(
    desk, sms_member, relay_now, fake_twilio
):
    invalid = twilio_error(status=400, code=21211, message="Invalid 'To' number")
    result, row = send_confirmation(desk, sms_member, relay_now, fake_twilio, invalid)
    assert result.failed == 1
    assert (row.status, row.error_code) == (Status.FAILED, "invalid_number")
    assert row.emailed_at is not None
    (email,) = plain_mail()
    assert email.to == [sms_member.email] and "Desk 4" in email.body
    assert dispatch_due().claimed == 0 and len(plain_mail()) == 1


def test_nothing_is_sent_to_a_number_that_opted_out(desk, sms_member, relay_now, locmem_sms):
    SmsOptOut.objects.create(phone="+994501112233", keyword="STOP")
    book(desk, sms_member)
    relay_now()
    assert dispatch_due().failed == 1
    assert not locmem_sms
    row = Notification.objects.get(kind=Kind.BOOKING_CONFIRMED)
    assert (row.status, row.error_code) == (Status.FAILED, "opted_out")
    assert len(plain_mail()) == 1  # e-mail instead


def test_a_sign_in_code_is_forgotten_once_sent(sms_space, locmem_sms):
    notification_enqueue(
        key="signin:1",
        kind=Kind.SIGN_IN_CODE,
        phone="+994501112233",
        language="en",
        due_at=timezone.now(),
        body="123456 is your cowork sign-in code.",
    )
    dispatch_due()
    assert locmem_sms[0].body.startswith("123456")
    assert Notification.objects.get(key="signin:1").body == ""


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_send_each_message_exactly_once(locmem_sms, settings):
    # Numbers of nobody we know: room for all of them in the allowances of such SMS.
    settings.SMS_UNVERIFIED_NETWORK_DAILY_LIMIT = 60
    space = factories.SpaceFactory(sms_unverified_daily_limit=60)
    now = timezone.now()
    for number in range(60):
        notification_enqueue(
            key=f"bulk:{number}",
            kind=Kind.SIGN_IN_CODE,
            phone=f"+99450{2000000 + number}",
            language="en",
            due_at=now,
            space=space,
            body=f"{100000 + number} is your cowork sign-in code.",
        )
    dispatch_from_workers(3, limit=7)
    bodies = [sms.body for sms in locmem_sms]
    assert len(bodies) == 60 and len(set(bodies)) == 60
    assert Notification.objects.filter(status=Status.SENT).count() == 60


def _night_in(space, *, day_offset=0, hour=23):
    today = timezone.now().astimezone(space.zone).date()
    day = today + datetime.timedelta(days=day_offset)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=space.zone)


def test_news_that_comes_due_at_night_waits_for_the_morning(sms_space, desk, locmem_sms):
    sms_space.sms_quiet_from, sms_space.sms_quiet_until = datetime.time(21), datetime.time(8)
    sms_space.save()
    booking = book(desk, factories.MemberFactory(phone="+994501112299").user)
    night = _night_in(sms_space)  # a retry of the host's news, say, that fell due at 23:00
    notification_enqueue(
        key="news",
        kind=Kind.BOOKING_CANCELLED,
        phone="+994501112299",
        language="en",
        due_at=night,
        space=sms_space,
        booking=booking,
    )
    result = dispatch_due(now=night)
    row = Notification.objects.get(key="news")
    assert (result.retried, row.status, row.error_code) == (1, Status.PENDING, "quiet_hours")
    morning = datetime.datetime.combine(
        night.date() + datetime.timedelta(days=1), datetime.time(8), tzinfo=sms_space.zone
    )
    assert row.next_attempt_at == morning
    assert row.attempts == 0  # waiting for the morning is not a failed attempt
    assert not locmem_sms
    assert dispatch_due(now=morning).sent == 1


def test_a_reminder_that_comes_due_at_night_for_a_morning_start_is_dropped(
    sms_space, desk, locmem_sms
):
    sms_space.sms_quiet_from, sms_space.sms_quiet_until = datetime.time(21), datetime.time(8)
    sms_space.save()
    member = factories.MemberFactory(phone="+994501112298").user
    starts_at = _night_in(sms_space, day_offset=3, hour=7)
    booking = book(desk, member)
    booking.starts_at, booking.ends_at = starts_at, starts_at + HOUR
    booking.save(update_fields=["starts_at", "ends_at"])
    notification_enqueue(
        key="late reminder",
        kind=Kind.BOOKING_REMINDER,
        phone="+994501112298",
        language="en",
        due_at=starts_at - HOUR,
        space=sms_space,
        booking=booking,
        minutes_before=60,
        essential=False,
    )
    assert dispatch_due(now=starts_at - HOUR).cancelled == 1
    row = Notification.objects.get(key="late reminder")
    assert (row.status, row.error_code) == (Status.CANCELLED, "quiet_hours")
    assert not locmem_sms
