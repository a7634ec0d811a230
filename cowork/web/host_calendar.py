"""The layout of a host's calendar: a day as resources × time, a week as days.

Pure presentation over bookings the view already read; times are the centre's wall clock.
"""

import datetime
from dataclasses import dataclass, field

from cowork.booking_rules import Period
from cowork.models import Booking, Resource

# Rooms first: they are few, and the ones a host decides about.
KIND_ORDER = {Resource.Kind.ROOM: 0, Resource.Kind.DESK: 1, Resource.Kind.EQUIPMENT: 2}


def day_bounds(day: datetime.date, zone) -> tuple[datetime.datetime, datetime.datetime]:
    """Local midnight to the next local midnight, aware; 23 or 25 hours on a DST day."""
    return (
        datetime.datetime.combine(day, datetime.time(0), tzinfo=zone),
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0), tzinfo=zone),
    )


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@dataclass(frozen=True)
class HourRow:
    label: str
    row: int  # first grid row of the hour (row 1 is the header)
    span: int


@dataclass(frozen=True)
class Block:
    booking: Booking
    column: int
    row_start: int
    row_end: int
    starts: datetime.datetime  # local
    ends: datetime.datetime  # local


@dataclass
class DayGrid:
    columns: list[Resource]
    hours: list[HourRow]
    blocks: list[Block]
    rows: int
    slots_per_hour: int


def day_grid(
    *,
    day: datetime.date,
    zone,
    grid_minutes: int,
    periods: list[Period],
    resources: list[Resource],
    bookings: list[Booking],
) -> DayGrid:
    """Resources as columns, the day's opening hours as rows of `grid_minutes` each.

    The rows cover the opening hours widened to whole hours and to every booking of the
    day, so a booking made by a host outside the hours still shows.
    """
    todays = [p for p in periods if p.weekday == day.weekday()]
    first = min((p.opens.hour for p in todays), default=9)
    last = max((p.closes.hour + (1 if p.closes.minute else 0) for p in todays), default=18)
    local = [(b, b.starts_at.astimezone(zone), b.ends_at.astimezone(zone)) for b in bookings]
    for _booking, starts, ends in local:
        if starts.date() == day:
            first = min(first, starts.hour)
        # A booking running past midnight fills the grid to the end of the day.
        last = max(last, ends.hour + (1 if ends.minute else 0)) if ends.date() == day else 24
    slots_per_hour = max(1, 60 // grid_minutes)
    slot_minutes = 60 // slots_per_hour
    rows = (last - first) * slots_per_hour
    hours = [
        HourRow(f"{hour:02d}:00", 2 + (hour - first) * slots_per_hour, slots_per_hour)
        for hour in range(first, last)
    ]
    columns = sorted(resources, key=lambda r: (KIND_ORDER.get(r.kind, 9), r.name))
    column_of = {resource.pk: index + 2 for index, resource in enumerate(columns)}
    blocks = []
    for booking, starts, ends in local:
        if booking.resource_id not in column_of:
            continue
        # Wall-clock offsets from the top row: a DST day's hours are still rows by label.
        start_row = _row(starts, day=day, rows=rows, first_hour=first, slot_minutes=slot_minutes)
        end_row = _row(
            ends, day=day, rows=rows, first_hour=first, slot_minutes=slot_minutes, ceil=True
        )
        blocks.append(
            Block(
                booking=booking,
                column=column_of[booking.resource_id],
                row_start=2 + start_row,
                row_end=2 + max(end_row, start_row + 1),
                starts=starts,
                ends=ends,
            )
        )
    return DayGrid(columns, hours, blocks, rows, slots_per_hour)


def _row(moment, *, day, rows, first_hour, slot_minutes, ceil=False) -> int:
    """The grid row (from 0) where a local moment falls, clamped to the day's rows."""
    if moment.date() < day:
        return 0
    if moment.date() > day:
        return rows
    minutes = (moment.hour - first_hour) * 60 + moment.minute
    index = -(-minutes // slot_minutes) if ceil else minutes // slot_minutes
    return max(0, min(rows, index))


@dataclass
class WeekDay:
    day: datetime.date
    bookings: list[tuple[Booking, datetime.datetime, datetime.datetime]] = field(
        default_factory=list
    )


def week_days(*, first_day: datetime.date, zone, bookings: list[Booking]) -> list[WeekDay]:
    """Seven days from `first_day`, each with the bookings that start on it, local times."""
    days = [WeekDay(first_day + datetime.timedelta(days=offset)) for offset in range(7)]
    by_date = {entry.day: entry for entry in days}
    for booking in bookings:
        starts, ends = booking.starts_at.astimezone(zone), booking.ends_at.astimezone(zone)
        if starts.date() in by_date:
            by_date[starts.date()].bookings.append((booking, starts, ends))
    return days
