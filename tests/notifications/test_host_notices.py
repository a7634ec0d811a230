"""Hosts hear that something waits for them: one notice a few minutes after the first
arrival, counting everything still waiting when it goes, at most one per host per half
hour, never at night, and none when nothing waits any more."""

import datetime

import pytest
from django.utils import timezone

from cowork.models import DomainEvent
from cowork.services.accounts.sign_up import membership_join
from cowork.services.booking import booking_approve, booking_create
from cowork.services.events import registration_create
from notifications.host_notices import NOTICE_DELAY, NOTICE_GAP
from notifications.messaging.dispatch import dispatch_due
from notifications.models import Notification
from tests import factories

Kind, Status = Notification.Kind, Notification.Status
HOUR = datetime.timedelta(hours=1)
SECOND = datetime.timedelta(seconds=1)

pytestmark = pytest.mark.usefixtures("locmem_mail")


@pytest.fixture
def host(sms_space):
    user = factories.HostFactory(space=sms_space).user
    factories.MemberFactory(user=user, phone="+994557770011", language="ru")
    return user


@pytest.fixture
def hall(sms_space):
    return factories.RoomFactory(space=sms_space, name="Hall", needs_approval=True)


def _request(hall, *, weeks_ahead=1, hour=10):
    starts_at = factories.next_weekday(
        hall.space, weekday=2, at=datetime.time(hour), weeks_ahead=weeks_ahead
    )
    member = factories.MemberFactory().user
    return booking_create(
        resource=hall, member=member, starts_at=starts_at, ends_at=starts_at + HOUR
    )


def _notices() -> list[Notification]:
    return list(Notification.objects.filter(kind=Kind.HOST_WAITING).order_by("pk"))


def _to_host(fake_twilio) -> list[str]:
    return [m.form["Body"] for m in fake_twilio.messages if m.form["To"] == "+994557770011"]


def test_a_burst_of_requests_makes_one_notice_that_counts_them_all(
    hall, host, relay_now, fake_twilio
):
    first = _request(hall)
    relay_now()
    (notice,) = _notices()
    arrived = DomainEvent.objects.get(aggregate_id=str(first.pk)).created_at
    assert notice.due_at == arrived + NOTICE_DELAY
    assert notice.phone == "+994557770011" and notice.language == "ru"
    # Two more within the delay, tomorrow's and next month's: they join the same notice.
    _request(hall, hour=14)
    _request(hall, weeks_ahead=5)
    relay_now()
    assert _notices() == [notice]

    assert dispatch_due(now=notice.due_at - SECOND).claimed == 0
    dispatch_due(now=notice.due_at)
    (body,) = _to_host(fake_twilio)
    assert body.startswith("Ждут вашего решения: 3. ") and body.endswith("/inbox/")


def test_no_more_than_one_notice_per_host_in_half_an_hour(hall, host, relay_now, fake_twilio):
    _request(hall)
    relay_now()
    (first,) = _notices()
    dispatch_due(now=first.due_at)
    first.refresh_from_db()
    assert first.status == Status.SENT
    # It went ten minutes ago; a request arrives now.
    went = timezone.now() - datetime.timedelta(minutes=10)
    Notification.objects.filter(pk=first.pk).update(claimed_at=went, sent_at=went)
    first.refresh_from_db()
    _request(hall, hour=14)
    relay_now()
    _sent, second = _notices()
    assert second.due_at == first.claimed_at + NOTICE_GAP
    assert dispatch_due(now=second.due_at - SECOND).claimed == 0
    dispatch_due(now=second.due_at)
    assert [body.split(". ")[0] for body in _to_host(fake_twilio)] == [
        "Ждут вашего решения: 1",
        "Ждут вашего решения: 2",
    ]


def test_a_notice_is_dropped_when_nothing_waits_any_more(hall, host, relay_now, fake_twilio):
    booking = _request(hall)
    relay_now()
    (notice,) = _notices()
    booking_approve(booking=booking, host=host)
    relay_now()
    result = dispatch_due(now=notice.due_at)
    notice.refresh_from_db()
    assert (notice.status, notice.error_code) == (Status.CANCELLED, "nothing_waiting")
    assert _to_host(fake_twilio) == [] and result.cancelled == 1


def test_an_arrival_handed_over_twice_makes_one_notice_and_a_counted_one_no_other(
    hall, host, relay_now, fake_twilio
):
    _request(hall)
    relay_now()
    DomainEvent.objects.update(published_at=None, claimed_until=None)
    relay_now()
    (notice,) = _notices()
    dispatch_due(now=notice.due_at)
    # Once more after the notice that counted it went: nothing new to say.
    DomainEvent.objects.update(published_at=None, claimed_until=None)
    relay_now()
    assert _notices() == [notice] and len(_to_host(fake_twilio)) == 1


def test_registrations_and_people_asking_to_join_wait_for_the_host_too(
    sms_space, host, relay_now, fake_twilio
):
    event = factories.EventFactory(
        room=factories.RoomFactory(space=sms_space),
        registrations_need_approval=True,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        ends_at=timezone.now() + datetime.timedelta(days=2, hours=2),
    )
    registration_create(event=event, name="Aziz", phone="+994501110003", language="ru")
    sms_space.members_need_approval = True
    sms_space.save(update_fields=["members_need_approval"])
    membership_join(member=factories.MemberFactory(), space=sms_space, now=timezone.now())
    relay_now()
    (notice,) = _notices()
    dispatch_due(now=notice.due_at)
    (body,) = _to_host(fake_twilio)
    assert body.startswith("Ждут вашего решения: 2. ")


def test_hosts_of_the_organization_are_told_and_others_are_not(
    sms_space, hall, host, relay_now, fake_twilio
):
    sibling = factories.SpaceFactory(organization=sms_space.organization)
    other = factories.HostFactory(space=sibling).user
    factories.MemberFactory(user=other, phone="+994557770022", language="az")
    stranger = factories.HostFactory(space=factories.SpaceFactory()).user
    factories.MemberFactory(user=stranger, phone="+994557770033")
    factories.network_admin()  # sees the whole network's inbox, is texted about none of it
    _request(hall)
    relay_now()
    assert sorted(n.phone for n in _notices()) == ["+994557770011", "+994557770022"]
    dispatch_due(now=max(n.due_at for n in _notices()))
    by_phone = {m.form["To"]: m.form["Body"] for m in fake_twilio.messages}
    assert by_phone["+994557770022"].startswith("Qərarınızı gözləyən sorğular: 1. ")


def test_a_notice_due_at_night_waits_for_the_morning(sms_space, hall, host, relay_now):
    # Quiet hours around this very moment, whatever the hour the test runs at.
    local = timezone.now().astimezone(sms_space.zone)
    sms_space.sms_quiet_from = (local - HOUR).time().replace(second=0, microsecond=0)
    sms_space.sms_quiet_until = (local + 2 * HOUR).time().replace(second=0, microsecond=0)
    sms_space.save(update_fields=["sms_quiet_from", "sms_quiet_until"])
    _request(hall)
    relay_now()
    (notice,) = _notices()
    morning = notice.due_at.astimezone(sms_space.zone)
    assert morning.time() == sms_space.sms_quiet_until
    assert notice.due_at > timezone.now() + NOTICE_DELAY
