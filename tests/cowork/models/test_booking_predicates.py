"""What a booking offers at a moment: cancel, check in, check out, at the edges of each rule.

The pages show their buttons by these and the services refuse by them, so a button is
shown exactly when pressing it works (tests/cowork/web/test_my_bookings.py).
"""

import datetime

import pytest

from cowork.errors import RuleViolation
from cowork.models import Booking, BookingStatus, Space
from cowork.services.booking import booking_check_in, booking_check_in_by_qr, booking_check_out
from tests.factories import MemberFactory, ResourceFactory, next_weekday

START = datetime.datetime(2030, 3, 4, 10, 0, tzinfo=datetime.UTC)
END = START + datetime.timedelta(hours=2)
SECOND = datetime.timedelta(seconds=1)
EARLY = datetime.timedelta(minutes=15)


def _booking(status=BookingStatus.CONFIRMED, *, early_minutes=15) -> Booking:
    space = Space(check_in_early_minutes=early_minutes)
    return Booking(space=space, starts_at=START, ends_at=END, blocked_until=END, status=status)


def test_check_in_opens_fifteen_minutes_before_the_start_and_closes_at_the_end():
    booking = _booking()
    assert booking.check_in_opens_at == START - EARLY
    assert not booking.can_check_in(START - EARLY - SECOND)
    assert booking.can_check_in(START - EARLY)
    assert booking.can_check_in(END - SECOND)
    assert not booking.can_check_in(END)


def test_check_in_follows_the_centres_own_early_minutes():
    booking = _booking(early_minutes=0)
    assert not booking.can_check_in(START - SECOND)
    assert booking.can_check_in(START)


@pytest.mark.parametrize(
    "status",
    [s for s in BookingStatus if s != BookingStatus.CONFIRMED],
)
def test_only_a_confirmed_booking_can_be_checked_in(status):
    assert not _booking(status).can_check_in(START)


@pytest.mark.parametrize(
    "status,allowed",
    [(status, status == BookingStatus.CHECKED_IN) for status in BookingStatus],
)
def test_only_a_checked_in_booking_can_be_checked_out(status, allowed):
    assert _booking(status).can_check_out(END + datetime.timedelta(hours=1)) is allowed


@pytest.mark.parametrize(
    "status,allowed",
    [
        (status, status in (BookingStatus.PENDING, BookingStatus.CONFIRMED))
        for status in BookingStatus
    ],
)
def test_a_pending_or_confirmed_booking_can_be_cancelled_until_it_ends(status, allowed):
    booking = _booking(status)
    assert booking.can_cancel(END - SECOND) is allowed
    assert not booking.can_cancel(END)


@pytest.mark.django_db
def test_the_service_checks_in_exactly_when_the_booking_says_it_can(space):
    member = MemberFactory().user
    desk = ResourceFactory(space=space)
    start = next_weekday(space)
    booking = Booking.objects.create(
        resource=desk,
        space=space,
        booked_by=member,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        blocked_until=start + datetime.timedelta(hours=1),
    )
    opens = booking.check_in_opens_at
    assert not booking.can_check_in(opens - SECOND)
    with pytest.raises(RuleViolation) as excinfo:
        booking_check_in(booking=booking, acting_user=member, now=opens - SECOND)
    assert excinfo.value.code == "outside_check_in_window"
    with pytest.raises(RuleViolation) as excinfo:
        booking_check_in_by_qr(resource=desk, member=member, now=opens - SECOND)
    assert excinfo.value.code == "no_booking_now"

    assert booking.can_check_in(opens)
    checked = booking_check_in_by_qr(resource=desk, member=member, now=opens)
    assert checked.status == BookingStatus.CHECKED_IN
    assert checked.can_check_out(opens) and not checked.can_check_in(opens)
    with pytest.raises(RuleViolation) as excinfo:
        booking_check_in(booking=checked, acting_user=member, now=opens)
    assert excinfo.value.code == "wrong_status"

    done = booking_check_out(booking=checked, acting_user=member, now=opens + SECOND)
    assert not done.can_check_out(opens + SECOND)
    with pytest.raises(RuleViolation) as excinfo:
        booking_check_out(booking=done, acting_user=member, now=opens + SECOND)
    assert excinfo.value.code == "wrong_status"
