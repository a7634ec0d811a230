"""Delivery reports: every message asks for them, and they never move a message backwards."""

import pytest

from notifications.messaging.delivery import notification_record_status
from notifications.messaging.dispatch import dispatch_due
from notifications.models import Notification
from tests.notifications.messaging.sending import book

Kind, Status = Notification.Kind, Notification.Status


pytestmark = pytest.mark.usefixtures("locmem_mail")


def test_every_message_asks_for_a_status_report(desk, sms_member, relay_now, fake_twilio):
    book(desk, sms_member)
    relay_now()
    dispatch_due()
    (request,) = fake_twilio.messages
    row = Notification.objects.get(kind=Kind.BOOKING_CONFIRMED)
    assert request.form["StatusCallback"].endswith(f"/sms/status?n={row.pk}")
    assert request.form["To"] == "+994501112233"
    assert row.provider_id.startswith("SM")


def test_delivery_reports_never_move_a_message_backwards(desk, sms_member, relay_now, locmem_sms):
    book(desk, sms_member)
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
    book(desk, sms_member)
    relay_now()
    dispatch_due()
    row = Notification.objects.get(kind=Kind.BOOKING_CONFIRMED)
    notification_record_status(
        provider_id=row.provider_id, provider_status="undelivered", error_code="30003"
    )
    row.refresh_from_db()
    assert (row.status, row.error_code) == (Status.FAILED, "undelivered_30003")
    assert row.emailed_at is not None
