"""Delivery reports: where the provider is to send them, and what a report changes.

A channel's signed webhook (`notifications/sms/webhooks.py` for Twilio) parses the report and
calls `notification_record_status`; nothing here depends on how the report arrived.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.ical.site import site_url
from notifications.messaging.outcomes import kept_body, next_channel_or_email
from notifications.models import Notification

Status = Notification.Status

# Provider statuses in the order a message moves through them; a report never moves a
# message back ("sent" arriving after "delivered" changes nothing).
_PROVIDER_RANK = {
    "accepted": 1,
    "scheduled": 1,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "undelivered": 4,
    "failed": 4,
    "delivered": 5,
    "read": 6,
}


def status_callback_url(notification: Notification) -> str:
    """Where the provider reports on this message; the id ties a report to its row even if
    the worker died before it learned the provider's id."""
    return f"{site_url()}{reverse('notifications:sms-status')}?n={notification.pk}"


def notification_record_status(
    *,
    provider_id: str,
    provider_status: str,
    error_code: str = "",
    notification_id: int | None = None,
) -> bool:
    """Record a delivery report; True if it changed anything.

    The row is found by the provider's id, or by our id from the callback URL when the
    worker died before it could store the provider's id.
    """
    rank = _PROVIDER_RANK.get(provider_status)
    if rank is None or not provider_id:
        return False
    with transaction.atomic():
        rows = Notification.objects.select_for_update()
        notification = rows.filter(provider_id=provider_id).first()
        if notification is None and notification_id is not None:
            notification = rows.filter(pk=notification_id, provider_id="").first()
        if notification is None:
            return False
        if _PROVIDER_RANK.get(notification.provider_status, 0) >= rank:
            return False
        now = timezone.now()
        notification.provider_id = provider_id
        notification.provider_status = provider_status
        fields = ["provider_id", "provider_status"]
        if notification.sent_at is None:
            # A report for a row whose worker died before recording the send: the provider
            # took it, so its segments count against the month's budget.
            notification.sent_at = now
            notification.body = kept_body(notification, notification.body)
            fields += ["sent_at", "body"]
        if provider_status in {"delivered", "read"}:
            notification.status, notification.delivered_at = Status.DELIVERED, now
            fields += ["status", "delivered_at"]
        elif provider_status in {"undelivered", "failed"}:
            notification.status, notification.failed_at = Status.FAILED, now
            notification.error_code = f"undelivered_{error_code}" if error_code else "undelivered"
            fields += ["status", "failed_at", "error_code"]
        elif notification.status in {Status.PENDING, Status.SENDING}:
            notification.status = Status.SENT
            fields += ["status"]
        notification.save(update_fields=fields)
    if notification.status == Status.FAILED:
        next_channel_or_email(notification, code=notification.error_code)
    return True
