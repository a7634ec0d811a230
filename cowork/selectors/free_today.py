"""What is free at a centre now and later today: the public's view of a day.

Only times are read, never who holds a booking or why, so anyone may be shown the result.
The live dashboard (`occupancy.py`) is the hosts' view, with names.
"""

import datetime
from dataclasses import dataclass

from cowork.booking_rules import BookingPolicy
from cowork.models import ACTIVE_STATUSES, Booking, Resource, Space


@dataclass(frozen=True)
class FreeWindow:
    """A stretch of today in which a resource is free, in the centre's zone."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime


@dataclass(frozen=True)
class ResourceToday:
    resource: Resource
    # The window holding the current grid slot, if the resource is free in it.
    free_now: FreeWindow | None
    # Free windows after that one, until closing time.
    later: tuple[FreeWindow, ...]


def slot_start(space: Space, now: datetime.datetime) -> datetime.datetime:
    """The start of the grid slot `now` falls in, in the centre's zone: where "now" starts
    for booking (the rules let a booking start within the current slot)."""
    local = now.astimezone(space.zone).replace(second=0, microsecond=0)
    minutes = local.hour * 60 + local.minute
    return local - datetime.timedelta(minutes=minutes % space.booking_grid_minutes)


def opening_left_today(space: Space, now: datetime.datetime) -> list[FreeWindow]:
    """The rest of today's opening periods, from the current grid slot; empty on a
    closure day. Reads prefetched `opening_hours` and `closures` when the caller has them."""
    zone = space.zone
    today = now.astimezone(zone).date()
    if any(c.starts_on <= today <= c.ends_on for c in space.closures.all()):
        return []
    start = slot_start(space, now)
    periods = sorted(
        (h for h in space.opening_hours.all() if h.weekday == today.weekday()),
        key=lambda h: h.opens,
    )
    left = []
    for period in periods:
        opens = datetime.datetime.combine(today, period.opens, tzinfo=zone)
        closes = datetime.datetime.combine(today, period.closes, tzinfo=zone)
        if closes > start:
            left.append(FreeWindow(max(opens, start), closes))
    return left


def _free_parts(
    opening: list[FreeWindow], taken: list[tuple[datetime.datetime, datetime.datetime]], *, zone
) -> list[FreeWindow]:
    free = []
    for period in opening:
        cursor = period.starts_at
        for starts_at, blocked_until in sorted(taken):
            if blocked_until <= cursor or starts_at >= period.ends_at:
                continue
            if starts_at > cursor:
                free.append(FreeWindow(cursor, starts_at.astimezone(zone)))
            cursor = max(cursor, blocked_until.astimezone(zone))
        if cursor < period.ends_at:
            free.append(FreeWindow(cursor, period.ends_at))
    return free


def _split_now(resource, free: list[FreeWindow], start: datetime.datetime) -> ResourceToday:
    now_window = next((w for w in free if w.starts_at <= start < w.ends_at), None)
    later = tuple(w for w in free if w is not now_window and w.starts_at > start)
    return ResourceToday(resource=resource, free_now=now_window, later=later)


def free_today(
    *, space: Space, now: datetime.datetime, resources: list[Resource] | None = None
) -> list[ResourceToday]:
    """Each room and desk in service (or each of `resources`): whether it is free now, until
    when, and its free windows later today, inside opening hours.

    One query for the day's bookings (times only), besides the space's hours and closures
    and its resources when the caller has not loaded them.
    """
    if resources is None:
        resources = [
            r
            for r in space.resources.all()
            if r.kind in (Resource.Kind.ROOM, Resource.Kind.DESK) and not r.out_of_service
        ]
    opening = opening_left_today(space, now)
    if not opening or not resources:
        return [ResourceToday(resource=r, free_now=None, later=()) for r in resources]
    taken: dict[int, list[tuple[datetime.datetime, datetime.datetime]]] = {}
    rows = Booking.objects.filter(
        resource__in=[r.pk for r in resources],
        status__in=ACTIVE_STATUSES,
        starts_at__lt=opening[-1].ends_at,
        blocked_until__gt=opening[0].starts_at,
    ).values_list("resource_id", "starts_at", "blocked_until")
    for resource_id, starts_at, blocked_until in rows:
        taken.setdefault(resource_id, []).append((starts_at, blocked_until))
    start = slot_start(space, now)
    return [
        _split_now(r, _free_parts(opening, taken.get(r.pk, []), zone=space.zone), start)
        for r in resources
    ]


def free_window_now(*, resource: Resource, now: datetime.datetime) -> FreeWindow | None:
    """The free window of `resource` that holds the current grid slot, or None when it is
    out of service, taken, or the centre is closed."""
    if resource.out_of_service:
        return None
    return free_today(space=resource.space, now=now, resources=[resource])[0].free_now


def book_now_window(*, resource: Resource, now: datetime.datetime) -> FreeWindow | None:
    """What "book it now" books: from the current grid slot until the free window ends
    (closing time or the next booking), at most the longest booking allowed, ending on the
    grid; None when the resource is not free now."""
    window = free_window_now(resource=resource, now=now)
    if window is None:
        return None
    space = resource.space
    starts_at = slot_start(space, now)
    longest = datetime.timedelta(minutes=BookingPolicy.for_resource(resource, space).max_minutes)
    grid = datetime.timedelta(minutes=space.booking_grid_minutes)
    # The window may end off the grid (a buffer after someone's booking): stop at the last
    # grid line inside it.
    ends_at = min(window.ends_at, starts_at + longest)
    ends_at = starts_at + ((ends_at - starts_at) // grid) * grid
    return FreeWindow(starts_at, ends_at) if ends_at > starts_at else None
