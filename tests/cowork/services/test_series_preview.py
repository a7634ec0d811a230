"""A repeated booking as the booking page makes it: every date's fate before anything is
booked, the free ones booked with the room's equipment, and one series counted once."""

import datetime

import pytest

from cowork.errors import InvalidInput, RuleViolation
from cowork.models import Booking, DomainEvent, DomainEventKind, Series
from cowork.services.booking import booking_create, booking_create_with_equipment
from cowork.services.series import (
    ConflictMode,
    Repeat,
    series_create,
    series_preview,
    series_rule,
    series_tally,
)
from tests.factories import (
    ClosureFactory,
    HostFactory,
    MemberFactory,
    ResourceFactory,
    RoomFactory,
    SpaceFactory,
)

pytestmark = pytest.mark.django_db

# Friday 2027-03-05, 10:00 in Baku; bookings open 60 days ahead of NOW.
NOW = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=4)))


@pytest.fixture
def space():
    return SpaceFactory(max_days_ahead=60, max_active_bookings=10, max_hours_per_week=20)


@pytest.fixture
def room(space):
    return RoomFactory(space=space, name="Training room")


@pytest.fixture
def member():
    return MemberFactory().user


def _friday(space, week: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2027, 3, 5, hour, tzinfo=space.zone) + datetime.timedelta(weeks=week)


def _book_friday(resource, member, *, week: int = 0, hours=(10, 12), **options):
    """A booking of `resource` on the Friday `week` weeks on, between `hours`, made at NOW."""
    start, end = hours
    return booking_create(
        resource=resource,
        member=member,
        starts_at=_friday(resource.space, week, hour=start),
        ends_at=_friday(resource.space, week, hour=end),
        now=NOW,
        **options,
    )


def test_series_rule_reads_the_page_s_choices():
    assert series_rule(repeat=Repeat.WEEKLY, count=8) == "FREQ=WEEKLY;COUNT=8"
    assert (
        series_rule(repeat=Repeat.FORTNIGHTLY, until=datetime.date(2027, 4, 30))
        == "FREQ=WEEKLY;INTERVAL=2;UNTIL=20270430T235959"
    )
    assert series_rule(repeat=Repeat.MONTHLY, count=3) == "FREQ=MONTHLY;COUNT=3"
    with pytest.raises(InvalidInput):
        series_rule(repeat=Repeat.WEEKLY)


def test_preview_says_of_every_date_whether_it_is_free_and_why_not_and_writes_nothing(
    space, room, member
):
    ClosureFactory(
        space=space,
        starts_on=_friday(space, 2).date(),
        ends_on=_friday(space, 2).date(),
        reason="Novruz",
    )
    _book_friday(room, MemberFactory().user, week=4, hours=(10, 12))
    before = (Booking.objects.count(), Series.objects.count(), DomainEvent.objects.count())

    planned = series_preview(
        resource=room,
        member=member,
        first_starts_at=_friday(space, 0),
        duration_minutes=120,
        rrule=series_rule(repeat=Repeat.WEEKLY, count=9),
        now=NOW,
    )

    # The ninth Friday, 30 April at 10:00, is an hour past 60 days from NOW.
    assert [item.starts_at for item in planned] == [_friday(space, w) for w in range(9)]
    codes = [item.code for item in planned]
    assert codes == ["", "", "closed", "", "conflict", "", "", "", "too_far_ahead"]
    assert "Novruz" in planned[2].message
    assert "Training room is taken" in planned[4].message
    assert "60 days ahead" in planned[8].message
    assert (Booking.objects.count(), Series.objects.count(), DomainEvent.objects.count()) == before


def test_preview_names_dates_outside_the_opening_hours_and_the_quota(space, room, member):
    space.max_active_bookings = 1
    space.save()
    _book_friday(ResourceFactory(space=space), member, hours=(14, 15))
    planned = series_preview(
        resource=room,
        member=member,
        first_starts_at=_friday(space, 0, hour=17),
        duration_minutes=120,
        rrule="FREQ=WEEKLY;COUNT=2",
        now=NOW,
    )
    assert {item.code for item in planned} == {"outside_opening_hours"}

    planned = series_preview(
        resource=room,
        member=member,
        first_starts_at=_friday(space, 1),
        duration_minutes=60,
        rrule="FREQ=WEEKLY;COUNT=2",
        now=NOW,
    )
    assert [item.code for item in planned] == ["quota_active_bookings"] * 2
    assert "a repeated booking" in planned[0].message


def test_ten_fridays_of_a_room_with_a_laptop_book_all_ten_as_one_booking(
    space, room, laptop, member
):
    space.max_active_bookings = 2
    space.save()
    _book_friday(ResourceFactory(space=space), member, hours=(14, 15))

    result = series_create(
        resource=room,
        equipment=[laptop],
        member=member,
        first_starts_at=_friday(space, 0),
        duration_minutes=120,
        rrule=series_rule(repeat=Repeat.WEEKLY, count=8),
        mode=ConflictMode.SKIP_CONFLICTS,
        now=NOW,
    )

    assert len(result.bookings) == 8 and not result.refused
    assert {b.resource for b in result.bookings} == {room}
    rows = Booking.objects.filter(series=result.series)
    assert rows.filter(resource=laptop).count() == 8 and rows.count() == 16
    # The desk and the series are two bookings: a third is one too many.
    with pytest.raises(RuleViolation) as refusal:
        _book_friday(ResourceFactory(space=space), member, week=1, hours=(16, 17))
    assert refusal.value.code == "quota_active_bookings"
    assert "counts as one" in refusal.value.message


def test_a_room_with_its_equipment_counts_once_toward_quota_and_weekly_hours(
    space, room, laptop, member
):
    space.max_active_bookings = 1
    space.max_hours_per_week = 3
    space.save()
    made = booking_create_with_equipment(
        room=room,
        equipment=[laptop],
        member=member,
        starts_at=_friday(space, 0),
        ends_at=_friday(space, 0, hour=12),
        now=NOW,
    )
    assert len(made) == 2


def test_series_records_one_event_with_what_was_booked_and_skipped(space, room, member):
    ClosureFactory(
        space=space,
        starts_on=_friday(space, 1).date(),
        ends_on=_friday(space, 1).date(),
        reason="Novruz",
    )
    result = series_create(
        resource=room,
        member=member,
        first_starts_at=_friday(space, 0),
        duration_minutes=120,
        rrule="FREQ=WEEKLY;COUNT=4",
        mode=ConflictMode.SKIP_CONFLICTS,
        now=NOW,
    )
    (event,) = DomainEvent.objects.filter(kind=DomainEventKind.SERIES_CREATED)
    assert event.payload["bookings"] == [b.pk for b in result.bookings]
    assert event.payload["skipped"] == 1
    tally = series_tally(series=result.series)
    assert (tally.repeat, tally.booked, tally.skipped) == ("weekly", 3, 1)


def test_a_second_overlapping_desk_is_refused_unless_a_host_books_it(space, member):
    first, second = ResourceFactory(space=space), ResourceFactory(space=space)
    _book_friday(first, member, hours=(10, 12))
    with pytest.raises(RuleViolation) as refusal:
        _book_friday(second, member, hours=(11, 13))
    assert refusal.value.code == "second_desk"
    assert Booking.objects.filter(resource=second).count() == 0
    # Right after the first ends is another matter.
    _book_friday(second, member, hours=(12, 13))
    host = HostFactory(space=space).user
    _book_friday(ResourceFactory(space=space), member, hours=(10, 11), acting_user=host)
    assert Booking.objects.filter(booked_by=member).count() == 3
