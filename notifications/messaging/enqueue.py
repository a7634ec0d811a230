"""Making a message's row, once, and asking a worker to send what is due."""

import datetime

from django.db import transaction

from cowork.db import insert_unless_exists
from cowork.models import Space
from notifications.models import Notification


def notification_enqueue(
    *,
    key: str,
    kind: str,
    phone: str,
    language: str,
    due_at: datetime.datetime,
    space: Space | None = None,
    booking=None,
    registration=None,
    session=None,
    wait_offer=None,
    email: str = "",
    recipient_name: str = "",
    reason: str = "",
    minutes_before: int | None = None,
    essential: bool = True,
    body: str = "",
    channel: str = "",
) -> Notification | None:
    """Make the row of one SMS due at `due_at`; None if a row with `key` exists already.

    `key` names the message for good (e.g. "booking:12:confirmed"), so the relay handing
    over the same domain event twice makes one row. `channel` is empty to let the send
    choose from the person's order, or names the one a message falls back to. Sending happens in
    `notifications.messaging.dispatch.dispatch_due`.
    """
    notification = Notification(
        key=key,
        kind=kind,
        phone=phone,
        language=language,
        due_at=due_at,
        next_attempt_at=due_at,
        space=space,
        booking=booking,
        registration=registration,
        session=session,
        wait_offer=wait_offer,
        email=email or "",
        recipient_name=recipient_name[:200],
        reason=reason[:300],
        minutes_before=minutes_before,
        essential=essential,
        body=body,
        channel=channel,
    )
    return notification if insert_unless_exists(notification) else None


def dispatch_soon() -> None:
    """Ask a task worker to send what is due, once the current transaction commits."""
    transaction.on_commit(_enqueue_dispatch, robust=True)


def _enqueue_dispatch() -> None:
    from django_q.tasks import async_task

    # Outside a transaction django-q2's ORM broker first closes this thread's connections,
    # which in a request hands its pooled connection back mid-relay, to be waited for
    # again behind every other request. Inside one it leaves them alone.
    with transaction.atomic():
        async_task("notifications.tasks.send_due_sms_task", task_name="send due SMS", group="sms")
