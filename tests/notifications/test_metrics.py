"""/metrics reports SMS sent, failed, refused by opt-out and held back from unverified numbers,
and how late reminders go out."""

import datetime
import itertools

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from notifications.models import Notification, SmsOptOut

pytestmark = pytest.mark.django_db

Status, Kind = Notification.Status, Notification.Kind
_keys = itertools.count()


def _sms(*, kind=Kind.BOOKING_CONFIRMED, status=Status.SENT, due_ago=0, sent_after=None, **kw):
    now = timezone.now()
    due = now - datetime.timedelta(seconds=due_ago)
    return Notification.objects.create(
        key=f"test-{next(_keys)}",
        kind=kind,
        phone="+994501234567",
        language="az",
        status=status,
        due_at=due,
        next_attempt_at=due,
        sent_at=None if sent_after is None else due + datetime.timedelta(seconds=sent_after),
        **kw,
    )


def _scrape() -> dict[str, float]:
    response = Client().get("/metrics")
    assert response.status_code == 200
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(response.content.decode())
        if family.name.startswith("cowork_sms")
        for sample in family.samples
        if not sample.labels
    }


def test_sms_totals_follow_the_rows():
    before = _scrape()
    _sms(status=Status.SENT, sent_after=1)
    _sms(status=Status.DELIVERED, sent_after=1)
    _sms(status=Status.FAILED, error_code="invalid_number")
    _sms(status=Status.FAILED, error_code="opted_out")
    _sms(status=Status.CANCELLED, error_code="unverified_cap")
    SmsOptOut.objects.create(phone="+994501234568")
    after = _scrape()
    assert after["cowork_sms_sent_total"] == before["cowork_sms_sent_total"] + 2
    assert after["cowork_sms_failed_total"] == before["cowork_sms_failed_total"] + 1
    assert after["cowork_sms_opted_out_total"] == before["cowork_sms_opted_out_total"] + 1
    assert after["cowork_sms_opted_out_numbers"] == before["cowork_sms_opted_out_numbers"] + 1
    held_back = "cowork_sms_held_back_unverified_total"
    assert after[held_back] == before[held_back] + 1


def test_reminder_lateness_and_the_oldest_overdue_reminder():
    assert _scrape()["cowork_sms_reminder_overdue_seconds"] == 0
    _sms(kind=Kind.BOOKING_REMINDER, due_ago=600, sent_after=90)
    _sms(kind=Kind.EVENT_REMINDER, due_ago=300, sent_after=30)
    # A confirmation is not a reminder, however late.
    _sms(kind=Kind.BOOKING_CONFIRMED, due_ago=600, sent_after=500)
    _sms(kind=Kind.EVENT_REMINDER, status=Status.PENDING, due_ago=240)
    samples = _scrape()
    assert samples["cowork_sms_reminder_lateness_seconds"] == pytest.approx(90, abs=1)
    assert 239 < samples["cowork_sms_reminder_overdue_seconds"] < 300
