"""Use of the space: bookings made against bookings checked in, no-shows, the hours and
weekdays the centres are busiest, and the equipment most asked for and refused.

Per centre and resource kind (desks, rooms, equipment), for the whole period, per month
and per ISO week (a week is named by its Monday and may reach outside the period; only the
period's days count in it). A booking counts on the local date of its start.

- booked: bookings that were due by `now` (confirmed, checked in, completed, or released
  as a no-show; not pending, declined or cancelled); an event's room is not one (its people
  are the event's attendance);
- checked in: of those, the ones someone checked in to;
- no-shows: of those, the ones released unused, or over without a check-in. A booking under
  way and not yet checked in is neither;
- busiest: bookings checked in, counted in each local weekday-hour they were in use (from
  check-in to check-out, or to their end);
- equipment: units asked for (every booking of a unit, whatever became of it, and every
  unit of a refused request), units refused (declined bookings and refused requests,
  `EquipmentRefusal`), by kind as people ask for it ("Laptop").

Two queries, whatever the number of bookings: the report's bookings
(`bookings.period_bookings`, read once for the whole report) and the refusals.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from cowork.models import BookingStatus, EquipmentRefusal, Resource, Space
from cowork.selectors.equipment import name_stem
from cowork.selectors.reports.arithmetic import SummedFieldByField, percent_of
from cowork.selectors.reports.bookings import PeriodBookings
from cowork.selectors.reports.clock import (
    EPOCH_WEEK_HOUR,
    HOUR_US,
    LocalClock,
    date_number,
    microseconds,
    utc_window,
)
from cowork.selectors.reports.collection import _hour_pieces
from cowork.selectors.reports.instants import instant

UTC = datetime.UTC
USE_KINDS = (Resource.Kind.DESK, Resource.Kind.ROOM, Resource.Kind.EQUIPMENT)
DUE_STATUSES = (
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.COMPLETED,
    BookingStatus.RELEASED,
)


@dataclass(frozen=True)
class UseCount(SummedFieldByField):
    booked: int = 0
    checked_in: int = 0
    no_shows: int = 0

    @property
    def no_show_percent(self) -> float | None:
        return percent_of(self.no_shows, self.booked)


@dataclass(frozen=True)
class UseRow:
    """One centre (None: all of them) and resource kind, over a month, a week or the
    whole period (`period` None)."""

    period: datetime.date | None
    space_id: int | None
    centre: str
    kind: str
    count: UseCount


@dataclass(frozen=True)
class BusyMap:
    """Bookings checked in and under way, per local weekday and hour, over the period."""

    kind: str
    weekdays: list[int]
    hours: list[int]
    counts: dict[tuple[int, int], int]

    @property
    def peak(self) -> int:
        return max(self.counts.values(), default=0)


@dataclass(frozen=True)
class EquipmentDemand:
    label: str
    equipment_type: str
    asked: int  # units
    booked: int  # units booked and not declined
    refused: int  # units
    refused_requests: int


@dataclass(frozen=True)
class SpaceUse:
    centres: list[UseRow]  # whole period, per centre and kind, then all centres per kind
    months: list[UseRow]
    weeks: list[UseRow]
    busy: list[BusyMap]
    equipment: list[EquipmentDemand]

    @property
    def empty(self) -> bool:
        return not any(row.count.booked for row in self.centres) and not self.equipment


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _week(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _add(counts: dict, key, count: tuple[int, int, int]) -> None:
    found = counts.get(key)
    if found is None:
        counts[key] = list(count)
    else:
        found[0] += count[0]
        found[1] += count[1]
        found[2] += count[2]


def _use_counts(counts: dict) -> dict:
    return {key: UseCount(*count) for key, count in counts.items()}


def _rows(counts: dict, names: dict[int, str], period=None) -> list[UseRow]:
    return [
        UseRow(period, space_id, names[space_id], kind, counts[(space_id, kind)])
        for space_id in names
        for kind in USE_KINDS
        if (space_id, kind) in counts
    ]


def _busy(kind: str, counts: dict) -> BusyMap:
    cells = [cell for cell, n in counts.items() if n]
    weekdays = sorted({weekday for weekday, _hour in cells})
    hours = list(range(min(h for _w, h in cells), max(h for _w, h in cells) + 1)) if cells else []
    return BusyMap(
        kind=kind,
        weekdays=weekdays,
        hours=hours,
        counts={(w, h): counts.get((w, h), 0) for w in weekdays for h in hours},
    )


def _busy_hours(cells: list[int], begin_us: int, finish_us: int, clock: LocalClock) -> None:
    """Count [begin, finish) once in each local hour of the week it reaches (`cells`, 0 is
    Monday 00:00)."""
    if finish_us <= begin_us:
        return
    hours = clock.hours
    offset = hours.get(begin_us // HOUR_US)
    if offset is None:
        offset = clock.offset(begin_us)
    last_offset = hours.get(finish_us // HOUR_US)
    if last_offset is None:
        last_offset = clock.offset(finish_us)
    if last_offset != offset:
        pieces = _hour_pieces(instant(begin_us), instant(finish_us), clock.zone)
        for weekday, hour, _minutes in pieces:
            cells[weekday * 24 + hour] += 1
        return
    # Each local hour from the first to the one holding the last instant, placed in its
    # week (`EPOCH_WEEK_HOUR`).
    for hour in range((begin_us + offset) // HOUR_US, (finish_us + offset - 1) // HOUR_US + 1):
        cells[(hour + EPOCH_WEEK_HOUR) % 168] += 1


def space_use(
    centres: list[Space], start, end, now: datetime.datetime, bookings: PeriodBookings
) -> SpaceUse:
    """The use of `centres` over the local dates [start, end], as of `now`, from the
    report's `bookings`: those starting in the period's coarse UTC window, no event's
    session's, due or of equipment."""
    ids = [space.pk for space in centres]
    names = {space.pk: space.name for space in centres}
    zones = {space.pk: space.zone for space in centres}
    low, high = utc_window(start, end)
    clocks = bookings.clocks
    now_us = microseconds(now)
    start_day, end_day = date_number(start), date_number(end)
    # (local day's number, centre, kind) → [booked, checked in, no-shows]
    per_day: dict = {}
    busy_cells = {kind: [0] * 168 for kind in USE_KINDS}
    asked, booked_units, refused = Counter(), Counter(), Counter()
    refused_requests = Counter()
    low_us, high_us = bookings.low_us, bookings.high_us
    equipment = Resource.Kind.EQUIPMENT
    for (
        space_id,
        kind,
        name,
        equipment_type,
        status,
        starts_us,
        ends_us,
        in_us,
        out_us,
        in_session,
        *_rest,
    ) in bookings.rows:
        if in_session or not low_us <= starts_us < high_us:
            continue
        due = status in DUE_STATUSES
        if not due and kind != equipment:
            continue
        clock = clocks[space_id]
        day = clock.day_number(starts_us)
        if not start_day <= day <= end_day:
            continue
        if kind == equipment:
            key = (name_stem(name), equipment_type)
            asked[key] += 1
            if status == BookingStatus.DECLINED:
                refused[key] += 1
                refused_requests[key] += 1
            elif status != BookingStatus.CANCELLED:
                booked_units[key] += 1
        # Not due, or not yet begun by `now`: not counted.
        if not due or starts_us > now_us:
            continue
        counts = per_day.get((day, space_id, kind))
        if counts is None:
            counts = per_day[(day, space_id, kind)] = [0, 0, 0]
        counts[0] += 1
        if in_us is not None:
            counts[1] += 1
            until = min(out_us, ends_us) if out_us is not None else ends_us
            _busy_hours(busy_cells[kind], in_us, max(in_us, until), clock)
        elif status == BookingStatus.RELEASED or ends_us <= now_us:
            counts[2] += 1  # released unused, or over without a check-in
    whole: dict = {}
    months: dict = defaultdict(dict)
    weeks: dict = defaultdict(dict)
    periods: dict = {}
    for (day, space_id, kind), count in per_day.items():
        if day not in periods:
            date = start + datetime.timedelta(days=day - start_day)
            periods[day] = (_month(date), _week(date))
        month, week = periods[day]
        _add(whole, (space_id, kind), count)
        _add(months[month], (space_id, kind), count)
        _add(weeks[week], (space_id, kind), count)
    busy = {
        kind: {divmod(cell, 24): n for cell, n in enumerate(cells) if n}
        for kind, cells in busy_cells.items()
    }
    whole = _use_counts(whole)
    months = {month: _use_counts(counts) for month, counts in months.items()}
    weeks = {week: _use_counts(counts) for week, counts in weeks.items()}

    refusals = EquipmentRefusal.objects.filter(
        space_id__in=ids, starts_at__gte=low, starts_at__lt=high
    ).values_list("space_id", "label", "equipment_type", "wanted", "starts_at")
    for space_id, label, equipment_type, wanted, starts_at in refusals:
        if start <= starts_at.astimezone(zones[space_id]).date() <= end:
            key = (label, equipment_type)
            asked[key] += wanted
            refused[key] += wanted
            refused_requests[key] += 1

    totals = defaultdict(UseCount)
    for (_space_id, kind), count in whole.items():
        totals[(None, kind)] += count
    centre_rows = _rows(whole, names) + [
        UseRow(None, None, "", kind, totals[(None, kind)])
        for kind in USE_KINDS
        if (None, kind) in totals
    ]
    return SpaceUse(
        centres=centre_rows,
        months=[row for month in sorted(months) for row in _rows(months[month], names, month)],
        weeks=[row for week in sorted(weeks) for row in _rows(weeks[week], names, week)],
        busy=[_busy(kind, busy[kind]) for kind in USE_KINDS if any(busy[kind].values())],
        equipment=[
            EquipmentDemand(
                label=label,
                equipment_type=equipment_type,
                asked=asked[(label, equipment_type)],
                booked=booked_units[(label, equipment_type)],
                refused=refused[(label, equipment_type)],
                refused_requests=refused_requests[(label, equipment_type)],
            )
            for label, equipment_type in sorted(
                asked, key=lambda key: (-asked[key], -refused[key], key[0].casefold())
            )
        ],
    )
