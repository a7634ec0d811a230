"""Replies about bookings, end to end: signed webhook → service → outbox relay → what shows."""

import datetime

import pytest

from cowork import outbox
from cowork.models import Booking, BookingStatus, DomainEvent
from cowork.selectors.occupancy import BOOKED, FREE, OCCUPIED, occupancy_snapshot
from cowork.services.booking import booking_create
from notifications.models import Notification
from tests import factories
from tests.notifications.sms.inbound import message_text, pending_reminder, post_signed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inbound_token")]


@pytest.fixture
def member(db):
    return factories.MemberFactory(language="en")


@pytest.fixture
def desk(db):
    space = factories.SpaceFactory(name="Ganja centre", languages=["az", "ru", "en"])
    return factories.ResourceFactory(space=space, name="Desk 4")


def reply(client, member, body, **extra) -> str:
    return message_text(post_signed(client, phone=str(member.phone), body=body, **extra))


def checked_in(desk, member, starts_at):
    """The member's booking of `desk` from `starts_at`, already checked in."""
    return factories.BookingFactory(
        resource=desk, booked_by=member.user, starts_at=starts_at, status=BookingStatus.CHECKED_IN
    )


def desk_state(desk, at) -> str:
    snapshot = occupancy_snapshot(space=desk.space, now=at, with_names=False)
    return next(item for item in snapshot["resources"] if item["id"] == desk.pk)["state"]


def test_c_cancels_the_booking_its_reminders_and_frees_the_desk(
    client, member, desk, django_capture_on_commit_callbacks
):
    starts_at = factories.next_weekday(desk.space, weekday=2, at=datetime.time(10, 0))
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(
            resource=desk,
            member=member.user,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2),
        )
    outbox.relay_pending()  # the task that drains the outbox
    reminders = Notification.objects.filter(
        booking=booking, kind=Notification.Kind.BOOKING_REMINDER
    )
    assert reminders.count() == 2
    assert {r.status for r in reminders} == {Notification.Status.PENDING}
    during = starts_at + datetime.timedelta(minutes=30)
    assert desk_state(desk, during) == BOOKED

    day = starts_at.strftime("%d.%m")
    asked = reply(client, member, "C")
    assert asked == f"Cancel Desk 4, Ganja centre, {day} 10:00? Send C again within 10 minutes."
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED

    with django_capture_on_commit_callbacks(execute=True):
        text = reply(client, member, "C")
    outbox.relay_pending()  # the task that drains the outbox

    assert text == f"Cancelled: Desk 4, Ganja centre, {day} 10:00."
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancelled_by == member.user
    assert {r.status for r in reminders.all()} == {Notification.Status.CANCELLED}
    assert desk_state(desk, during) == FREE
    assert DomainEvent.objects.filter(kind="booking.cancelled", published_at__isnull=False)
    # The member cancelled it themself: no "cancelled by the centre" SMS.
    assert not Notification.objects.filter(kind=Notification.Kind.BOOKING_CANCELLED).exists()


def test_c_acts_on_the_next_booking_only(client, member, desk):
    later = factories.BookingFactory(
        resource=desk, booked_by=member.user, starts_at=factories.from_now(days=2)
    )
    sooner = factories.BookingFactory(
        resource=desk, booked_by=member.user, starts_at=factories.from_now(hours=3)
    )
    ended = factories.BookingFactory(
        resource=desk, booked_by=member.user, starts_at=factories.from_now(hours=-3)
    )

    reply(client, member, "C")
    reply(client, member, "C")

    statuses = {b.pk: b.status for b in Booking.objects.all()}
    assert statuses == {
        later.pk: BookingStatus.CONFIRMED,
        sooner.pk: BookingStatus.CANCELLED,
        ended.pk: BookingStatus.CONFIRMED,
    }


def test_c_never_cancels_an_events_room_booking(client, desk):
    host = factories.HostFactory(space=desk.space)
    hosting = factories.MemberFactory(user=host.user, language="en")
    room_booking = factories.BookingFactory(
        resource=factories.RoomFactory(space=desk.space), booked_by=host.user
    )
    event = factories.EventFactory(room=room_booking.resource, session=False)
    event.sessions.create(
        starts_at=room_booking.starts_at, ends_at=room_booking.ends_at, booking=room_booking
    )

    assert reply(client, hosting, "C") == "You have no upcoming booking or event to act on."
    room_booking.refresh_from_db()
    assert room_booking.status == BookingStatus.CONFIRMED


def test_y_confirms_attendance_once(client, member, desk, django_capture_on_commit_callbacks):
    booking = factories.BookingFactory(resource=desk, booked_by=member.user)

    with django_capture_on_commit_callbacks(execute=True):
        text = reply(client, member, "Y")
    outbox.relay_pending()  # the task that drains the outbox
    booking.refresh_from_db()
    first = booking.attendance_confirmed_at
    reply(client, member, "yes")
    booking.refresh_from_db()

    assert text.startswith("Thank you, see you there: Desk 4, Ganja centre, ")
    assert first is not None
    assert booking.attendance_confirmed_at == first
    assert booking.status == BookingStatus.CONFIRMED
    events = DomainEvent.objects.filter(kind="booking.attendance_confirmed")
    assert events.count() == 1
    assert events.get().payload["booking"] == booking.pk


def test_in_checks_in_within_the_window(client, member, desk, django_capture_on_commit_callbacks):
    booking = factories.BookingFactory(
        resource=desk, booked_by=member.user, starts_at=factories.from_now(minutes=10)
    )
    reminder = pending_reminder(
        kind=Notification.Kind.BOOKING_REMINDER,
        phone=member.phone,
        space=desk.space,
        due_at=booking.starts_at,
        booking=booking,
    )

    with django_capture_on_commit_callbacks(execute=True):
        text = reply(client, member, "IN")
    outbox.relay_pending()  # the task that drains the outbox

    booking.refresh_from_db()
    assert text.startswith("Checked in: Desk 4")
    assert booking.status == BookingStatus.CHECKED_IN
    assert booking.checked_in_by == member.user
    assert desk_state(desk, booking.starts_at + datetime.timedelta(minutes=1)) == OCCUPIED
    reminder.refresh_from_db()
    assert reminder.status == Notification.Status.CANCELLED


def test_in_too_early_is_refused_with_the_services_reason(client, member, desk):
    booking = factories.BookingFactory(
        resource=desk, booked_by=member.user, starts_at=factories.from_now(hours=3)
    )

    text = reply(client, member, "IN")

    opens = booking.starts_at - datetime.timedelta(minutes=desk.space.check_in_early_minutes)
    local = opens.astimezone(desk.space.zone)
    assert text == (
        f"Check-in is open from {local:%b} {local.day}, {local.year}, {local:%H:%M}"
        " until the booking ends."
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_out_checks_out_and_frees_the_rest_of_the_time(client, member, desk):
    booking = checked_in(desk, member, factories.from_now(minutes=-30))

    text = reply(client, member, "OUT")

    booking.refresh_from_db()
    assert text.startswith("Checked out: Desk 4") and text.endswith("Bye!")
    assert booking.status == BookingStatus.COMPLETED
    assert booking.checked_out_at is not None
    assert desk_state(desk, factories.from_now(minutes=1)) == FREE


def test_out_before_checking_in_is_refused(client, member, desk):
    booking = factories.BookingFactory(resource=desk, booked_by=member.user)

    text = reply(client, member, "OUT")

    assert "cannot be checked out" in text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_c_after_checking_in_is_refused(client, member, desk):
    booking = checked_in(desk, member, factories.from_now(minutes=-5))

    reply(client, member, "C")
    text = reply(client, member, "C")

    assert "cannot be cancelled" in text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN


def test_help_lists_the_commands(client, member, desk):
    factories.BookingFactory(resource=desk, booked_by=member.user)

    text = reply(client, member, "HELP")

    for word in ("C ", "Y ", "IN ", "OUT ", "STOP "):
        assert word in text


def test_nothing_upcoming_says_so(client, member):
    assert reply(client, member, "Y") == "You have no upcoming booking or event to act on."


def test_long_names_are_shortened_to_two_segments(client, member):
    space = factories.SpaceFactory(name="Youth and Women Information Centre " * 5)
    desk = factories.ResourceFactory(space=space, name="Standing desk by the window " * 4)
    factories.BookingFactory(resource=desk, booked_by=member.user)

    text = reply(client, member, "Y")

    from notifications.sms.segments import segment_count

    assert segment_count(text)[0] <= 2
    assert "…" in text


def test_an_inactive_account_cannot_act(client, member, desk):
    booking = factories.BookingFactory(resource=desk, booked_by=member.user)
    member.user.is_active = False
    member.user.save()

    text = reply(client, member, "C")

    assert "Reply C to cancel" in text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
