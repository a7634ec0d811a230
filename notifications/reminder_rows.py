"""The rows reminders and notices are made of, and what a member's choices make of them:
when a message is due, making and cancelling pending rows, whose choices apply."""

import datetime

from django.db.models import Q
from django.utils import timezone

from cowork.models import Member, Participant, Space
from notifications.messaging.enqueue import notification_enqueue
from notifications.models import Notification
from notifications.quiet_hours import REMINDERS, Window, send_time

Status = Notification.Status


def enqueue(
    kind: str,
    *,
    starts_at: datetime.datetime,
    minutes_before: int | None = None,
    space: Space,
    personal: Window | None = None,
    **fields,
) -> Notification | None:
    """A row of `kind` for something starting at `starts_at`, due by `due_at`; None: never."""
    due = due_at(space, kind, starts_at, minutes_before, personal=personal)
    if due is None:
        return None
    return notification_enqueue(
        kind=kind,
        due_at=due,
        space=space,
        minutes_before=minutes_before,
        essential=kind not in REMINDERS,
        **fields,
    )


def due_at(
    space: Space,
    kind: str,
    starts_at: datetime.datetime,
    minutes_before: int | None,
    *,
    personal: Window | None = None,
) -> datetime.datetime | None:
    """When a `kind` message about something starting at `starts_at` should go; None: never.

    A reminder whose time has passed is not sent at all; quiet hours do the rest.
    """
    now = timezone.now()
    if minutes_before is None:
        due_at = now
    else:
        due_at = starts_at - datetime.timedelta(minutes=minutes_before)
        if due_at < now - datetime.timedelta(minutes=1):
            return None
    return send_time(space, kind, at=due_at, starts_at=starts_at, personal=personal)


def cancel_pending(where: Q, *, reason: str, keep: str | tuple[str, ...] = ()) -> int:
    """Cancel the pending messages `where` says, but those of the kinds to `keep`."""
    pending = Notification.objects.filter(where, status=Status.PENDING)
    return pending.exclude(kind__in=(keep,) if isinstance(keep, str) else keep).update(
        status=Status.CANCELLED, error_code=reason
    )


def member_of(participant: Participant) -> Member | None:
    """The account of a participant: linked to it, or holding the same (proven) phone."""
    same = Q(pk=participant.member_id) if participant.member_id else Q(phone=participant.phone)
    return Member.objects.filter(same).first() if participant.phone else None


def participant_of(member: Member) -> Participant | None:
    same = Q(member=member) | Q(phone=member.phone) if member.phone else Q(member=member)
    return Participant.objects.filter(same).first()


def reminder_times(member: Member | None, space: Space) -> list[int]:
    return member.reminder_times(space.sms_reminders) if member else list(space.sms_reminders)


def choices_version(member: Member | None) -> str:
    """The key suffix of reminders planned by the member's current choices ("" before any)."""
    return f":v{member.reminders_version}" if member and member.reminders_version else ""


def quiet_hours_of(member: Member | None) -> Window | None:
    if member is None or member.quiet_from is None or member.quiet_until is None:
        return None
    return (member.quiet_from, member.quiet_until)
