"""Local wall time of instants held as integer microseconds (`instants.Microseconds`).

A year of a network's bookings is tens of thousands of instants, each placed on its
centre's local date, weekday and hour. Done with datetimes (an `astimezone` per instant
and per hour of a booking), that placing was most of a report's time. Here a zone's UTC
offset is looked up once per UTC hour, and the rest is integer arithmetic: local
microseconds are the UTC ones plus the offset, the local hour and date follow by division.
"""

import datetime
import zoneinfo

from cowork.selectors.reports.instants import instant

ONE_US = datetime.timedelta(microseconds=1)
HOUR_US = 3600 * 1_000_000
DAY_US = 24 * HOUR_US
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()
# 1970-01-01 was a Thursday (weekday 3): its 00:00 is hour 72 of a week from Monday 00:00,
# so a local hour counted from 1970 is hour (hour + EPOCH_WEEK_HOUR) % 168 of its week.
_EPOCH_WEEKDAY = 3
EPOCH_WEEK_HOUR = _EPOCH_WEEKDAY * 24
# Every zone's local day lies inside [UTC midnight - 14 h, UTC midnight + 12 h + 1 day).
_BEFORE = datetime.timedelta(hours=14)
_AFTER = datetime.timedelta(hours=12)
_ONE_DAY = datetime.timedelta(days=1)


def microseconds(moment: datetime.datetime) -> int:
    """`moment` (aware) as microseconds since 1970 UTC, as `Microseconds` gives it."""
    return (moment - _EPOCH) // ONE_US


def utc_window(start: datetime.date, end: datetime.date):
    """A coarse UTC window holding the local dates [start, end] in every zone."""
    return (
        datetime.datetime.combine(start, datetime.time(0), tzinfo=datetime.UTC) - _BEFORE,
        datetime.datetime.combine(end + _ONE_DAY, datetime.time(0), tzinfo=datetime.UTC) + _AFTER,
    )


def weekday_hour(local_hour: int) -> tuple[int, int]:
    """(weekday, hour) of a local hour counted from 1970-01-01 00:00."""
    return divmod((local_hour + EPOCH_WEEK_HOUR) % 168, 24)


class LocalClock:
    """One zone's UTC offset (in microseconds) at any instant, read from the zone once per
    UTC hour: an hour that starts and ends on the same offset has it throughout (clocks
    never change twice within an hour); an hour with a change asks the zone per instant."""

    def __init__(self, zone: zoneinfo.ZoneInfo):
        self.zone = zone
        # UTC hour (from 1970) → the offset throughout it; None: a clock change falls
        # inside. A hot loop may read an hour here and ask `offset` only when it gets None
        # (an hour not looked up yet, or one with a change).
        self.hours: dict[int, int | None] = {}
        self._dates: dict[int, datetime.date] = {}
        self._starts: dict[int, int] = {}

    def _exact(self, us: int) -> int:
        return instant(us).astimezone(self.zone).utcoffset() // ONE_US

    def _at_hour(self, hour: int) -> int:
        """The offset at the start of a UTC hour, asked of the zone once: it is also the
        end of the hour before."""
        try:
            return self._starts[hour]
        except KeyError:
            found = self._starts[hour] = self._exact(hour * HOUR_US)
            return found

    def offset(self, us: int) -> int:
        hour = us // HOUR_US
        try:
            found = self.hours[hour]
        except KeyError:
            first, last = self._at_hour(hour), self._at_hour(hour + 1)
            found = self.hours[hour] = first if first == last else None
        return self._exact(us) if found is None else found

    def date(self, us: int) -> datetime.date:
        """The local date of the instant `us`."""
        return self.date_of(self.day_number(us))

    def day_number(self, us: int) -> int:
        """The local date of the instant `us` as days from 1970-01-01 (`date_number`)."""
        offset = self.hours.get(us // HOUR_US)
        if offset is None:
            offset = self.offset(us)
        return (us + offset) // DAY_US

    def date_of(self, day: int) -> datetime.date:
        """The date of a day's number (`date_number`)."""
        try:
            return self._dates[day]
        except KeyError:
            found = self._dates[day] = datetime.date.fromordinal(_EPOCH_ORDINAL + day)
            return found


def date_number(day: datetime.date) -> int:
    """Days from 1970-01-01 to `day`."""
    return day.toordinal() - _EPOCH_ORDINAL


def local_hours(begin_us: int, finish_us: int, offset_us: int):
    """Split [begin, finish) at the local hours, on a constant UTC offset: (local hour
    counted from 1970-01-01 00:00, microseconds in it) pieces, as `collection._hour_pieces`
    gives them when no clock change falls inside."""
    local, last = begin_us + offset_us, finish_us + offset_us
    while local < last:
        hour = local // HOUR_US
        following = (hour + 1) * HOUR_US
        if following > last:
            following = last
        yield hour, following - local
        local = following


def local_clocks(centres) -> dict[int, LocalClock]:
    """A `LocalClock` per centre (`Space`), one per zone."""
    by_zone: dict = {}
    return {
        space.pk: by_zone.setdefault(space.time_zone, LocalClock(space.zone)) for space in centres
    }
