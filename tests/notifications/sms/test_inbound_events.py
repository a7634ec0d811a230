"""Replies about registrations: cancel (the waitlist moves up), confirm, check in by SMS."""

import datetime

import pytest

from cowork import outbox
from cowork.models import Attendance, DomainEvent, RegistrationStatus
from notifications.models import Notification
from tests import factories
from tests.notifications.sms.inbound import message_text, pending_reminder, post_signed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inbound_token")]


@pytest.fixture
def event(db):
    space = factories.SpaceFactory(name="Kyiv Youth Centre", time_zone="Europe/Kyiv")
    room = factories.RoomFactory(space=space, name="Green Room")
    return factories.EventFactory(room=room, title="Digital skills", capacity=1)


@pytest.fixture
def participant(db):
    return factories.ParticipantFactory(language="en")


def reply(client, participant, body) -> str:
    return message_text(post_signed(client, phone=str(participant.phone), body=body))


def test_c_cancels_the_registration_and_the_waitlist_moves_up(
    client, event, participant, django_capture_on_commit_callbacks
):
    mine = factories.RegistrationFactory(event=event, participant=participant)
    waiting = factories.RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    reminder = pending_reminder(
        kind=Notification.Kind.EVENT_REMINDER,
        phone=participant.phone,
        space=event.space,
        due_at=event.starts_at,
        registration=mine,
    )

    reply(client, participant, "C")
    with django_capture_on_commit_callbacks(execute=True):
        text = reply(client, participant, "C")
    outbox.relay_pending()  # the task that drains the outbox

    local = event.starts_at.astimezone(event.space.zone)
    assert text == f"Cancelled: Digital skills, Kyiv Youth Centre, {local:%d.%m %H:%M}."
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    reminder.refresh_from_db()
    assert reminder.status == Notification.Status.CANCELLED
    # The one promoted hears of it.
    assert Notification.objects.filter(
        registration=waiting, kind=Notification.Kind.REGISTRATION_PROMOTED
    ).exists()


def test_a_participant_cannot_cancel_someone_elses_registration(event, participant):
    from cowork.errors import NotFound
    from cowork.services.events import registration_cancel

    theirs = factories.RegistrationFactory(event=event)

    with pytest.raises(NotFound):
        registration_cancel(registration=theirs, participant=participant)
    theirs.refresh_from_db()
    assert theirs.status == RegistrationStatus.CONFIRMED


def test_y_confirms_attendance_once(client, event, participant):
    registration = factories.RegistrationFactory(event=event, participant=participant)

    text = reply(client, participant, "Y")
    registration.refresh_from_db()
    first = registration.attendance_confirmed_at
    reply(client, participant, "Y")
    registration.refresh_from_db()

    assert text.startswith("Thank you, see you there: Digital skills")
    assert first is not None and registration.attendance_confirmed_at == first
    assert DomainEvent.objects.filter(kind="registration.attendance_confirmed").count() == 1


def test_y_on_the_waitlist_is_refused(client, event, participant):
    registration = factories.RegistrationFactory(
        event=event, participant=participant, status=RegistrationStatus.WAITLISTED
    )

    text = reply(client, participant, "Y")

    assert text.startswith("Only a confirmed place can be confirmed")
    registration.refresh_from_db()
    assert registration.attendance_confirmed_at is None


def test_in_marks_attendance_of_the_session_starting_soon(client, participant):
    event = factories.EventFactory(starts_at=factories.from_now(minutes=10))
    factories.RegistrationFactory(event=event, participant=participant)

    text = reply(client, participant, "IN")

    attendance = Attendance.objects.get()
    assert text.startswith(f"Checked in: {event.title}")
    assert attendance.session == event.sessions.get()
    assert attendance.participant == participant
    assert attendance.method == Attendance.Method.SMS
    assert attendance.marked_by is None


def test_in_during_the_second_session_of_a_course_marks_that_one(client, participant):
    course = factories.EventFactory(
        starts_at=factories.from_now(days=-7), ends_at=factories.from_now(hours=1), session=False
    )
    course.sessions.create(
        starts_at=course.starts_at, ends_at=course.starts_at + datetime.timedelta(hours=2)
    )
    today = course.sessions.create(
        starts_at=factories.from_now(minutes=-30), ends_at=course.ends_at
    )
    factories.RegistrationFactory(event=course, participant=participant)

    reply(client, participant, "IN")

    assert Attendance.objects.get().session == today


def test_in_too_early_is_refused(client, event, participant):
    factories.RegistrationFactory(event=event, participant=participant)

    text = reply(client, participant, "IN")

    assert text.startswith("Check-in for Digital skills")
    assert "opens 15 min before" in text
    assert not Attendance.objects.exists()


def test_in_on_the_waitlist_is_refused(client, participant):
    event = factories.EventFactory(starts_at=factories.from_now(minutes=5))
    factories.RegistrationFactory(
        event=event, participant=participant, status=RegistrationStatus.WAITLISTED
    )

    text = reply(client, participant, "IN")

    assert text.startswith("You have no confirmed place")
    assert not Attendance.objects.exists()


def test_out_at_an_event_needs_nothing(client, event, participant):
    factories.RegistrationFactory(event=event, participant=participant)

    assert reply(client, participant, "OUT").startswith("Events need no check-out")


def test_cancelled_and_past_events_are_not_acted_on(client, participant):
    past = factories.EventFactory(
        starts_at=factories.from_now(hours=-3), ends_at=factories.from_now(hours=-1)
    )
    called_off = factories.EventFactory(status="cancelled")
    factories.RegistrationFactory(event=past, participant=participant)
    factories.RegistrationFactory(event=called_off, participant=participant)

    assert reply(client, participant, "C") == "You have no upcoming booking or event to act on."


def test_the_sooner_of_a_booking_and_a_registration_is_acted_on(client, participant):
    member = factories.MemberFactory(language="en", phone=participant.phone)
    booking = factories.BookingFactory(booked_by=member.user, starts_at=factories.from_now(hours=5))
    registration = factories.RegistrationFactory(
        participant=participant, event=factories.EventFactory(starts_at=factories.from_now(hours=1))
    )

    reply(client, participant, "C")
    reply(client, participant, "C")

    registration.refresh_from_db()
    booking.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert booking.status == "confirmed"

    reply(client, participant, "C")
    reply(client, participant, "C")

    booking.refresh_from_db()
    assert booking.status == "cancelled"
