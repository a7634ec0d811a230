"""What becomes of a claimed row: every write conditional on the claim, and e-mail instead.

A worker holds a row by its claim (SENDING, `claimed_at`); recovery may hand a stale claim to
another worker, so each write here changes the row only while that claim still stands.
"""

import datetime
import logging

from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone, translation

from notifications.messaging.channels import fall_back
from notifications.models import SECRET_KINDS, Notification
from notifications.sms.messages import facts_for, render_message

logger = logging.getLogger(__name__)

Status = Notification.Status
Kind = Notification.Kind


def still_claimed(notification: Notification):
    """The row, while it is still under the claim this worker holds."""
    return Notification.objects.filter(
        pk=notification.pk, status=Status.SENDING, claimed_at=notification.claimed_at
    )


def kept_body(notification: Notification, body):
    """What the row keeps of its text once it is out: a code or a link is a secret."""
    return "" if notification.kind in SECRET_KINDS else body


def finish(notification: Notification, status: str, *, error_code: str = "", message="") -> None:
    still_claimed(notification).update(
        status=status,
        error_code=error_code,
        error_message=message[:300],
        failed_at=timezone.now() if status == Status.FAILED else None,
        body=kept_body(notification, F("body")),
    )


def fail(notification: Notification, *, code: str, message: str) -> None:
    finish(notification, Status.FAILED, error_code=code, message=message)
    next_channel_or_email(notification, code=code)


def next_channel_or_email(notification: Notification, *, code: str = "") -> None:
    """A message that could not go: on the person's next channel, once, else by e-mail."""
    if not fall_back(notification, code=code):
        email_instead(notification)


def put_back(
    notification: Notification,
    *,
    at: datetime.datetime,
    error_code: str,
    message: str = "",
    count_attempt: bool = True,
) -> None:
    """Return a claimed row to PENDING, due again `at`."""
    still_claimed(notification).update(
        status=Status.PENDING,
        next_attempt_at=at,
        error_code=error_code,
        error_message=message[:300],
        attempts=F("attempts") if count_attempt else F("attempts") - 1,
    )


def email_instead(notification: Notification) -> bool:
    """E-mail the message to a person who has an address, once; True if it went out."""
    if not notification.email or notification.kind in SECRET_KINDS:
        return False
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    body = notification.body or render_message(
        kind=notification.kind,
        language=notification.language,
        facts=facts_for(notification),
        fewest_segments=False,
    )
    with translation.override(notification.language):
        subject = str(Notification.Kind(notification.kind).label)
    try:
        send_mail(subject, body, None, [notification.email])
    except Exception:
        logger.warning("E-mail instead of SMS %s failed", notification.pk, exc_info=True)
        return False
    return True
