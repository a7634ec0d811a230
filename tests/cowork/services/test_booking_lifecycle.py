import datetime

import pytest

from cowork.errors import Conflict, InvalidInput, NotAllowed, RuleViolation
from cowork.models import Booking, BookingStatus, DomainEvent
from cowork.services.booking import (
    booking_approve,
    booking_cancel,
    booking_check_in,
    booking_check_in_by_qr,
    booking_check_out,
    booking_create,
    booking_create_with_equipment,
    booking_decline,
    booking_modify,
    check_out_finished,
    release_no_shows,
)
from tests.factories import HostFactory, MemberFactory, ResourceFactory, RoomFactory, next_weekday

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def member():
    return MemberFactory().user


@pytest.fixture
def desk(space):
    return ResourceFactory(space=space)


@pytest.fixture
def booking(desk, member):
    start = next_weekday(desk.space)
    return booking_create(resource=desk, member=member, starts_at=start, ends_at=start + HOUR)


def test_moving_a_booking_keeps_it_and_raises_its_sequence(booking, member):
    later = booking.starts_at + 2 * HOUR
    moved = booking_modify(
        booking=booking, starts_at=later, ends_at=later + 2 * HOUR, acting_user=member
    )
    assert moved.pk == booking.pk and moved.sequence == 1
    assert moved.ends_at - moved.starts_at == 2 * HOUR
    assert DomainEvent.objects.filter(kind="booking.moved").exists()


def test_moving_onto_a_taken_slot_is_refused_and_changes_nothing(booking, desk, member):
    start = booking.starts_at + 3 * HOUR
    booking_create(
        resource=desk, member=MemberFactory().user, starts_at=start, ends_at=start + HOUR
    )
    with pytest.raises(Conflict):
        booking_modify(booking=booking, starts_at=start, ends_at=start + HOUR, acting_user=member)
    booking.refresh_from_db()
    assert booking.sequence == 0


def test_extending_over_its_own_time_is_not_a_conflict(booking, member):
    extended = booking_modify(
        booking=booking,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at + HOUR,
        acting_user=member,
    )
    assert extended.ends_at - extended.starts_at == 2 * HOUR


def test_stranger_cannot_cancel_but_host_can(booking):
    with pytest.raises(NotAllowed):
        booking_cancel(booking=booking, acting_user=MemberFactory().user)
    host = HostFactory(space=booking.space).user
    booking_cancel(booking=booking, acting_user=host, reason="Room flooded")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and booking.reason == "Room flooded"
    event = DomainEvent.objects.get(kind="booking.cancelled")
    assert event.payload["by_host"] is True


def test_cancelled_time_is_free_again(booking, desk):
    booking_cancel(booking=booking, acting_user=booking.booked_by)
    booking_create(
        resource=desk,
        member=MemberFactory().user,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
    )


def test_cancelling_twice_is_refused(booking, member):
    booking_cancel(booking=booking, acting_user=member)
    with pytest.raises(RuleViolation) as excinfo:
        booking_cancel(booking=booking, acting_user=member)
    assert excinfo.value.code == "wrong_status"


def test_cancelling_a_room_cancels_its_equipment(space, member):
    room = RoomFactory(space=space)
    laptop = ResourceFactory(space=space, kind="equipment", equipment_type="laptop")
    start = next_weekday(space)
    room_booking, _laptop_booking = booking_create_with_equipment(
        room=room, equipment=[laptop], member=member, starts_at=start, ends_at=start + HOUR
    )
    assert len(booking_cancel(booking=room_booking, acting_user=member)) == 2
    assert not Booking.objects.filter(status=BookingStatus.CONFIRMED).exists()


def test_host_approves_or_declines_with_a_reason(space, member):
    room = RoomFactory(space=space, needs_approval=True)
    start = next_weekday(space)
    first = booking_create(resource=room, member=member, starts_at=start, ends_at=start + HOUR)
    second_start = start + 2 * HOUR
    second = booking_create(
        resource=room, member=member, starts_at=second_start, ends_at=second_start + HOUR
    )
    host = HostFactory(space=space).user
    with pytest.raises(NotAllowed):
        booking_approve(booking=first, host=member)
    assert booking_approve(booking=first, host=host).status == BookingStatus.CONFIRMED
    with pytest.raises(InvalidInput):
        booking_decline(booking=second, host=host, reason="  ")
    declined = booking_decline(booking=second, host=host, reason="Painting the room")
    assert declined.status == BookingStatus.DECLINED and declined.reason == "Painting the room"


def test_check_in_opens_shortly_before_the_start(booking, member):
    with pytest.raises(RuleViolation) as excinfo:
        booking_check_in(booking=booking, acting_user=member, now=booking.starts_at - 20 * MINUTE)
    assert excinfo.value.code == "outside_check_in_window"
    checked = booking_check_in(
        booking=booking, acting_user=member, now=booking.starts_at - 10 * MINUTE
    )
    assert checked.status == BookingStatus.CHECKED_IN


def test_check_in_by_scanning_the_desk_qr_code(booking, desk, member):
    checked = booking_check_in_by_qr(resource=desk, member=member, now=booking.starts_at)
    assert checked.pk == booking.pk and checked.status == BookingStatus.CHECKED_IN
    with pytest.raises(RuleViolation) as excinfo:
        booking_check_in_by_qr(resource=desk, member=MemberFactory().user, now=booking.starts_at)
    assert excinfo.value.code == "no_booking_now"


def test_check_out_frees_the_rest_of_the_slot(booking, desk, member):
    booking_check_in(booking=booking, acting_user=member, now=booking.starts_at)
    booking_check_out(booking=booking, acting_user=member, now=booking.starts_at + 15 * MINUTE)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED
    later = booking.starts_at + 30 * MINUTE
    booking_create(
        resource=desk,
        member=MemberFactory().user,
        starts_at=later,
        ends_at=later + 30 * MINUTE,
        now=booking.starts_at + 16 * MINUTE,
    )


def test_no_show_is_released_after_the_grace_period_once(booking):
    assert release_no_shows(now=booking.starts_at + 14 * MINUTE) == 0
    assert release_no_shows(now=booking.starts_at + 15 * MINUTE) == 1
    assert release_no_shows(now=booking.starts_at + 16 * MINUTE) == 0
    booking.refresh_from_db()
    assert booking.status == BookingStatus.RELEASED
    assert DomainEvent.objects.filter(kind="booking.released").count() == 1


def test_checked_in_members_are_checked_out_when_their_booking_ends(booking, member):
    booking_check_in(booking=booking, acting_user=member, now=booking.starts_at)
    assert check_out_finished(now=booking.ends_at - MINUTE) == 0
    assert check_out_finished(now=booking.ends_at) == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED and booking.checked_out_at == booking.ends_at
