"""Sending due SMS: once, in the person's language and the centre's time, with retries,
failures, e-mail instead, a monthly budget, and delivery reports that never go backwards."""

import datetime
import re
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from cowork.services.booking import booking_cancel, booking_create
from notifications.messaging.delivery import notification_record_status
from notifications.messaging.dispatch import dispatch_due
from notifications.messaging.enqueue import notification_enqueue
from notifications.messaging.recovery import recover_stale
from notifications.models import Notification, SmsBudgetAlert, SmsOptOut
from notifications.tasks import send_due_sms_task
from tests import factories
from tests.notifications.sms.fake_twilio import twilio_error

Kind, Status = Notification.Kind, Notification.Status
HOUR = datetime.timedelta(hours=1)


pytestmark = pytest.mark.usefixtures("locmem_mail")


def _plain_mail():
    """E-mails other than calendar invites (which carry a text/calendar alternative)."""
    return [message for message in mail.outbox if not getattr(message, "alternatives", None)]


def _book(desk, member, hour=10):
    starts_at = factories.next_weekday(desk.space, weekday=2, at=datetime.time(hour, 0))
    return booking_create(
        resource=desk, member=member, starts_at=starts_at, ends_at=starts_at + HOUR
    )


def test_a_confirmation_goes_out_in_russian_with_local_time(
    desk, sms_member, relay_now, locmem_sms
):
    booking = _book(desk, sms_member)
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
    booking = _book(desk, sms_member)
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
    _book(desk, sms_member)
    relay_now()
    dispatch_due()
    dispatch_due()
    send_due_sms_task(run_seconds=1)
    assert len(locmem_sms) == 1


def test_a_reminder_of_a_booking_cancelled_meanwhile_is_not_sent(
    desk, sms_member, relay_now, locmem_sms
):
    booking = _book(desk, sms_member)
    relay_now()
    # Cancelled, but the handler that cancels its reminders has not run yet.
    booking_cancel(booking=booking, acting_user=sms_member)
    dispatch_due(now=booking.starts_at - HOUR)
    assert [sms.body for sms in locmem_sms if "C" in sms.body][:1]  # the confirmation only
    assert len(locmem_sms) == 1
    assert set(
        Notification.objects.filter(kind=Kind.BOOKING_REMINDER).values_list("status", "error_code")
    ) == {(Status.CANCELLED, "booking_inactive")}


def test_every_message_asks_for_a_status_report(desk, sms_member, relay_now, fake_twilio):
    _book(desk, sms_member)
    relay_now()
    dispatch_due()
    (request,) = fake_twilio.messages
    row = Notification.objects.get(kind=Kind.BOOKING_CONFIRMED)
    assert request.form["StatusCallback"].endswith(f"/sms/status?n={row.pk}")
    assert request.form["To"] == "+994501112233"
    assert row.provider_id.startswith("SM")


def test_a_transient_failure_is_retried_later_with_back_off(
    desk, sms_member, relay_now, fake_twilio
):
    _book(desk, sms_member)
    relay_now()
    fake_twilio.reply_with(twilio_error(status=500, code=20500, message="Internal error"))
    assert dispatch_due().retried == 1
    row = Notification.objects.get(kind=Kind.BOOKING_CONFIRMED)
    assert row.status == Status.PENDING and row.error_code == "provider_unavailable"
    assert row.next_attempt_at > timezone.now() + datetime.timedelta(seconds=20)
    assert dispatch_due().claimed == 0
    assert dispatch_due(now=row.next_attempt_at).sent == 1
    assert len(fake_twilio.messages) == 1


def test_a_rate_limit_is_retried_within_seconds(desk, sms_member, relay_now, fake_twilio):
    _book(desk, sms_member)
    relay_now()
    fake_twilio.reply_with(twilio_error(status=429, code=20429, message="Too Many Requests"))
    dispatch_due()
    row = Notification.objects.get(kind=Kind.BOOKING_CONFIRMED)
    assert row.status == Status.PENDING and row.error_code == "rate_limited"
    assert row.next_attempt_at < timezone.now() + datetime.timedelta(seconds=5)


def test_an_invalid_number_fails_at_once_and_the_person_gets_an_email(
    desk, sms_member, relay_now, fake_twilio
):
    _book(desk, sms_member)
    relay_now()
    fake_twilio.reply_with(twilio_error(status=400, code=21211, message="Invalid 'To' number"))
    assert dispatch_due().failed == 1
    row = Notification.objects.get(kind=Kind.BOOKING_CONFIRMED)
    assert (row.status, row.error_code) == (Status.FAILED, "invalid_number")
    assert row.emailed_at is not None
    (email,) = _plain_mail()
    assert email.to == [sms_member.email] and "Desk 4" in email.body
    assert dispatch_due().claimed == 0 and len(_plain_mail()) == 1


def test_nothing_is_sent_to_a_number_that_opted_out(desk, sms_member, relay_now, locmem_sms):
    SmsOptOut.objects.create(phone="+994501112233", keyword="STOP")
    _book(desk, sms_member)
    relay_now()
    assert dispatch_due().failed == 1
    assert not locmem_sms
    row = Notification.objects.get(kind=Kind.BOOKING_CONFIRMED)
    assert (row.status, row.error_code) == (Status.FAILED, "opted_out")
    assert len(_plain_mail()) == 1  # e-mail instead


def test_a_spent_budget_stops_reminders_not_confirmations_and_tells_the_hosts_once(
    desk, sms_member, relay_now, locmem_sms
):
    host = factories.HostFactory(space=desk.space).user
    desk.space.sms_monthly_budget = 1
    desk.space.save()
    booking = _book(desk, sms_member)
    relay_now()
    dispatch_due()  # the confirmation spends this month's budget

    def reminder(key):
        return notification_enqueue(
            key=key,
            kind=Kind.BOOKING_REMINDER,
            phone=sms_member.member.phone,
            language="ru",
            due_at=timezone.now(),
            space=desk.space,
            booking=booking,
            essential=False,
        )

    reminder("early-1")
    reminder("early-2")
    assert dispatch_due().cancelled == 2 and len(locmem_sms) == 1
    assert set(
        Notification.objects.filter(key__startswith="early").values_list("error_code", flat=True)
    ) == {"budget"}
    assert SmsBudgetAlert.objects.count() == 1
    assert [m.to for m in _plain_mail()] == [[host.email]]
    _book(desk, sms_member, hour=14)
    relay_now()
    dispatch_due()
    assert len(locmem_sms) == 2  # confirmations are essential
    reminder("early-3")
    dispatch_due()
    assert len(_plain_mail()) == 1  # the hosts were told once this month


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


def test_delivery_reports_never_move_a_message_backwards(desk, sms_member, relay_now, locmem_sms):
    _book(desk, sms_member)
    relay_now()
    dispatch_due()
    row = Notification.objects.get(kind=Kind.BOOKING_CONFIRMED)
    assert notification_record_status(provider_id=row.provider_id, provider_status="delivered")
    assert not notification_record_status(provider_id=row.provider_id, provider_status="sent")
    row.refresh_from_db()
    assert (row.status, row.provider_status) == (Status.DELIVERED, "delivered")
    assert row.delivered_at is not None


def test_an_undelivered_report_marks_the_failure_with_its_code(
    desk, sms_member, relay_now, locmem_sms
):
    _book(desk, sms_member)
    relay_now()
    dispatch_due()
    row = Notification.objects.get(kind=Kind.BOOKING_CONFIRMED)
    notification_record_status(
        provider_id=row.provider_id, provider_status="undelivered", error_code="30003"
    )
    row.refresh_from_db()
    assert (row.status, row.error_code) == (Status.FAILED, "undelivered_30003")
    assert row.emailed_at is not None


def test_a_message_left_sending_by_a_dead_worker_is_sent_once_when_it_never_left(
    desk, sms_member, relay_now, fake_twilio
):
    from notifications.messaging.dispatch import _claim

    _book(desk, sms_member)
    relay_now()
    (pk,) = _claim(now=timezone.now(), limit=10)  # claimed, then the worker died
    assert dispatch_due().claimed == 0
    assert recover_stale() == 0  # not stale yet: the worker may still be sending
    assert recover_stale(now=timezone.now() + datetime.timedelta(minutes=3)) == 1
    assert Notification.objects.get(pk=pk).status == Status.PENDING
    dispatch_due()
    assert len(fake_twilio.messages) == 1


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
    barrier = threading.Barrier(3)
    errors = []

    def worker():
        try:
            barrier.wait()
            while dispatch_due(limit=7).claimed:
                pass
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    bodies = [sms.body for sms in locmem_sms]
    assert len(bodies) == 60 and len(set(bodies)) == 60
    assert Notification.objects.filter(status=Status.SENT).count() == 60


def test_a_send_whose_answer_was_lost_is_settled_from_twilios_log_not_sent_again(
    desk, sms_member, relay_now, fake_twilio
):
    from tests.notifications.sms.fake_twilio import Reply

    _book(desk, sms_member)
    relay_now()
    fake_twilio.reply_with(Reply(lost_answer=True))
    assert dispatch_due().unsettled == 1
    row = Notification.objects.get(kind=Kind.BOOKING_CONFIRMED)
    assert (row.status, row.error_code) == (Status.SENDING, "no_answer")
    assert dispatch_due().claimed == 0  # not handed out again while it is unsettled
    assert recover_stale(now=timezone.now() + datetime.timedelta(minutes=3)) == 1
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.provider_id == fake_twilio.listed()[0]["sid"]
    dispatch_due()
    assert len(fake_twilio.messages) == 1


def test_a_send_that_never_reached_twilio_is_sent_once_after_settling(
    desk, sms_member, relay_now, fake_twilio
):
    from tests.notifications.sms.fake_twilio import Reply

    _book(desk, sms_member)
    relay_now()
    fake_twilio.reply_with(Reply(drop=True))  # hung up before creating anything
    assert dispatch_due().unsettled == 1
    assert recover_stale(now=timezone.now() + datetime.timedelta(minutes=3)) == 1
    assert dispatch_due().sent == 1
    assert len(fake_twilio.messages) == 1


def test_a_row_recovered_from_a_slow_worker_is_not_sent_by_it_as_well(
    desk, sms_member, relay_now, locmem_sms
):
    from notifications.messaging.budget import BudgetBook
    from notifications.messaging.dispatch import _claim, _send_claimed
    from notifications.sms import get_backend

    _book(desk, sms_member)
    relay_now()
    slow_claim = timezone.now()
    (pk,) = _claim(now=slow_claim, limit=1)  # the slow worker's batch: it has not got here yet
    later = slow_claim + datetime.timedelta(minutes=3)
    assert recover_stale(now=later) == 1  # its claim looks abandoned
    assert dispatch_due(now=later).sent == 1  # another worker sends the row
    outcome = _send_claimed(
        pk, claimed_at=slow_claim, backend=get_backend(), budget=BudgetBook(timezone.now())
    )
    assert outcome == "skipped"
    assert len(locmem_sms) == 1


def _night_in(space, *, day_offset=0, hour=23):
    today = timezone.now().astimezone(space.zone).date()
    day = today + datetime.timedelta(days=day_offset)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=space.zone)


def test_news_that_comes_due_at_night_waits_for_the_morning(sms_space, desk, locmem_sms):
    sms_space.sms_quiet_from, sms_space.sms_quiet_until = datetime.time(21), datetime.time(8)
    sms_space.save()
    booking = _book(desk, factories.MemberFactory(phone="+994501112299").user)
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
    booking = _book(desk, member)
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
