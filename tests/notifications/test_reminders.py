"""Which SMS a change deserves, and when: rows made from domain events, never twice."""

import datetime

import pytest
from django.utils import timezone

from cowork.models import Booking
from cowork.services.booking import (
    booking_cancel,
    booking_check_in,
    booking_create,
    booking_modify,
)
from cowork.services.events import event_cancel, event_create, registration_create
from notifications.models import Notification
from notifications.quiet_hours import quiet_hours_end
from tests import factories

Kind, Status = Notification.Kind, Notification.Status
HOUR = datetime.timedelta(hours=1)


def _at(space, hour, minute=0, weeks_ahead=1):
    return factories.next_weekday(
        space, weekday=2, at=datetime.time(hour, minute), weeks_ahead=weeks_ahead
    )


def _book(desk, member, hour=10, **kwargs):
    starts_at = _at(desk.space, hour, **kwargs)
    return booking_create(
        resource=desk, member=member, starts_at=starts_at, ends_at=starts_at + HOUR
    )


def _rows(**filters):
    return list(Notification.objects.filter(**filters).order_by("kind", "due_at"))


def test_a_confirmed_booking_gets_a_confirmation_now_and_two_reminders(desk, sms_member, relay_now):
    booking = _book(desk, sms_member)
    relay_now()
    confirmation, *reminders = _rows(booking=booking)
    assert confirmation.kind == Kind.BOOKING_CONFIRMED
    assert confirmation.essential and confirmation.status == Status.PENDING
    assert confirmation.due_at <= timezone.now()
    assert confirmation.phone == "+994501112233" and confirmation.language == "ru"
    assert [(r.kind, r.minutes_before) for r in reminders] == [
        (Kind.BOOKING_REMINDER, 1440),
        (Kind.BOOKING_REMINDER, 60),
    ]
    assert [r.due_at for r in reminders] == [
        booking.starts_at - datetime.timedelta(days=1),
        booking.starts_at - HOUR,
    ]
    assert not any(r.essential for r in reminders)


def test_relaying_the_same_event_twice_makes_no_second_row(desk, sms_member, relay_now):
    booking = _book(desk, sms_member)
    relay_now()
    Notification.objects.all().delete()
    from cowork.models import DomainEvent

    DomainEvent.objects.update(published_at=None)
    relay_now()
    relay_now()
    DomainEvent.objects.update(published_at=None)
    relay_now()
    assert Notification.objects.filter(booking=booking).count() == 3


def test_a_member_without_a_phone_gets_no_rows(desk, relay_now):
    member = factories.MemberFactory(phone=None).user
    _book(desk, member)
    relay_now()
    assert not Notification.objects.exists()


def test_moving_a_booking_moves_its_pending_reminders_and_the_member_hears_nothing_more(
    desk, sms_member, relay_now
):
    booking = _book(desk, sms_member)
    relay_now()
    later = booking.starts_at + datetime.timedelta(hours=3)
    booking_modify(booking=booking, starts_at=later, ends_at=later + HOUR, acting_user=sms_member)
    relay_now()
    reminders = _rows(booking=booking, kind=Kind.BOOKING_REMINDER, status=Status.PENDING)
    assert [r.due_at for r in reminders] == [later - datetime.timedelta(days=1), later - HOUR]
    assert len(_rows(booking=booking, kind=Kind.BOOKING_REMINDER)) == 2
    assert not _rows(kind=Kind.BOOKING_MOVED)


def test_a_host_moving_a_booking_tells_the_member(desk, sms_member, relay_now):
    host = factories.HostFactory(space=desk.space).user
    booking = _book(desk, sms_member)
    relay_now()
    later = booking.starts_at + datetime.timedelta(hours=2)
    booking_modify(booking=booking, starts_at=later, ends_at=later + HOUR, acting_user=host)
    relay_now()
    (moved,) = _rows(kind=Kind.BOOKING_MOVED)
    assert moved.booking == booking and moved.essential


def test_cancelling_cancels_pending_reminders_and_only_a_host_cancellation_is_news(
    desk, sms_member, relay_now
):
    own = _book(desk, sms_member, hour=10)
    by_host = _book(desk, sms_member, hour=14)
    relay_now()
    booking_cancel(booking=own, acting_user=sms_member)
    host = factories.HostFactory(space=desk.space).user
    booking_cancel(booking=by_host, acting_user=host, reason="Water leak in the hall.")
    relay_now()
    for booking in (own, by_host):
        assert {r.status for r in _rows(booking=booking, kind=Kind.BOOKING_REMINDER)} == {
            Status.CANCELLED
        }
    assert [n.booking for n in _rows(kind=Kind.BOOKING_CANCELLED)] == [by_host]


def test_checking_in_cancels_the_reminders_still_pending(desk, sms_member, relay_now):
    starts_at = timezone.now().astimezone(desk.space.zone).replace(second=0, microsecond=0)
    starts_at += datetime.timedelta(minutes=75 - starts_at.minute % 15)
    booking = Booking.objects.create(
        resource=desk,
        space=desk.space,
        booked_by=sms_member,
        starts_at=starts_at,
        ends_at=starts_at + HOUR,
        blocked_until=starts_at + HOUR,
        status="confirmed",
    )
    Notification.objects.create(
        key="r",
        kind=Kind.BOOKING_REMINDER,
        booking=booking,
        space=desk.space,
        phone="+994501112233",
        language="ru",
        due_at=starts_at - HOUR,
        next_attempt_at=starts_at - HOUR,
    )
    booking_check_in(booking=booking, acting_user=sms_member, now=starts_at)
    relay_now()
    assert Notification.objects.get(key="r").status == Status.CANCELLED


def test_quiet_hours_hold_a_reminder_until_morning(sms_space):
    sms_space.sms_quiet_from, sms_space.sms_quiet_until = datetime.time(21), datetime.time(8)
    late = datetime.datetime(2026, 12, 1, 22, 30, tzinfo=sms_space.zone)
    assert quiet_hours_end(sms_space, late) == datetime.datetime(
        2026, 12, 2, 8, 0, tzinfo=sms_space.zone
    )
    early = datetime.datetime(2026, 12, 2, 6, 0, tzinfo=sms_space.zone)
    assert quiet_hours_end(sms_space, early) == datetime.datetime(
        2026, 12, 2, 8, 0, tzinfo=sms_space.zone
    )
    assert quiet_hours_end(sms_space, early.replace(hour=12)) is None


def test_a_reminder_that_quiet_hours_would_push_past_the_start_is_not_made(
    desk, sms_member, relay_now
):
    space = desk.space
    space.sms_quiet_from, space.sms_quiet_until = datetime.time(7, 0), datetime.time(9, 30)
    space.save()
    booking = _book(desk, sms_member, hour=9)  # 1 h reminder at 08:00 falls in quiet hours
    relay_now()
    reminders = _rows(booking=booking, kind=Kind.BOOKING_REMINDER)
    assert [r.minutes_before for r in reminders] == [1440]
    # The day-before one fell at 09:00 the day before: quiet too, so it waits until 09:30.
    assert reminders[0].due_at == booking.starts_at - datetime.timedelta(days=1) + 30 * (HOUR / 60)


def test_a_centre_chooses_its_reminders(desk, sms_member, relay_now):
    desk.space.sms_reminders = [180]
    desk.space.save()
    booking = _book(desk, sms_member)
    relay_now()
    assert [r.minutes_before for r in _rows(booking=booking, kind=Kind.BOOKING_REMINDER)] == [180]


@pytest.fixture
def event(sms_space):
    # People from Ukraine register here too.
    sms_space.phone_countries = ["AZ", "UA"]
    sms_space.save(update_fields=["phone_countries"])
    room = factories.RoomFactory(space=sms_space, name="Hall", capacity=10)
    host = factories.HostFactory(space=sms_space).user
    first = _at(sms_space, 11)
    return event_create(
        space=sms_space,
        room=room,
        host=host,
        kind="training",
        title="Digital safety for activists",
        sessions=[
            (first, first + 2 * HOUR),
            (first + 7 * 24 * HOUR, first + 7 * 24 * HOUR + 2 * HOUR),
        ],
        capacity=1,
    )


def test_registrations_hear_of_their_place_the_waitlist_and_each_session(event, relay_now):
    first, _key = registration_create(
        event=event, name="Aysel", phone="+994551230001", language="az"
    )
    second, _key = registration_create(
        event=event, name="Oleh", phone="+380501230002", language="uk"
    )
    relay_now()
    assert {n.kind for n in _rows(registration=first)} == {
        Kind.REGISTRATION_CONFIRMED,
        Kind.EVENT_REMINDER,
    }
    # Two sessions × two reminders.
    assert len(_rows(registration=first, kind=Kind.EVENT_REMINDER)) == 4
    (waitlisted,) = _rows(registration=second)
    assert waitlisted.kind == Kind.REGISTRATION_WAITLISTED and waitlisted.language == "uk"


def test_an_event_cancelled_tells_everyone_and_cancels_their_reminders(event, relay_now):
    registration, _key = registration_create(event=event, name="Aysel", phone="+994551230001")
    relay_now()
    event_cancel(event=event, host=event.space.roles.first().user, reason="The trainer is ill.")
    relay_now()
    assert {n.status for n in _rows(registration=registration, kind=Kind.EVENT_REMINDER)} == {
        Status.CANCELLED
    }
    (cancelled,) = _rows(registration=registration, kind=Kind.EVENT_CANCELLED)
    assert cancelled.essential and cancelled.status == Status.PENDING
    # The room's own bookings were cancelled too, but they are the host's, not news.
    assert not _rows(kind=Kind.BOOKING_CANCELLED)
