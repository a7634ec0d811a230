import datetime

import pytest

from cowork.errors import Conflict, InvalidInput, NotAllowed, RuleViolation
from cowork.models import Booking, BookingStatus, DomainEvent
from cowork.services.booking import booking_create, booking_create_with_equipment
from tests.factories import (
    ClosureFactory,
    HostFactory,
    MemberFactory,
    OrganizationFactory,
    ResourceFactory,
    RoomFactory,
    SpaceFactory,
    next_weekday,
)

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def desk(space):
    return ResourceFactory(space=space, name="Desk 01")


@pytest.fixture
def member():
    return MemberFactory().user


def _book(resource, member, start, duration=HOUR, **kwargs):
    return booking_create(
        resource=resource, member=member, starts_at=start, ends_at=start + duration, **kwargs
    )


def test_free_desk_is_booked_confirmed_with_an_outbox_event(desk, member):
    start = next_weekday(desk.space)
    booking = _book(desk, member, start)
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.starts_at == start and booking.starts_at.tzinfo == datetime.UTC
    event = DomainEvent.objects.get(kind="booking.created")
    assert event.payload["booking"] == booking.pk and event.space == desk.space


def test_second_booking_of_same_desk_is_refused_naming_the_slot_not_the_holder(desk, member):
    start = next_weekday(desk.space)
    _book(desk, member, start)
    other = MemberFactory().user
    with pytest.raises(Conflict) as excinfo:
        _book(desk, other, start + datetime.timedelta(minutes=30))
    taken = excinfo.value.details["taken"]
    assert taken["starts_at"] == start.isoformat()
    assert "held_by" not in taken
    assert Booking.objects.count() == 1


def test_host_is_told_who_holds_the_taken_slot(desk, member):
    start = next_weekday(desk.space)
    _book(desk, member, start)
    host = HostFactory(space=desk.space).user
    with pytest.raises(Conflict) as excinfo:
        _book(desk, host, start)
    assert excinfo.value.details["taken"]["held_by"] == member.get_full_name()


def test_back_to_back_bookings_of_a_desk_are_fine(desk, member):
    start = next_weekday(desk.space)
    _book(desk, member, start)
    _book(desk, MemberFactory().user, start + HOUR)
    assert Booking.objects.count() == 2


def test_room_keeps_its_buffer_between_bookings(space, member):
    room = RoomFactory(space=space)  # the space's room buffer is 15 minutes
    start = next_weekday(space)
    _book(room, member, start)
    with pytest.raises(Conflict):
        _book(room, MemberFactory().user, start + HOUR)
    _book(room, MemberFactory().user, start + HOUR + datetime.timedelta(minutes=15))


def test_naive_time_is_an_error_never_a_guess(desk, member):
    with pytest.raises(InvalidInput) as excinfo:
        _book(desk, member, datetime.datetime(2030, 3, 4, 10, 0))
    assert excinfo.value.code == "naive_datetime"


def test_offset_postgresql_cannot_store_is_refused_before_any_query(desk, member):
    start = next_weekday(desk.space)
    beyond = start.astimezone(datetime.timezone(datetime.timedelta(hours=20)))
    with pytest.raises(InvalidInput) as excinfo:
        _book(desk, member, beyond)
    assert excinfo.value.code == "offset_out_of_range"
    assert excinfo.value.details == {"field": "starts_at"}
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("offset", "duration", "code"),
    [
        (datetime.timedelta(0), datetime.timedelta(0), "end_not_after_start"),
        (datetime.timedelta(minutes=7), HOUR, "off_grid"),
        (datetime.timedelta(0), datetime.timedelta(minutes=15), "too_short"),
        (datetime.timedelta(hours=-3), HOUR, "outside_opening_hours"),
        (datetime.timedelta(hours=7), 2 * HOUR, "outside_opening_hours"),
    ],
)
def test_refusal_names_the_rule_it_breaks(desk, member, offset, duration, code):
    with pytest.raises(RuleViolation) as excinfo:
        _book(desk, member, next_weekday(desk.space) + offset, duration)
    assert excinfo.value.code == code
    assert not Booking.objects.exists()


def test_weekend_and_closure_days_are_refused(desk, member):
    saturday = next_weekday(desk.space, weekday=5)
    with pytest.raises(RuleViolation) as excinfo:
        _book(desk, member, saturday)
    assert excinfo.value.code == "outside_opening_hours"
    monday = next_weekday(desk.space)
    ClosureFactory(space=desk.space, starts_on=monday.date(), ends_on=monday.date())
    with pytest.raises(RuleViolation) as excinfo:
        _book(desk, member, monday)
    assert excinfo.value.code == "closed"


def test_too_far_ahead_and_past_are_refused(desk, member):
    with pytest.raises(RuleViolation) as excinfo:
        _book(desk, member, next_weekday(desk.space, weeks_ahead=10))
    assert excinfo.value.code == "too_far_ahead"
    with pytest.raises(RuleViolation) as excinfo:
        _book(desk, member, next_weekday(desk.space, weeks_ahead=-2))
    assert excinfo.value.code == "in_past"


def test_resource_override_of_the_longest_booking(space, member):
    desk = ResourceFactory(space=space, max_booking_minutes=120)
    with pytest.raises(RuleViolation) as excinfo:
        _book(desk, member, next_weekday(space), 3 * HOUR)
    assert excinfo.value.code == "too_long"


def test_desks_stop_at_the_safety_head_count(member):
    space = SpaceFactory(safety_capacity=2)
    desks = [ResourceFactory(space=space) for _ in range(3)]
    start = next_weekday(space)
    _book(desks[0], member, start)
    _book(desks[1], MemberFactory().user, start + datetime.timedelta(minutes=30))
    with pytest.raises(RuleViolation) as excinfo:
        _book(desks[2], MemberFactory().user, start + datetime.timedelta(minutes=45))
    assert excinfo.value.code == "safety_capacity"
    # After the first leaves, a place frees up.
    _book(desks[2], MemberFactory().user, start + HOUR)


def test_member_quota_of_active_bookings(member):
    space = SpaceFactory(max_active_bookings=2)
    desk = ResourceFactory(space=space)
    start = next_weekday(space)
    _book(desk, member, start)
    _book(desk, member, start + 2 * HOUR)
    with pytest.raises(RuleViolation) as excinfo:
        _book(desk, member, start + 4 * HOUR)
    assert excinfo.value.code == "quota_active_bookings"


def test_hosts_booking_for_the_centre_are_not_held_to_member_quotas(member):
    space = SpaceFactory(max_active_bookings=1)
    desk = ResourceFactory(space=space)
    host = HostFactory(space=space).user
    start = next_weekday(space)
    _book(desk, host, start)
    _book(desk, host, start + 2 * HOUR)
    _book(desk, member, start + 4 * HOUR, acting_user=host)
    _book(desk, member, start + 6 * HOUR, acting_user=host)
    assert Booking.objects.count() == 4


def test_member_quota_of_hours_per_week(member):
    space = SpaceFactory(max_hours_per_week=3)
    desk = ResourceFactory(space=space)
    start = next_weekday(space)
    _book(desk, member, start, 2 * HOUR)
    with pytest.raises(RuleViolation) as excinfo:
        _book(desk, member, start + datetime.timedelta(days=1), 2 * HOUR)
    assert excinfo.value.code == "quota_weekly_hours"


def test_room_needing_approval_is_pending_unless_a_host_books_it(space, member):
    room = RoomFactory(space=space, needs_approval=True)
    start = next_weekday(space)
    assert _book(room, member, start).status == BookingStatus.PENDING
    host = HostFactory(space=space).user
    assert _book(room, host, start + 2 * HOUR).status == BookingStatus.CONFIRMED
    assert DomainEvent.objects.filter(kind="booking.requested").count() == 1


def test_outside_renter_pays_the_room_price_and_partner_ngo_member_books_free(space):
    room = RoomFactory(space=space, price_per_hour="20.00")
    room.refresh_from_db()  # a price as the database holds it, as every caller has it
    start = next_weekday(space)
    renter = MemberFactory().user
    paid = _book(room, renter, start, 2 * HOUR)
    assert (str(paid.price), paid.currency) == ("40.00", space.currency)
    partner = MemberFactory(organization=OrganizationFactory(is_partner=True)).user
    assert str(_book(room, partner, start + 3 * HOUR).price) == "0.00"


def test_only_hosts_book_for_someone_else(desk, member):
    stranger = MemberFactory().user
    with pytest.raises(NotAllowed):
        _book(desk, member, next_weekday(desk.space), acting_user=stranger)
    host = HostFactory(space=desk.space).user
    booking = _book(desk, member, next_weekday(desk.space), acting_user=host)
    assert booking.booked_by == member


def test_out_of_service_desk_is_refused(space, member):
    desk = ResourceFactory(space=space, out_of_service=True, out_of_service_reason="broken chair")
    with pytest.raises(RuleViolation) as excinfo:
        _book(desk, member, next_weekday(space))
    assert excinfo.value.code == "out_of_service"


def test_room_with_equipment_is_booked_all_or_nothing(space, member):
    room = RoomFactory(space=space)
    projector = ResourceFactory(
        space=space,
        kind="equipment",
        equipment_type="projector",
        name="Projector",
        bookable_alone=False,
    )
    start = next_weekday(space)
    bookings = booking_create_with_equipment(
        room=room, equipment=[projector], member=member, starts_at=start, ends_at=start + HOUR
    )
    assert len({b.group for b in bookings}) == 1 and len(bookings) == 2
    other_room = RoomFactory(space=space)
    with pytest.raises(Conflict):
        booking_create_with_equipment(
            room=other_room,
            equipment=[projector],
            member=MemberFactory().user,
            starts_at=start,
            ends_at=start + HOUR,
        )
    assert not Booking.objects.filter(resource=other_room).exists()


def test_equipment_not_bookable_alone_is_refused_alone(space, member):
    tablet = ResourceFactory(
        space=space, kind="equipment", equipment_type="graphics_tablet", bookable_alone=False
    )
    with pytest.raises(RuleViolation) as excinfo:
        _book(tablet, member, next_weekday(space))
    assert excinfo.value.code == "not_bookable_alone"
