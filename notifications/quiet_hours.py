"""Quiet hours: when in a centre's night a message may go, if at all.

Each centre sets its quiet hours in local time (`sms_quiet_from`–`sms_quiet_until`, by
default 21:00–08:00). The rule is applied when a message's row is made and again when it is
about to be sent, since a retry, a backlog or a recovery can bring a row due at night.

A member may keep quiet hours of their own (`Member.quiet_from`–`quiet_until`), read in the
local time of the centre concerned. They add to the centre's, never replace them: a person
can ask for more quiet, not for messages in the centre's night. Both are applied when a
reminder's row is made (`notifications.reminders`).
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


Window = tuple[datetime.time, datetime.time]


def send_time(
    space: Space,
    kind: str,
    *,
    at: datetime.datetime,
    starts_at: datetime.datetime | None,
    personal: Window | None = None,
) -> datetime.datetime | None:
    """When a `kind` message due `at` may go: `at`, the end of quiet hours, or None (never).

    `personal`: the person's own quiet hours, kept on top of the centre's. News that
    waiting would make useless (a cancellation of something starting before the morning)
    goes at once. A reminder that could only arrive after the start is not sent.
    """
    if kind in ANY_HOUR:
        return at
    windows = [(space.sms_quiet_from, space.sms_quiet_until)]
    if personal is not None:
        windows.append(personal)
    morning = _end_of_quiet(windows, space.zone, at)
    if morning is None:
        return at
    if starts_at is not None and morning >= starts_at:
        return None if kind in REMINDERS else at
    return morning


def quiet_hours_end(space: Space, moment: datetime.datetime) -> datetime.datetime | None:
    """The end of the centre's quiet hours if `moment` falls in them, else None."""
    return _window_end((space.sms_quiet_from, space.sms_quiet_until), space.zone, moment)


def _end_of_quiet(
    windows: list[Window], zone, moment: datetime.datetime
) -> datetime.datetime | None:
    """The first moment from `moment` on outside every window; None if `moment` is outside.

    Windows may overlap or follow each other (the centre's night, then the person's
    morning), so the end of one can fall in another: step until none holds it. Each step
    moves to a window's end, and there are at most two windows a day.
    """
    current = moment
    for _step in range(2 * len(windows) + 1):
        ends = [end for window in windows if (end := _window_end(window, zone, current))]
        if not ends:
            return current if current != moment else None
        current = max(ends)
    return current


def _window_end(window: Window, zone, moment: datetime.datetime) -> datetime.datetime | None:
    """The end of quiet `window` (local times in `zone`) if `moment` falls in it, else None."""
    quiet_from, quiet_until = window
    if quiet_from == quiet_until:
        return None
    local = moment.astimezone(zone)
    clock = local.time()
    if quiet_from < quiet_until:
        quiet = quiet_from <= clock < quiet_until
    else:  # over midnight, e.g. 21:00–08:00
        quiet = clock >= quiet_from or clock < quiet_until
    if not quiet:
        return None
    day = local.date() if clock < quiet_until else local.date() + datetime.timedelta(days=1)
    end = datetime.datetime.combine(day, quiet_until, tzinfo=zone)
    return end.astimezone(datetime.UTC)
