import datetime
import zoneinfo

import pytest

from cowork.errors import Conflict, InvalidInput
from cowork.models import Booking, BookingStatus, OpeningHours, Series
from cowork.services.booking import booking_create
from cowork.services.series import (
    ConflictMode,
    series_cancel_rest,
    series_create,
    series_occurrences,
)
from tests.factories import MemberFactory, ResourceFactory, SpaceFactory

pytestmark = pytest.mark.django_db

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")


@pytest.fixture
def kyiv_room():
    space = SpaceFactory(
        time_zone="Europe/Kyiv", country="UA", max_days_ahead=120, max_active_bookings=20
    )
    return ResourceFactory(space=space, kind="room", capacity=20, name="Training room")


@pytest.fixture
def member():
    return MemberFactory().user


# Tuesday 2027-03-16, two weeks before Kyiv moves to summer time on 2027-03-28.
FIRST = datetime.datetime(2027, 3, 16, 10, 0, tzinfo=KYIV)
NOW = datetime.datetime(2027, 3, 1, 8, 0, tzinfo=KYIV)
TUE_THU_8_WEEKS = "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=16"


def _course(room, member, *, duration_minutes=120, rrule=TUE_THU_8_WEEKS, **options):
    """A series of `room` from FIRST, made at NOW: by default the course of eight weeks."""
    return series_create(
        resource=room,
        member=member,
        first_starts_at=FIRST,
        duration_minutes=duration_minutes,
        rrule=rrule,
        now=NOW,
        **options,
    )


def test_weekly_course_stays_at_ten_local_across_the_dst_change(kyiv_room, member):
    result = _course(kyiv_room, member)
    assert len(result.bookings) == 16 and not result.refused
    local_starts = {b.starts_at.astimezone(KYIV).time() for b in result.bookings}
    assert local_starts == {datetime.time(10, 0)}
    offsets = {b.starts_at.astimezone(KYIV).utcoffset() for b in result.bookings}
    assert offsets == {datetime.timedelta(hours=2), datetime.timedelta(hours=3)}
    assert {b.starts_at.astimezone(KYIV).weekday() for b in result.bookings} == {1, 3}


def test_all_or_nothing_series_lists_every_conflict_and_books_nothing(kyiv_room, member):
    taken = [FIRST + datetime.timedelta(days=7), FIRST + datetime.timedelta(days=23)]
    other = MemberFactory().user
    for start in taken:
        booking_create(
            resource=kyiv_room,
            member=other,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            now=NOW,
        )
    with pytest.raises(Conflict) as excinfo:
        _course(kyiv_room, member)
    refused = excinfo.value.details["refused"]
    assert [item["starts_at"] for item in refused] == [t.isoformat() for t in taken]
    assert not Series.objects.exists()
    assert Booking.objects.filter(booked_by=member).count() == 0


def test_skip_conflicts_books_the_rest_and_says_which_were_skipped(kyiv_room, member):
    taken = FIRST + datetime.timedelta(days=2)
    booking_create(
        resource=kyiv_room,
        member=MemberFactory().user,
        starts_at=taken,
        ends_at=taken + datetime.timedelta(hours=1),
        now=NOW,
    )
    result = _course(kyiv_room, member, mode=ConflictMode.SKIP_CONFLICTS)
    assert len(result.bookings) == 15
    assert [(r.starts_at, r.code) for r in result.refused] == [(taken, "conflict")]


def test_cancel_one_occurrence_or_the_rest(kyiv_room, member):
    result = _course(kyiv_room, member)
    from cowork.services.booking import booking_cancel

    booking_cancel(booking=result.bookings[1], acting_user=member)
    cancelled = series_cancel_rest(
        series=result.series, from_moment=result.bookings[10].starts_at, acting_user=member
    )
    assert len(cancelled) == 6
    statuses = list(result.series.bookings.order_by("starts_at").values_list("status", flat=True))
    assert statuses.count(BookingStatus.CONFIRMED) == 9


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        ("FREQ=WEEKLY;BYDAY=TU", "unbounded_rrule"),
        ("FREQ=SOMETIMES;COUNT=3", "bad_rrule"),
        ("FREQ=HOURLY;COUNT=3", "bad_rrule"),
        ("FREQ=DAILY;COUNT=500", "too_many_occurrences"),
    ],
)
def test_bad_or_unbounded_rules_are_refused(kyiv_room, member, rule, code):
    with pytest.raises(InvalidInput) as excinfo:
        _course(kyiv_room, member, duration_minutes=60, rrule=rule)
    assert excinfo.value.code == code


def test_series_through_a_weekend_in_skip_mode_names_the_closed_days(kyiv_room, member):
    OpeningHours.objects.filter(space=kyiv_room.space).count()
    result = _course(
        kyiv_room,
        member,
        duration_minutes=60,
        rrule="FREQ=DAILY;COUNT=7",
        mode=ConflictMode.SKIP_CONFLICTS,
    )
    assert len(result.bookings) == 5
    assert {r.code for r in result.refused} == {"outside_opening_hours"}


def test_member_cannot_book_a_series_for_someone_else(kyiv_room, member):
    from cowork.errors import NotAllowed

    with pytest.raises(NotAllowed):
        _course(kyiv_room, MemberFactory().user, duration_minutes=60, acting_user=member)
    assert not Series.objects.exists()


def test_stranger_cannot_cancel_the_rest_of_a_series_even_when_nothing_is_left(kyiv_room, member):
    from cowork.errors import NotAllowed

    result = _course(kyiv_room, member, duration_minutes=60, rrule="FREQ=WEEKLY;COUNT=2")
    with pytest.raises(NotAllowed):
        series_cancel_rest(
            series=result.series,
            from_moment=FIRST + datetime.timedelta(days=365),
            acting_user=MemberFactory().user,
        )


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;COUNT=4",
        "INTERVAL=1;FREQ=WEEKLY;COUNT=4",
        "RRULE:FREQ=WEEKLY;UNTIL=20300325T235959",
        "freq=weekly;until=20300325T235959",
    ],
)
def test_a_rule_ends_by_count_or_until_however_it_is_written(rule):
    zone = zoneinfo.ZoneInfo("Europe/Kyiv")
    occurrences = series_occurrences(
        rrule=rule,
        first_start_local=datetime.datetime(2030, 3, 4, 10, 0, tzinfo=zone),
        duration=datetime.timedelta(hours=1),
        zone=zone,
    )
    assert [(start.day, start.hour) for start, _end in occurrences] == [
        (4, 10),
        (11, 10),
        (18, 10),
        (25, 10),
    ]
