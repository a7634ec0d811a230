"""The waitlist of rooms and desks: joining, the offer when a booking frees the resource,
accepting through the booking service, and passing on when an offer is declined, expires
or its holder leaves — each exactly once, whatever the relay delivers twice."""

import datetime

import pytest

from cowork import outbox
from cowork.errors import NotAllowed, RuleViolation
from cowork.models import (
    Booking,
    BookingStatus,
    DomainEvent,
    OfferStatus,
    ResourceWait,
    ResourceWaitOffer,
    WaitStatus,
)
from cowork.models.waits import OFFER_MINUTES
from cowork.selectors.waits import member_waits, space_waits, wait_position
from cowork.services.booking import booking_cancel, booking_create, booking_decline
from cowork.services.waits import (
    offer_freed_booking,
    resource_wait_accept,
    resource_wait_decline,
    resource_wait_join,
    resource_wait_leave,
    resource_wait_offers_expire,
)
from tests.factories import HostFactory, MemberFactory, ResourceFactory, RoomFactory, next_weekday

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def room(space):
    return RoomFactory(space=space)


@pytest.fixture
def start(space):
    return next_weekday(space)


@pytest.fixture
def holder():
    return MemberFactory().user


@pytest.fixture
def taken(room, holder, start):
    return booking_create(resource=room, member=holder, starts_at=start, ends_at=start + 2 * HOUR)


def _join(member, room, start, end=None):
    return resource_wait_join(
        member=member, space=room.space, resource=room, starts_at=start, ends_at=end or start + HOUR
    )


@pytest.fixture
def first_offered(taken, room, start, holder):
    """Two members wait for the taken room, and its booking is cancelled: the first one's
    wait holds the offer. That wait, and the second member."""
    first, second = MemberFactory().user, MemberFactory().user
    wait = _join(first, room, start)
    _join(second, room, start)
    _cancel_and_relay(taken, holder)
    return wait, second


def _cancel_and_relay(booking, holder):
    """The holder cancels, and the relay hands the freed time to the line as after commit."""
    booking_cancel(booking=booking, acting_user=holder)
    outbox.relay_pending()


def _offers(**where):
    return ResourceWaitOffer.objects.filter(**where)


def test_joining_a_taken_room_puts_the_member_in_line_and_records_it(taken, room, start):
    first, second = MemberFactory().user, MemberFactory().user
    one = _join(first, room, start)
    two = _join(second, room, start + datetime.timedelta(minutes=30))
    assert (wait_position(one), wait_position(two)) == (1, 2)
    assert DomainEvent.objects.filter(kind="wait.joined").count() == 2
    assert [row.wait for row in member_waits(member=second, now=start - 24 * HOUR)] == [two]


def test_a_free_room_is_to_be_booked_not_waited_for(room, start):
    with pytest.raises(RuleViolation) as refusal:
        _join(MemberFactory().user, room, start)
    assert refusal.value.code == "free_now"
    assert not ResourceWait.objects.exists()


def test_waiting_twice_for_the_same_window_is_refused(taken, room, start):
    member = MemberFactory().user
    _join(member, room, start)
    with pytest.raises(RuleViolation) as refusal:
        _join(member, room, start + datetime.timedelta(minutes=30))
    assert refusal.value.code == "already_waiting"
    assert ResourceWait.objects.count() == 1


def test_a_window_that_has_begun_or_ends_before_it_starts_is_refused(taken, room, start):
    member = MemberFactory().user
    with pytest.raises(RuleViolation):
        resource_wait_join(
            member=member, space=room.space, resource=room, starts_at=start, ends_at=start
        )
    with pytest.raises(RuleViolation) as refusal:
        resource_wait_join(
            member=member,
            space=room.space,
            resource=room,
            starts_at=start,
            ends_at=start + HOUR,
            now=start + datetime.timedelta(minutes=1),
        )
    assert refusal.value.code == "in_the_past"
    assert not ResourceWait.objects.exists()


def test_cancelling_offers_the_room_to_the_first_in_line_once(first_offered, room):
    wait, _second = first_offered
    offer = _offers().get()
    assert offer.wait == wait and offer.resource == room and offer.status == OfferStatus.OPEN
    assert offer.expires_at - offer.offered_at == datetime.timedelta(minutes=OFFER_MINUTES)
    # The relay delivering the cancellation again makes no second offer.
    event = DomainEvent.objects.get(kind="booking.cancelled")
    offer_freed_booking(event)
    assert _offers().count() == 1
    wait.refresh_from_db()
    assert wait.status == WaitStatus.OFFERED


def test_accepting_books_the_room_through_the_booking_service(taken, room, start, holder):
    member = MemberFactory().user
    wait = _join(member, room, start)
    _cancel_and_relay(taken, holder)
    booking = resource_wait_accept(offer=_offers().get())
    assert booking.booked_by == member and booking.resource == room
    assert (booking.starts_at, booking.ends_at) == (start, start + HOUR)
    assert booking.status == BookingStatus.CONFIRMED
    wait.refresh_from_db()
    assert wait.status == WaitStatus.BOOKED and wait.booking == booking
    assert DomainEvent.objects.filter(kind="wait.accepted").count() == 1
    # A second press of the same link books nothing more.
    with pytest.raises(RuleViolation) as refusal:
        resource_wait_accept(offer=_offers().get())
    assert refusal.value.code == "offer_closed"
    assert Booking.objects.filter(booked_by=member).count() == 1


def test_a_declined_offer_passes_to_the_next_in_line(taken, room, start, holder):
    first, second = MemberFactory().user, MemberFactory().user
    _join(first, room, start)
    later = _join(second, room, start)
    _cancel_and_relay(taken, holder)
    resource_wait_decline(offer=_offers(wait__member=first).get())
    passed = _offers(status=OfferStatus.OPEN).get()
    assert passed.wait == later
    assert ResourceWait.objects.get(member=first).status == WaitStatus.DECLINED


def test_an_expired_offer_passes_on_exactly_once(taken, room, start, holder):
    first, second = MemberFactory().user, MemberFactory().user
    _join(first, room, start)
    _join(second, room, start)
    _cancel_and_relay(taken, holder)
    offer = _offers().get()
    assert resource_wait_offers_expire(now=offer.expires_at - datetime.timedelta(seconds=1)) == 0
    assert resource_wait_offers_expire(now=offer.expires_at) == 1
    assert resource_wait_offers_expire(now=offer.expires_at) == 0
    offer.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED
    assert ResourceWait.objects.get(member=first).status == WaitStatus.MISSED
    assert _offers(status=OfferStatus.OPEN).get().wait.member == second
    with pytest.raises(RuleViolation) as refusal:
        resource_wait_accept(offer=offer)
    assert refusal.value.code == "offer_closed"


def test_an_offer_past_its_time_cannot_be_accepted_before_the_sweep(taken, room, start, holder):
    _join(MemberFactory().user, room, start)
    _cancel_and_relay(taken, holder)
    offer = _offers().get()
    with pytest.raises(RuleViolation) as refusal:
        resource_wait_accept(offer=offer, now=offer.expires_at)
    assert refusal.value.code == "offer_expired"
    assert not Booking.objects.filter(booked_by=offer.wait.member).exists()


def test_leaving_with_an_offer_hands_it_to_the_next(first_offered):
    wait, second = first_offered
    first = wait.member
    resource_wait_leave(wait=wait, acting_user=first)
    assert _offers(wait=wait).get().status == OfferStatus.WITHDRAWN
    assert _offers(status=OfferStatus.OPEN).get().wait.member == second
    with pytest.raises(RuleViolation):
        resource_wait_leave(wait=wait, acting_user=first)


def test_only_the_member_or_the_centre_removes_a_wait(taken, room, start):
    wait = _join(MemberFactory().user, room, start)
    with pytest.raises(NotAllowed):
        resource_wait_leave(wait=wait, acting_user=MemberFactory().user)
    host = HostFactory(space=room.space).user
    resource_wait_leave(wait=wait, acting_user=host)
    wait.refresh_from_db()
    assert wait.status == WaitStatus.LEFT


def test_a_window_still_partly_taken_is_not_offered(space, start, holder):
    room = ResourceFactory(space=space)
    morning = booking_create(resource=room, member=holder, starts_at=start, ends_at=start + HOUR)
    booking_create(resource=room, member=holder, starts_at=start + HOUR, ends_at=start + 2 * HOUR)
    _join(MemberFactory().user, room, start, start + 2 * HOUR)
    booking_cancel(booking=morning, acting_user=holder)
    outbox.relay_pending()
    assert not _offers().exists()


def test_a_declined_request_frees_a_desk_for_someone_waiting_for_any_desk(space, start):
    desk = ResourceFactory(space=space)
    holder = MemberFactory().user
    request = booking_create(resource=desk, member=holder, starts_at=start, ends_at=start + HOUR)
    Booking.objects.filter(pk=request.pk).update(status=BookingStatus.PENDING)
    member = MemberFactory().user
    wait = resource_wait_join(
        member=member, space=space, resource=None, starts_at=start, ends_at=start + HOUR
    )
    booking_decline(booking=request, host=HostFactory(space=space).user, reason="Closed room")
    outbox.relay_pending()
    offer = _offers().get()
    assert offer.wait == wait and offer.resource == desk
    assert space_waits(space=space, starts_at=start, ends_at=start + HOUR) == [wait]


def test_deleting_an_account_ends_its_waits_and_passes_an_offer_on(first_offered):
    from cowork.services.personal_data import account_erase

    wait, second = first_offered
    first = wait.member
    account_erase(user=first, acting_user=first)
    wait.refresh_from_db()
    assert wait.status == WaitStatus.LEFT
    assert _offers(status=OfferStatus.OPEN).get().wait.member == second
