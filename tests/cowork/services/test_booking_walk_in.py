"""Booking by quantity of equipment, and booking a free place from its QR code and checking in
at once."""

import datetime
import zoneinfo

import pytest

from cowork.errors import Conflict, InvalidInput, RuleViolation
from cowork.models import (
    Booking,
    BookingStatus,
    DomainEvent,
    DomainEventKind,
    EquipmentRefusal,
    Resource,
)
from cowork.services.booking import (
    booking_check_in_by_qr,
    booking_check_in_now,
    booking_create,
    booking_create_with_equipment_counts,
)
from tests.factories import MemberFactory, ResourceFactory, RoomFactory

pytestmark = pytest.mark.django_db

BAKU = zoneinfo.ZoneInfo("Asia/Baku")
NOW = datetime.datetime(2027, 3, 1, 10, 7, tzinfo=BAKU)  # a Monday, open 09:00–18:00


def _at(wall: str) -> datetime.datetime:
    return datetime.datetime.combine(NOW.date(), datetime.time.fromisoformat(wall), tzinfo=BAKU)


@pytest.fixture
def member():
    return MemberFactory().user


@pytest.fixture
def laptops(space):
    return [
        ResourceFactory(
            space=space, name=f"Laptop {n}", kind=Resource.Kind.EQUIPMENT, equipment_type="laptop"
        )
        for n in (10, 2, 1, 3)
    ]


def _booked_by_someone_else(resource, start: str, end: str):
    """Another member's booking of `resource` today from `start` to `end`, made at 08:00."""
    booking_create(
        resource=resource,
        member=MemberFactory().user,
        starts_at=_at(start),
        ends_at=_at(end),
        now=_at("08:00"),
    )


def _window():
    return {"starts_at": _at("14:00"), "ends_at": _at("16:00"), "now": _at("08:00")}


def test_two_laptops_are_the_lowest_numbered_free_units(space, member, laptops):
    by_name = {item.name: item for item in laptops}
    booking_create(
        resource=by_name["Laptop 1"], member=MemberFactory().user, with_room=True, **_window()
    )
    room = RoomFactory(space=space, name="Hall")
    bookings = booking_create_with_equipment_counts(
        room=room, quantities={"laptop-laptop": 2}, member=member, **_window()
    )
    assert [b.resource.name for b in bookings] == ["Hall", "Laptop 2", "Laptop 3"]
    assert len({b.group for b in bookings}) == 1


def test_more_laptops_than_are_free_is_refused_and_nothing_is_booked(space, member, laptops):
    room = RoomFactory(space=space, name="Hall")
    before = Booking.objects.count()
    with pytest.raises(Conflict) as refusal:
        booking_create_with_equipment_counts(
            room=room, quantities={"laptop-laptop": 5}, member=member, **_window()
        )
    assert "Only 4 × Laptop free" in refusal.value.message
    assert refusal.value.code == "not_enough_equipment"
    assert Booking.objects.count() == before
    # What was asked for and refused is kept for the reports, with no person in it.
    (kept,) = EquipmentRefusal.objects.all()
    assert (kept.space, kept.label, kept.equipment_type, kept.wanted, kept.free) == (
        space,
        "Laptop",
        "laptop",
        5,
        4,
    )
    assert (kept.starts_at, kept.ends_at, kept.refused_at) == (
        _at("14:00"),
        _at("16:00"),
        _at("08:00"),
    )


def test_bad_input_keeps_no_refusal(space, member, laptops):
    room = RoomFactory(space=space, name="Hall")
    with pytest.raises(InvalidInput):
        booking_create_with_equipment_counts(
            room=room, quantities={"laptop-laptop": -1}, member=member, **_window()
        )
    assert not EquipmentRefusal.objects.exists()


def test_unknown_kind_or_negative_count_is_bad_input(space, member, laptops):
    room = RoomFactory(space=space, name="Hall")
    with pytest.raises(InvalidInput):
        booking_create_with_equipment_counts(
            room=room, quantities={"kettle-kettle": 1}, member=member, **_window()
        )
    with pytest.raises(InvalidInput):
        booking_create_with_equipment_counts(
            room=room, quantities={"laptop-laptop": -1}, member=member, **_window()
        )
    assert not Booking.objects.exists()


def test_a_free_desk_is_booked_until_the_next_booking_and_checked_in_at_once(space, member):
    desk = ResourceFactory(space=space, name="Desk 12")
    _booked_by_someone_else(desk, "13:00", "14:00")
    booking = booking_check_in_now(resource=desk, member=member, now=NOW)
    assert booking.status == BookingStatus.CHECKED_IN
    assert (booking.starts_at, booking.ends_at) == (_at("10:00"), _at("13:00"))
    kinds = list(
        DomainEvent.objects.filter(aggregate_id=str(booking.pk)).values_list("kind", flat=True)
    )
    assert DomainEventKind.BOOKING_CREATED in kinds and DomainEventKind.BOOKING_CHECKED_IN in kinds


def test_a_second_scan_while_checked_in_says_so_and_books_nothing(space, member):
    desk = ResourceFactory(space=space, name="Desk 12")
    booking_check_in_now(resource=desk, member=member, now=NOW)
    later = NOW + datetime.timedelta(minutes=20)
    for scan in (booking_check_in_now, booking_check_in_by_qr):
        with pytest.raises(RuleViolation) as refusal:
            scan(resource=desk, member=member, now=later)
        assert refusal.value.code == "already_checked_in"
        assert refusal.value.message == "You are already checked in at Desk 12 until 18:00."
    assert Booking.objects.count() == 1


def test_a_taken_or_closed_desk_is_not_booked_from_its_code(space, member):
    desk = ResourceFactory(space=space, name="Desk 12")
    _booked_by_someone_else(desk, "10:00", "11:00")
    with pytest.raises(RuleViolation) as taken:
        booking_check_in_now(resource=desk, member=member, now=NOW)
    assert taken.value.code == "not_free_now"
    with pytest.raises(RuleViolation) as closed:
        booking_check_in_now(resource=desk, member=member, now=_at("19:00"))
    assert closed.value.code == "not_free_now"
    assert not Booking.objects.filter(booked_by=member).exists()


def test_a_room_that_needs_approval_is_not_booked_from_its_code(space, member):
    room = RoomFactory(space=space, name="Hall", needs_approval=True)
    with pytest.raises(RuleViolation) as refusal:
        booking_check_in_now(resource=room, member=member, now=NOW)
    assert refusal.value.code == "needs_approval"
    assert not Booking.objects.exists()
