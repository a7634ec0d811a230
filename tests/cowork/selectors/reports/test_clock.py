"""Local wall time from integer microseconds: the same dates, offsets and hour pieces as
datetimes give, across clock changes."""

import datetime
import zoneinfo

from cowork.selectors.reports.clock import (
    LocalClock,
    local_hours,
    microseconds,
    weekday_hour,
)
from cowork.selectors.reports.collection import _hour_pieces

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
UTC = datetime.UTC


def _instants():
    """Every 7 minutes over the days around Kyiv's clock changes of 2025."""
    for first in (
        datetime.datetime(2025, 3, 29, tzinfo=UTC),
        datetime.datetime(2025, 10, 25, tzinfo=UTC),
    ):
        moment = first
        while moment < first + datetime.timedelta(days=2):
            yield moment
            moment += datetime.timedelta(minutes=7, seconds=13)


def test_offsets_and_dates_are_the_zones_own_across_clock_changes():
    clock = LocalClock(KYIV)
    for moment in _instants():
        us = microseconds(moment)
        local = moment.astimezone(KYIV)
        assert clock.offset(us) == local.utcoffset() // datetime.timedelta(microseconds=1)
        assert clock.date(us) == local.date()


def test_hour_pieces_are_those_of_datetimes_when_no_clock_changes_inside():
    clock = LocalClock(KYIV)
    begin = datetime.datetime(2025, 7, 14, 6, 5, 30, 250, tzinfo=UTC)
    for hours in (0, 1, 3, 20):
        finish = begin + datetime.timedelta(hours=hours, minutes=47, microseconds=3)
        offset = clock.offset(microseconds(begin))
        pieces = [
            (*weekday_hour(local_hour), length / 1_000_000 / 60)
            for local_hour, length in local_hours(microseconds(begin), microseconds(finish), offset)
        ]
        assert pieces == list(_hour_pieces(begin, finish, KYIV))


def test_a_booking_across_a_clock_change_is_counted_in_each_local_hour_it_reaches():
    from collections import Counter

    from cowork.selectors.reports.usage import _busy_hours

    # Kyiv's clocks went back at 04:00 local (01:00 UTC) on 26 October 2025.
    begin = datetime.datetime(2025, 10, 25, 23, 30, tzinfo=UTC)
    finish = datetime.datetime(2025, 10, 26, 3, 10, tzinfo=UTC)
    clock = LocalClock(KYIV)
    assert clock.offset(microseconds(begin)) != clock.offset(microseconds(finish))
    cells = [0] * 168
    _busy_hours(cells, microseconds(begin), microseconds(finish), clock)
    counts = Counter({divmod(cell, 24): n for cell, n in enumerate(cells) if n})
    expected = Counter((weekday, hour) for weekday, hour, _m in _hour_pieces(begin, finish, KYIV))
    assert counts == expected and sum(counts.values()) >= 4


def test_a_booking_is_counted_once_in_each_local_hour_it_reaches_and_an_empty_one_in_none():
    from collections import Counter

    from cowork.selectors.reports.usage import _busy_hours

    clock = LocalClock(KYIV)
    for begin, finish in [
        (datetime.datetime(2025, 6, 1, 6, 30), datetime.datetime(2025, 6, 1, 9, 0)),
        (datetime.datetime(2025, 6, 1, 6, 0), datetime.datetime(2025, 6, 1, 9, 0, 1)),
        (datetime.datetime(2025, 6, 1, 20, 59), datetime.datetime(2025, 6, 2, 1, 1)),
        (datetime.datetime(2025, 6, 1, 6, 30), datetime.datetime(2025, 6, 1, 6, 30)),
        (datetime.datetime(2025, 6, 1, 6, 0), datetime.datetime(2025, 6, 1, 6, 0)),
    ]:
        begin, finish = begin.replace(tzinfo=UTC), finish.replace(tzinfo=UTC)
        cells = [0] * 168
        _busy_hours(cells, microseconds(begin), microseconds(finish), clock)
        counts = Counter({divmod(cell, 24): n for cell, n in enumerate(cells) if n})
        pieces = _hour_pieces(begin, finish, KYIV)
        assert counts == Counter((weekday, hour) for weekday, hour, _m in pieces)
