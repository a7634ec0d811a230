"""Events bigger than a room: several rooms of the centre at once, or an outside venue."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from cowork.errors import Conflict, InvalidInput, RuleViolation
from cowork.models import (
    Attendance,
    Booking,
    DomainEvent,
    Event,
    EventSessionRoom,
    RegistrationStatus,
)
from cowork.selectors.reports.report import event_report
from cowork.services.booking import booking_create
from cowork.services.events import (
    OutsideVenue,
    attendance_check_in_by_code,
    attendance_mark,
    event_cancel,
    event_create,
    registration_cancel,
    registration_create,
    walk_in_add,
)
from tests.factories import MemberFactory, RoomFactory, network_admin, next_weekday

HOUR = datetime.timedelta(hours=1)
HALL = OutsideVenue(name="Kokand Palace of Culture", address="Navoi street 12", capacity=300)


@pytest.fixture
def rooms(space):
    return [
        RoomFactory(space=space, capacity=60, name="Hall A"),
        RoomFactory(space=space, capacity=50, name="Hall B"),
        RoomFactory(space=space, capacity=48, name="Training room"),
    ]


def _sessions(space, *, days=1, at=datetime.time(10), length=2 * HOUR):
    first = next_weekday(space, weekday=1, at=at)
    return [
        (first + datetime.timedelta(days=n), first + datetime.timedelta(days=n) + length)
        for n in range(days)
    ]


def _forum(space, host, *, capacity=150, **where):
    return event_create(
        space=space,
        host=host,
        kind="forum",
        title="Regional ICT forum",
        sessions=where.pop("sessions", None) or _sessions(space, days=2),
        capacity=capacity,
        **where,
    )


@pytest.mark.django_db
def test_forum_of_150_takes_three_rooms_each_booked_for_every_session(space, host, rooms):
    forum = _forum(space, host, room=rooms[0], other_rooms=rooms[1:])
    assert forum.rooms() == [rooms[0], rooms[1], rooms[2]]
    assert forum.seats == 158 and forum.capacity == 150
    assert forum.place_name == "Hall A + Hall B + Training room"
    for session in forum.sessions.all():
        bookings = [session.booking, *(extra.booking for extra in session.other_rooms.all())]
        assert {booking.resource_id for booking in bookings} == {room.pk for room in rooms}
        assert all(booking.is_active for booking in bookings)
        # The rooms of one session stand or fall together.
        assert len({booking.group for booking in bookings}) == 1 and bookings[0].group
    # Nothing else can take any of the rooms at a session's time.
    start, end = _sessions(space, days=1)[0]
    with pytest.raises(Conflict):
        booking_create(resource=rooms[2], member=MemberFactory().user, starts_at=start, ends_at=end)


@pytest.mark.django_db
def test_more_places_than_the_rooms_seat_together_is_refused_and_nothing_is_booked(
    space, host, rooms
):
    with pytest.raises(RuleViolation) as excinfo:
        _forum(space, host, capacity=159, room=rooms[0], other_rooms=rooms[1:])
    assert excinfo.value.code == "capacity_above_room"
    assert "158" in excinfo.value.message and "together" in excinfo.value.message
    assert not Event.objects.exists() and not Booking.objects.exists()


@pytest.mark.django_db
def test_one_room_taken_at_one_session_refuses_the_whole_forum(space, host, rooms):
    second_day = _sessions(space, days=2)[1]
    booking_create(
        resource=rooms[1],
        member=MemberFactory().user,
        starts_at=second_day[0],
        ends_at=second_day[1],
    )
    with pytest.raises(Conflict):
        _forum(space, host, room=rooms[0], other_rooms=rooms[1:])
    assert not Event.objects.exists()
    assert Booking.objects.count() == 1 and not EventSessionRoom.objects.exists()


@pytest.mark.django_db
def test_the_same_room_twice_or_a_room_of_another_centre_is_refused(space, host, rooms):
    with pytest.raises(InvalidInput):
        _forum(space, host, capacity=100, room=rooms[0], other_rooms=[rooms[0]])
    with pytest.raises(InvalidInput):
        _forum(space, host, capacity=100, room=rooms[0], other_rooms=[RoomFactory(capacity=90)])
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_cancelling_a_forum_frees_every_room_of_every_session(space, host, rooms):
    forum = _forum(space, host, room=rooms[0], other_rooms=rooms[1:])
    event_cancel(event=forum, host=host, reason="The minister cannot come")
    assert Booking.objects.count() == 6
    assert not any(booking.is_active for booking in Booking.objects.all())
    forum.refresh_from_db()
    assert forum.cancel_reason == "The minister cannot come" and forum.cancelled_at


@pytest.mark.django_db
def test_forum_at_an_outside_hall_books_nothing_and_keeps_the_centres_hours_out_of_it(space, host):
    # 18:30-21:30: after the centre closes at 18:00, which binds its rooms, not the hall.
    evening = _sessions(space, at=datetime.time(18, 30), length=3 * HOUR)
    forum = _forum(space, host, venue=HALL, sessions=evening)
    assert forum.is_outside and forum.room is None and forum.rooms() == []
    assert forum.place_name == HALL.name and forum.seats == 300
    assert forum.venue_address == "Navoi street 12"
    assert [session.booking for session in forum.sessions.all()] == [None]
    assert not Booking.objects.exists()
    created = DomainEvent.objects.get(kind="event.created")
    assert created.payload["outside"] is True and created.payload["rooms"] == []


@pytest.mark.django_db
def test_outside_venue_refusals_say_why_and_change_nothing(space, host, rooms):
    cases = [
        (dict(venue=HALL, capacity=301), RuleViolation, "capacity_above_room"),
        (dict(venue=OutsideVenue(name="  ", capacity=300)), InvalidInput, "no_venue_name"),
        (dict(venue=OutsideVenue(name="Hall", capacity=0)), InvalidInput, "bad_venue_capacity"),
        (dict(venue=HALL, room=rooms[0]), InvalidInput, "room_and_venue"),
        (dict(), InvalidInput, "bad_room"),
    ]
    for where, error, code in cases:
        arguments = {"capacity": 150, **where}
        with pytest.raises(error) as excinfo:
            _forum(space, host, **arguments)
        assert excinfo.value.code == code, where
    assert not Event.objects.exists() and not Booking.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_an_event_neither_in_a_room_nor_at_a_venue(space, host, rooms):
    forum = _forum(space, host, venue=HALL)
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=forum.pk).update(venue_name="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=forum.pk).update(room=rooms[0])


@pytest.mark.django_db
def test_outside_forum_registers_waitlists_promotes_and_takes_attendance(space, host):
    forum = _forum(space, host, venue=HALL, capacity=2, sessions=_sessions(space))
    first, _key = registration_create(event=forum, name="Dilnoza", phone="+994501110001")
    second, _key = registration_create(event=forum, name="Sardor", phone="+994501110002")
    third, _key = registration_create(event=forum, name="Malika", phone="+994501110003")
    assert [first.status, second.status, third.status] == [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
    ]
    registration_cancel(registration=second, acting_user=host)
    third.refresh_from_db()
    assert third.status == RegistrationStatus.CONFIRMED
    session = forum.sessions.get()
    attendance_mark(session=session, participant=first.participant, host=host)
    attendance_check_in_by_code(
        event=forum,
        phone="+994501110003",
        code=third.check_in_code,
        ip="203.0.113.9",
        now=session.starts_at,
    )
    walk_in_add(session=session, name="Walk-in Aziz", phone="+994501110004", host=host)
    assert Attendance.objects.filter(session=session).count() == 3
    # The donor's report counts it as it counts an event in the centre.
    day = session.starts_at.date()
    report = event_report(
        viewer=network_admin(),
        start=day - datetime.timedelta(days=1),
        end=day + datetime.timedelta(days=1),
        space_ids=[space.pk],
        now=session.ends_at + HOUR,
    )
    assert report.total.events_held == 1 and report.total.attendances == 3
    # Sardor cancelled; the walk-in registered at the door.
    assert report.total.registrations == 3
    (row,) = report.events
    assert row.title == "Regional ICT forum" and row.attendances == 3
