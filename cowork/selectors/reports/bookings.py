"""The bookings of a report's centres and period, read once.

Four parts of a report count the same bookings: the use of desks and rooms against their
open time (`collection.collect_usage`), the visits (check-ins), the check-ins that a
member's walk-in on the same day adds nothing to (`visits.collect_walk_ins`), and the use
of the space (`usage.space_use`). Each read them with a query of its own, a year of a
network's bookings four times over. Here one query reads every booking that any of them
counts, with every column they need, in the bookings' order (start, then id); each part
keeps the rows its own condition takes, the very rows its own query gave.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from cowork.models import Booking, Space
from cowork.selectors.occupancy import PLAIN_BOOKING
from cowork.selectors.reports import ahead
from cowork.selectors.reports.clock import LocalClock, local_clocks, microseconds, utc_window
from cowork.selectors.reports.instants import Microseconds


@dataclass
class PeriodBookings:
    """`rows`: (space id, resource kind, resource name, equipment type, status, start, end,
    check-in, check-out, whether it is an event session's booking, whether it is a plain
    booking (`PLAIN_BOOKING`), booker's user id) of every booking that
    meets the coarse UTC window of the period or was checked in within it, instants in
    microseconds (`Microseconds`), by start and id.

    `check_ins`: (space id, local day, user id) of each check-in on a local day of the
    period that is a visit, as the live dashboard counts them: people checking in. An
    event's room put in use, its first or a further one, is no one's visit (its people
    are the event's attendance)."""

    low_us: int
    high_us: int
    clocks: dict[int, LocalClock]
    rows: list[tuple] = field(default_factory=list)
    check_ins: list[tuple[int, datetime.date, int]] = field(default_factory=list)


def bookings_read(space_ids, start, end) -> QuerySet | None:
    """The one query of `period_bookings` for the centres `space_ids` (None without any)."""
    if not space_ids:
        return None
    low, high = utc_window(start, end)
    return (
        Booking.objects.filter(space_id__in=sorted(space_ids))
        .filter(
            Q(starts_at__lt=high, ends_at__gt=low)
            | Q(checked_in_at__gte=low, checked_in_at__lt=high)
        )
        .order_by("starts_at", "pk")
        .values_list(
            "space_id",
            "resource__kind",
            "resource__name",
            "resource__equipment_type",
            "status",
            Microseconds("starts_at"),
            Microseconds("ends_at"),
            Microseconds("checked_in_at"),
            Microseconds("checked_out_at"),
            ExpressionWrapper(Q(event_session__isnull=False), output_field=BooleanField()),
            ExpressionWrapper(PLAIN_BOOKING, output_field=BooleanField()),
            "booked_by_id",
        )
    )


def period_bookings(centres: list[Space], start, end) -> PeriodBookings:
    """The bookings of `centres` that a report over the local dates [start, end] counts:
    one query (none without centres)."""
    low, high = utc_window(start, end)
    found = PeriodBookings(microseconds(low), microseconds(high), local_clocks(centres))
    query = bookings_read([space.pk for space in centres], start, end)
    if query is None:
        return found
    found.rows = ahead.rows(query)
    low_us, high_us, clocks, check_ins = found.low_us, found.high_us, found.clocks, found.check_ins
    for space_id, _k, _n, _t, _s, _b, _e, checked_in_us, _o, _es, plain, user_id in found.rows:
        if plain and checked_in_us is not None and low_us <= checked_in_us < high_us:
            day = clocks[space_id].date(checked_in_us)
            if start <= day <= end:
                check_ins.append((space_id, day, user_id))
    return found
