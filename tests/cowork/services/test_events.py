import datetime

import pytest

from cowork.errors import Conflict, InvalidInput, NotAllowed, NotFound, RuleViolation
from cowork.models import Attendance, Booking, DomainEvent, Registration, RegistrationStatus
from cowork.services.booking import booking_create
from cowork.services.events import (
    Demographics,
    attendance_check_in_by_code,
    attendance_mark,
    event_cancel,
    event_create,
    registration_cancel,
    registration_create,
    walk_in_add,
)
from tests.factories import MemberFactory, RoomFactory, next_weekday
from tests.racing import at_once

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def room(space):
    return RoomFactory(space=space, capacity=30, name="Meeting room")


def _event(room, host, *, capacity=20, sessions=None, **kwargs):
    start = next_weekday(room.space, at=datetime.time(11))
    return event_create(
        space=room.space,
        room=room,
        host=host,
        kind="round_table",
        title="Round-table on e-government",
        sessions=sessions or [(start, start + 2 * HOUR)],
        capacity=capacity,
        **kwargs,
    )


@pytest.mark.django_db
def test_event_books_its_room_so_nothing_else_can_take_it(room, host):
    event = _event(room, host)
    session = event.sessions.get()
    assert session.booking.resource == room and session.booking.is_active
    with pytest.raises(Conflict):
        booking_create(
            resource=room,
            member=MemberFactory().user,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
        )


@pytest.mark.django_db
def test_course_books_every_session_or_none(room, host):
    first = next_weekday(room.space, at=datetime.time(10))
    taken = first + datetime.timedelta(days=7)
    booking_create(
        resource=room, member=MemberFactory().user, starts_at=taken, ends_at=taken + HOUR
    )
    sessions = [
        (first + datetime.timedelta(days=7 * n), first + datetime.timedelta(days=7 * n) + 2 * HOUR)
        for n in range(4)
    ]
    with pytest.raises(Conflict) as refusal:
        event_create(
            space=room.space,
            room=room,
            host=host,
            kind="course",
            title="Web design course",
            sessions=sessions,
            capacity=10,
        )
    assert not Booking.objects.filter(purpose="Web design course").exists()
    (named,) = refusal.value.details["refused"]
    assert named["code"] == "conflict" and named["starts_at"] == taken.isoformat()


@pytest.mark.django_db
def test_capacity_above_the_room_is_refused(room, host):
    with pytest.raises(RuleViolation) as excinfo:
        _event(room, host, capacity=31)
    assert excinfo.value.code == "capacity_above_room"


@pytest.mark.django_db
def test_member_cannot_create_events(room):
    with pytest.raises(NotAllowed):
        _event(room, MemberFactory().user)


@pytest.mark.django_db
def test_duplicate_registration_is_refused_and_changes_nothing(room, host):
    event = _event(room, host)
    registration_create(event=event, name="Aysel", phone="+994 50 111 22 33")
    with pytest.raises(Conflict) as excinfo:
        registration_create(event=event, name="Aysel H.", phone="050 111 22 33")
    assert excinfo.value.code == "already_registered"
    assert Registration.objects.count() == 1


@pytest.mark.django_db
def test_registration_after_close_is_refused(room, host):
    event = _event(room, host)
    with pytest.raises(RuleViolation) as excinfo:
        registration_create(
            event=event, name="Late", phone="+994501112299", now=event.starts_at + HOUR
        )
    assert excinfo.value.code == "registration_closed"
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_bad_phone_and_demographics_without_consent_are_refused(room, host):
    event = _event(room, host)
    with pytest.raises(InvalidInput) as excinfo:
        registration_create(event=event, name="Nigar", phone="12")
    assert excinfo.value.code == "bad_phone"
    with pytest.raises(InvalidInput) as excinfo:
        registration_create(
            event=event,
            name="Nigar",
            phone="+994501112200",
            demographics=Demographics(gender="female", consent=False),
        )
    assert excinfo.value.code == "demographics_without_consent"
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_stranger_cannot_cancel_someone_elses_registration(room, host):
    event = _event(room, host)
    registration, key = registration_create(event=event, name="Farid", phone="+994501112201")
    with pytest.raises(NotFound):
        registration_cancel(registration=registration, key="guessed")
    with pytest.raises(NotAllowed):
        registration_cancel(registration=registration, acting_user=MemberFactory().user)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    registration_cancel(registration=registration, key=key)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_fifty_people_registering_at_once_for_twenty_places(room, host):
    event = _event(room, host, capacity=20)

    def register(n):
        registration_create(
            event=event, name=f"Person {n}", phone=f"+99450{2000000 + n}", ip=f"10.0.0.{n}"
        )

    errors = [outcome for outcome in at_once(register, [(n,) for n in range(50)]) if outcome]
    assert errors == []
    by_status = {
        status: list(event.registrations.filter(status=status).order_by("created_at", "id"))
        for status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
    }
    assert len(by_status["confirmed"]) == 20
    waitlist = by_status["waitlisted"]
    assert len(waitlist) == 30
    # Cancellations promote the waitlist in order, one place for one place.
    for confirmed in by_status["confirmed"][:3]:
        registration_cancel(registration=confirmed, acting_user=host)
    promoted = list(
        event.registrations.filter(promoted_at__isnull=False).order_by("promoted_at", "id")
    )
    assert [r.pk for r in promoted] == [r.pk for r in waitlist[:3]]
    assert event.registrations.filter(status=RegistrationStatus.CONFIRMED).count() == 20
    assert DomainEvent.objects.filter(kind="registration.promoted").count() == 3


@pytest.mark.django_db
def test_attendance_by_host_qr_and_walk_in_each_once(room, host):
    event = _event(room, host)
    session = event.sessions.get()
    registration, _key = registration_create(event=event, name="Leyla", phone="+994501112202")
    attendance_mark(session=session, participant=registration.participant, host=host)
    attendance_mark(session=session, participant=registration.participant, host=host)
    rashad, _key = registration_create(event=event, name="Rashad", phone="+994501112203")

    def rashads_code_with(phone):
        return attendance_check_in_by_code(
            event=event, phone=phone, code=rashad.check_in_code, ip="203.0.113.7",
            now=session.starts_at,
        )  # fmt: skip

    rashads_code_with("050 111 22 03")
    walk_in_add(session=session, name="Walk-in Kamran", phone="+994501112204", host=host)
    assert Attendance.objects.filter(session=session).count() == 3
    assert set(Attendance.objects.values_list("method", flat=True)) == {"host", "qr", "walk_in"}
    with pytest.raises(NotFound):
        rashads_code_with("+994501112299")


@pytest.mark.django_db
def test_cancelled_event_frees_its_room_and_says_why(room, host):
    event = _event(room, host)
    event_cancel(event=event, host=host, reason="The trainer is ill")
    assert (
        not event.sessions.get()
        .booking.__class__.objects.get(pk=event.sessions.get().booking_id)
        .is_active
    )
    assert DomainEvent.objects.filter(kind="event.cancelled").exists()
