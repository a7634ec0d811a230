"""Days a centre is closed: one-off (repairs, an event elsewhere) or every year (holidays)."""

import datetime
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.models import Closure, DomainEventKind, Space
from cowork.selectors.centres import bookings_stranded_by_closure
from cowork.services.centres._common import managed_space, record, validated
from cowork.services.centres.stranded import settle_stranded
from cowork.services.locking import lock_space

# A yearly closure is written for this many years, the first included: far beyond how far
# ahead anything can be booked, and a holiday that moves is offered again each year. A
# daily schedule (`yearly_closures_extend`) keeps each series this many years ahead.
YEARLY_YEARS = 5


@dataclass(frozen=True)
class ClosedDays:
    starts_on: datetime.date
    ends_on: datetime.date
    reason: str
    yearly: bool = False
    # The reason in other languages: {"uk": {"reason": "Новий рік"}} (a public holiday's).
    translations: dict | None = None


def _in_year(day: datetime.date, year: int) -> datetime.date:
    """The same day in `year`; 29 February becomes the 28th in a common year."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def _rows(space: Space, closed: ClosedDays) -> list[Closure]:
    if not closed.yearly:
        return [
            Closure(
                space=space,
                starts_on=closed.starts_on,
                ends_on=closed.ends_on,
                reason=closed.reason,
                translations=closed.translations or {},
            )
        ]
    series = uuid.uuid4()
    length = closed.ends_on - closed.starts_on
    rows = []
    for offset in range(YEARLY_YEARS):
        starts_on = _in_year(closed.starts_on, closed.starts_on.year + offset)
        rows.append(
            Closure(
                space=space,
                starts_on=starts_on,
                ends_on=starts_on + length,
                reason=closed.reason,
                translations=closed.translations or {},
                yearly_series=series,
            )
        )
    return rows


def _record_closure(kind: DomainEventKind, row: Closure, *, space: Space, by, **payload) -> None:
    """Record a change of a closure's row, naming its days as ISO dates, for live views and
    feeds; `payload` adds what the kind tells besides (an added one's reason, say)."""
    record(
        kind,
        aggregate=row,
        space=space,
        by=by,
        starts_on=row.starts_on.isoformat(),
        ends_on=row.ends_on.isoformat(),
        **payload,
    )


def closures_add(
    *,
    space: Space,
    by,
    closures: list[ClosedDays],
    cancel_bookings: bool = False,
    now: datetime.datetime | None = None,
) -> list[Closure]:
    """Close the centre on these days (a yearly one every year from its first).

    Upcoming bookings on those days are listed (`StrandsBookings`) unless
    `cancel_bookings`, when they are cancelled with notices. Returns the rows written.
    """
    now = now or timezone.now()
    rows = [row for closed in closures for row in _rows(space, closed)]
    for row in rows:
        validated(row, exclude=["space"])
    with transaction.atomic():
        space = managed_space(
            space.pk, by=by, spaces=Space.objects.prefetch_related("opening_hours")
        )
        stranded = bookings_stranded_by_closure(
            space=space, days=[(row.starts_on, row.ends_on) for row in rows], now=now
        )
        settle_stranded(
            stranded=stranded,
            by=by,
            cancel=cancel_bookings,
            reason=_("The centre is closed that day: %(reason)s.")
            % {"reason": ", ".join(sorted({c.reason for c in closures}))},
        )
        for row in rows:
            row.space = space
            row.save()
            _record_closure(
                DomainEventKind.CLOSURE_ADDED,
                row,
                space=space,
                by=by,
                reason=row.reason,
                cancelled=len(stranded),
            )
    return rows


def closure_remove(*, closure: Closure, by) -> int:
    """Open the centre again on a closure's days; a yearly one goes in every year.

    Returns how many rows were removed.
    """
    with transaction.atomic():
        space = managed_space(closure.space_id, by=by)
        rows = Closure.objects.filter(space=space, pk=closure.pk)
        if closure.yearly_series is not None:
            rows = Closure.objects.filter(space=space, yearly_series=closure.yearly_series)
        removed = list(rows)
        rows.delete()
        for row in removed:
            _record_closure(DomainEventKind.CLOSURE_REMOVED, row, space=space, by=by)
    return len(removed)


def yearly_closures_extend(*, today: datetime.date | None = None) -> int:
    """Keep every yearly closure written up to `YEARLY_YEARS` years from `today`'s year.

    A series added in 2026 is written for 2026–2030; from 1 January 2027 this adds 2031,
    and so on, on the day of the series' first year (29 February falls on the 28th in a
    common year, as when it was added). The years added lie years past any booking
    window, so no booking is stranded. Run daily; returns how many rows it added.
    """
    today = today or timezone.localdate()
    last_year = today.year + YEARLY_YEARS - 1
    behind = (
        Closure.objects.filter(yearly_series__isnull=False)
        .values("yearly_series", "space_id")
        .annotate(first=Min("starts_on"), last=Max("starts_on"))
        .filter(last__year__lt=last_year)
    )
    added = 0
    for series in behind:
        with transaction.atomic():
            lock_space(series["space_id"])
            rows = Closure.objects.filter(yearly_series=series["yearly_series"])
            last = rows.select_related("space").order_by("-starts_on").first()
            if last is None:  # removed meanwhile
                continue
            length = last.ends_on - last.starts_on
            for year in range(last.starts_on.year + 1, last_year + 1):
                starts_on = _in_year(series["first"], year)
                row = Closure.objects.create(
                    space=last.space,
                    starts_on=starts_on,
                    ends_on=starts_on + length,
                    reason=last.reason,
                    translations=last.translations,
                    yearly_series=last.yearly_series,
                )
                _record_closure(
                    DomainEventKind.CLOSURE_ADDED,
                    row,
                    space=last.space,
                    by=None,
                    reason=row.reason,
                    cancelled=0,
                )
                added += 1
    return added
