"""What waits for a host: every kind, at every centre they manage and no other, whatever its
day, counted in one query for the header."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cowork.models import DomainEvent, DomainEventKind, Membership, SpaceRole
from cowork.selectors.inbox import (
    bookings_waiting,
    host_inbox_summary,
    hosts_to_tell,
    memberships_waiting_for,
    registrations_waiting,
)
from cowork.services.accounts.sign_up import membership_join
from cowork.services.booking import booking_approve, booking_create
from tests import factories

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def centre():
    return factories.SpaceFactory(name="Ganja Centre", members_need_approval=True)


@pytest.fixture
def host(centre):
    return factories.HostFactory(space=centre).user


def _request(centre, *, weeks_ahead=1, hour=10):
    room = factories.RoomFactory(space=centre, needs_approval=True)
    starts_at = factories.next_weekday(
        centre, weekday=2, at=datetime.time(hour), weeks_ahead=weeks_ahead
    )
    member = factories.MemberFactory()
    membership_join(member=member, space=centre, now=timezone.now(), approved=True)
    return booking_create(
        resource=room, member=member.user, starts_at=starts_at, ends_at=starts_at + HOUR
    )


def _pending_registration(centre, **event):
    made = factories.EventFactory(
        room=factories.RoomFactory(space=centre), registrations_need_approval=True, **event
    )
    return factories.RegistrationFactory(event=made, status="pending")


def test_requests_of_every_day_and_kind_wait_for_the_host(centre, host):
    now = timezone.now()
    next_week, in_a_month = _request(centre), _request(centre, weeks_ahead=5)
    registration = _pending_registration(centre)
    with transaction.atomic():
        membership = membership_join(member=factories.MemberFactory(), space=centre, now=now)
    assert list(bookings_waiting(host=host, now=now)) == [next_week, in_a_month]
    assert list(registrations_waiting(host=host, now=now)) == [registration]
    assert list(memberships_waiting_for(host=host)) == [membership]
    assert host_inbox_summary(user=host, now=now).waiting == 4


def test_decided_ended_and_other_centres_requests_do_not_wait(centre, host):
    now = timezone.now()
    approved = _request(centre)
    booking_approve(booking=approved, host=host)
    elsewhere = factories.SpaceFactory()
    _request(elsewhere)
    _pending_registration(elsewhere)
    # An event that is over, and one cancelled, ask for no decision any more.
    _pending_registration(
        centre,
        starts_at=now - datetime.timedelta(hours=3),
        ends_at=now - datetime.timedelta(hours=2),
    )
    _pending_registration(centre, status="cancelled")
    declined = membership_join(member=factories.MemberFactory(), space=centre, now=now)
    Membership.objects.filter(pk=declined.pk).update(status=Membership.Status.DECLINED)
    summary = host_inbox_summary(user=host, now=now)
    assert summary.manages and summary.waiting == 0


def test_a_request_whose_time_has_passed_no_longer_waits(centre, host):
    booking = _request(centre)
    assert host_inbox_summary(user=host, now=booking.starts_at).waiting == 1
    assert host_inbox_summary(user=host, now=booking.ends_at).waiting == 0


def test_staff_and_members_manage_nothing_and_nothing_waits_for_them(centre):
    _request(centre)
    staff = factories.HostFactory(space=centre, role=SpaceRole.Role.STAFF).user
    member = factories.MemberFactory().user
    for person in (staff, member):
        summary = host_inbox_summary(user=person, now=timezone.now())
        assert (summary.manages, summary.waiting) == (False, 0)


def test_the_summary_is_one_query_however_much_waits(centre, host):
    for weeks in range(1, 4):
        _request(centre, weeks_ahead=weeks)
        _pending_registration(centre)
    with CaptureQueriesContext(connection) as queries:
        summary = host_inbox_summary(user=host, now=timezone.now())
    assert summary.waiting == 6
    # The host's member row (is this a network admin?) may be read once, as on every page.
    assert len([q for q in queries if "cowork_space" in q["sql"]]) == 1


def test_a_network_admin_sees_the_whole_network_but_is_not_texted_about_it(centre):
    _request(centre)
    _request(factories.SpaceFactory())
    admin = factories.network_admin()
    assert host_inbox_summary(user=admin, now=timezone.now()).waiting == 2
    assert admin not in hosts_to_tell(space=centre)


def test_the_hosts_told_are_those_of_the_organization_with_a_phone(centre, host):
    factories.MemberFactory(user=host, phone="+994501234567")
    sibling = factories.SpaceFactory(organization=centre.organization)
    sibling_host = factories.HostFactory(space=sibling).user
    factories.MemberFactory(user=sibling_host, phone="+994501234568")
    factories.HostFactory(space=centre)  # no phone: seen in the inbox, not texted
    factories.HostFactory(space=factories.SpaceFactory())
    assert list(hosts_to_tell(space=centre)) == [host, sibling_host]


def test_a_person_asking_to_join_records_that_they_wait(centre):
    with transaction.atomic():
        membership = membership_join(
            member=factories.MemberFactory(), space=centre, now=timezone.now()
        )
    event = DomainEvent.objects.get(kind=DomainEventKind.MEMBERSHIP_REQUESTED)
    assert event.aggregate_id == str(membership.pk) and event.payload == {"space": centre.pk}
    open_centre = factories.SpaceFactory(members_need_approval=False)
    with transaction.atomic():
        membership_join(member=factories.MemberFactory(), space=open_centre, now=timezone.now())
    assert DomainEvent.objects.filter(kind=DomainEventKind.MEMBERSHIP_REQUESTED).count() == 1
