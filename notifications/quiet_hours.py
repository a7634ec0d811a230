"""Quiet hours: when in a centre's night a message may go, if at all.

Each centre sets its quiet hours in local time (`sms_quiet_from`–`sms_quiet_until`, by
default 21:00–08:00). The rule is applied when a message's row is made and again when it is
about to be sent, since a retry, a backlog or a recovery can bring a row due at night.
"""

import datetime

from cowork.models import Space
from notifications.models import SECRET_KINDS, Notification

Kind = Notification.Kind

# Sent whatever the hour: the person has just acted (booked, registered, asked for a code).
ANY_HOUR = frozenset(
    {
        Kind.BOOKING_CONFIRMED,
        Kind.REGISTRATION_CONFIRMED,
        Kind.REGISTRATION_WAITLISTED,
    }
    | SECRET_KINDS
)
REMINDERS = frozenset({Kind.BOOKING_REMINDER, Kind.EVENT_REMINDER})


def send_time(
    space: Space,
    kind: str,
    *,
    at: datetime.datetime,
    starts_at: datetime.datetime | None,
) -> datetime.datetime | None:
    """When a `kind` message due `at` may go: `at`, the end of quiet hours, or None (never).

    News that waiting would make useless (a cancellation of something starting before the
    morning) goes at once. A reminder that could only arrive after the start is not sent.
    """
    if kind in ANY_HOUR:
        return at
    morning = quiet_hours_end(space, at)
    if morning is None:
        return at
    if starts_at is not None and morning >= starts_at:
        return None if kind in REMINDERS else at
    return morning


def quiet_hours_end(space: Space, moment: datetime.datetime) -> datetime.datetime | None:
    """The end of the centre's quiet hours if `moment` falls in them, else None."""
    quiet_from, quiet_until = space.sms_quiet_from, space.sms_quiet_until
    if quiet_from == quiet_until:
        return None
    local = moment.astimezone(space.zone)
    clock = local.time()
    if quiet_from < quiet_until:
        quiet = quiet_from <= clock < quiet_until
    else:  # over midnight, e.g. 21:00–08:00
        quiet = clock >= quiet_from or clock < quiet_until
    if not quiet:
        return None
    day = local.date() if clock < quiet_until else local.date() + datetime.timedelta(days=1)
    end = datetime.datetime.combine(day, quiet_until, tzinfo=space.zone)
    return end.astimezone(datetime.UTC)
