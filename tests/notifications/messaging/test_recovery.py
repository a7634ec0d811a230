"""Sends that did not settle: transient failures retried with back-off, and claims a dead or
slow worker left settled from the provider's log, never sent twice."""

import datetime

import pytest
from django.utils import timezone

from notifications.messaging.budget import BudgetBook
from notifications.messaging.dispatch import _claim, _send_claimed, dispatch_due
from notifications.messaging.recovery import recover_stale
from notifications.models import Notification
from notifications.sms import get_backend
from tests.notifications.messaging.sending import book, send_confirmation
from tests.notifications.sms.fake_twilio import Reply, twilio_error

Kind, Status = Notification.Kind, Notification.Status


pytestmark = pytest.mark.usefixtures("locmem_mail")


def test_a_transient_failure_is_retried_later_with_back_off(
    desk, sms_member, relay_now, fake_twilio
):
    outage = twilio_error(status=500, code=20500, message="Internal error")
    result, row = send_confirmation(desk, sms_member, relay_now, fake_twilio, outage)
    assert result.retried == 1
    assert row.status == Status.PENDING and row.error_code == "provider_unavailable"
    assert row.next_attempt_at > timezone.now() + datetime.timedelta(seconds=20)
    assert dispatch_due().claimed == 0
    assert dispatch_due(now=row.next_attempt_at).sent == 1
    assert len(fake_twilio.messages) == 1


def test_a_rate_limit_is_retried_within_seconds(desk, sms_member, relay_now, fake_twilio):
    slow_down = twilio_error(status=429, code=20429, message="Too Many Requests")
    _, row = send_confirmation(desk, sms_member, relay_now, fake_twilio, slow_down)
    assert row.status == Status.PENDING and row.error_code == "rate_limited"
    assert row.next_attempt_at < timezone.now() + datetime.timedelta(seconds=5)


def test_a_message_left_sending_by_a_dead_worker_is_sent_once_when_it_never_left(
    desk, sms_member, relay_now, fake_twilio
):
    book(desk, sms_member)
    relay_now()
    (pk,) = _claim(now=timezone.now(), limit=10)  # claimed, then the worker died
    assert dispatch_due().claimed == 0
    assert recover_stale() == 0  # not stale yet: the worker may still be sending
    assert recover_stale(now=timezone.now() + datetime.timedelta(minutes=3)) == 1
    assert Notification.objects.get(pk=pk).status == Status.PENDING
    dispatch_due()
    assert len(fake_twilio.messages) == 1


def test_a_send_whose_answer_was_lost_is_settled_from_twilios_log_not_sent_again(
    desk, sms_member, relay_now, fake_twilio
):
    result, row = send_confirmation(
        desk, sms_member, relay_now, fake_twilio, Reply(lost_answer=True)
    )
    assert result.unsettled == 1
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
    # Twilio hangs up before creating anything.
    result, _ = send_confirmation(desk, sms_member, relay_now, fake_twilio, Reply(drop=True))
    assert result.unsettled == 1
    assert recover_stale(now=timezone.now() + datetime.timedelta(minutes=3)) == 1
    assert dispatch_due().sent == 1
    assert len(fake_twilio.messages) == 1


def test_a_row_recovered_from_a_slow_worker_is_not_sent_by_it_as_well(
    desk, sms_member, relay_now, locmem_sms
):
    book(desk, sms_member)
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
