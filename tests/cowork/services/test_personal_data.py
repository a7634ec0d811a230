"""Everything held about a person, and deleting their account: coming plans cancelled with
the usual notices, messages masked, and the reports exactly as they were."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from cowork import outbox as relay
from cowork.errors import NotAllowed
from cowork.models import Booking, Member, Participant, Registration, WalkIn
from cowork.services.booking import booking_create
from cowork.services.personal_data import (
    account_erase,
    personal_data_export,
    personal_data_json,
)
from cowork.services.visits import walk_in_record
from notifications.models import (
    CalendarFeedToken,
    Channel,
    ChannelAddress,
    Notification,
    TelegramLinkKey,
)
from tests import factories

# The reports' hand-built network and its fixtures, so the figures compared are theirs.
from tests.cowork.selectors.reports.conftest import admin  # noqa: F401
from tests.cowork.selectors.reports.expected import march_report
from tests.cowork.selectors.reports.network import local, phone_of

# The walk-ins of that network, hand-counted in their own tests.
from tests.cowork.selectors.reports.test_visits import walk_ins  # noqa: F401

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def relay_now():
    """Hand the outbox to subscribers, as the after-commit relay does."""
    return relay.relay_pending


def _report_figures(report):
    return (
        report.total,
        report.centres,
        report.breakdowns,
        report.months,
        report.daily_visits,
        report.heat_maps,
        report.events,
    )


def test_deleting_an_account_leaves_the_donor_report_exactly_as_it_was(network, admin):  # noqa: F811
    # The network's desk booker is also participant 1, who came to two events.
    Member.objects.filter(user=network.member).update(phone=phone_of(1))
    before = _report_figures(march_report(admin))
    account_erase(user=network.member, acting_user=network.member)
    after = _report_figures(march_report(admin))
    assert after == before
    erased = Participant.objects.get(erased_at__isnull=False)
    assert (erased.name, erased.phone, erased.email) == ("", None, "")
    assert erased.attendances.count() == 2  # E1, and E2's first session


def _future_plans(relay_now):
    space = factories.SpaceFactory(languages=["az", "ru", "en"])
    member = factories.MemberFactory(phone="+994501112233", language="ru")
    user = member.user
    starts_at = factories.next_weekday(space, weekday=2, at=datetime.time(10))
    desk = factories.ResourceFactory(space=space)
    booking = booking_create(
        resource=desk, member=user, starts_at=starts_at, ends_at=starts_at + HOUR
    )
    event = factories.EventFactory(room=factories.RoomFactory(space=space), capacity=1)
    mine = factories.RegistrationFactory(
        event=event, participant=factories.ParticipantFactory(phone=member.phone)
    )
    waiting = factories.RegistrationFactory(event=event, status="waitlisted")
    CalendarFeedToken.objects.create(owner=user, key_hash="a" * 64)
    relay_now()
    return user, booking, mine, waiting


def test_deleting_an_account_cancels_coming_plans_and_masks_messages(relay_now):
    user, booking, mine, waiting = _future_plans(relay_now)
    assert Notification.objects.filter(phone="+994501112233").exists()
    ChannelAddress.objects.create(
        phone="+994501112233", channel=Channel.TELEGRAM, address="4242", linked_at=timezone.now()
    )
    TelegramLinkKey.objects.create(
        key_hash="x" * 64, phone="+994501112233", expires_at=timezone.now()
    )
    erased = account_erase(user=user, acting_user=user)
    relay_now()
    assert erased.bookings_cancelled == [booking.pk]
    assert erased.registrations_cancelled == [mine.pk]
    booking.refresh_from_db()
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert booking.status == "cancelled" and mine.status == "cancelled"
    assert waiting.status == "confirmed"  # the waitlist moved up, as on any cancellation
    assert not Notification.objects.filter(phone="+994501112233").exists()
    for message in Notification.objects.filter(booking=booking):
        assert message.phone == "+99450*****33" and message.body == ""
        assert message.status != Notification.Status.PENDING
    assert not CalendarFeedToken.objects.filter(owner=user).exists()
    assert not ChannelAddress.objects.exists() and not TelegramLinkKey.objects.exists()
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert user.get_full_name() == "" and user.email == ""
    assert not Member.objects.filter(user=user).exists()


def test_the_export_holds_the_account_bookings_registrations_and_messages(relay_now):
    user, booking, _mine, _waiting = _future_plans(relay_now)
    data = personal_data_json(personal_data_export(user=user, acting_user=user))
    assert data["account"][0]["email"] == user.email
    assert data["profile"][0]["phone"] == "+994501112233"
    assert [row["starts_at"] for row in data["bookings"]] == [booking.starts_at]
    assert [row["status"] for row in data["registrations"]] == ["confirmed"]
    assert {row["kind"] for row in data["messages_sent"]} >= {"booking_confirmed"}
    assert len(data["calendar_links"]) == 1


def test_only_the_person_or_a_network_admin_may_export_or_delete(relay_now):
    user, booking, *_rest = _future_plans(relay_now)
    stranger = factories.MemberFactory().user
    with pytest.raises(NotAllowed):
        personal_data_export(user=user, acting_user=stranger)
    with pytest.raises(NotAllowed):
        account_erase(user=user, acting_user=stranger)
    assert get_user_model().objects.get(pk=user.pk).is_active
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"
    assert Registration.objects.filter(status="confirmed").count() == 1
    account_erase(user=user, acting_user=factories.network_admin())
    assert not get_user_model().objects.get(pk=user.pk).is_active


def test_deleting_an_account_keeps_its_walk_ins_as_visits_that_lead_to_no_one():
    member = factories.MemberFactory(phone="+994501117788")
    host = factories.HostFactory()
    space = host.space
    walk_in_record(
        space=space, source="live", client_key="tap-1", logged_by=host.user, phone="050 111 77 88"
    )
    walk_in = WalkIn.objects.get()
    fingerprint = walk_in.phone_key
    assert fingerprint and walk_in.member == member and walk_in.visitor == member.user

    account_erase(user=member.user, acting_user=member.user)
    walk_in.refresh_from_db()
    # Nothing that tells the phone, nor a profile; the nameless account counts the visit.
    assert walk_in.phone_key not in ("", fingerprint) and walk_in.member is None
    assert walk_in.visitor_id == member.user_id
    assert not WalkIn.objects.filter(phone_key=fingerprint).exists()
    assert WalkIn.objects.filter(space=space).count() == 1
    # The phone, given again later, is someone new to the centre.
    later = walk_in_record(
        space=space, source="live", client_key="tap-2", logged_by=host.user, phone="050 111 77 88"
    )
    assert later.counted and not later.returning


def test_deleting_an_account_leaves_the_walk_ins_in_the_report_exactly_as_they_were(
    walk_ins,  # noqa: F811
    admin,  # noqa: F811
):
    # The member checked in at Ganja on 3 March and signed in at its door on 3 and 4 March
    # (`walk_ins`); participant 1, known by a phone that becomes the member's, walks in on
    # 20 and 21 March: two visits, one visitor.
    built = walk_ins
    participant = Participant.objects.get(phone=phone_of(1))
    for day in ("2025-03-20", "2025-03-21"):
        walk_in_record(
            space=built.ganja, source="live", client_key=f"p1-{day}", logged_by=built.host_a,
            phone=phone_of(1), now=local(built.ganja, day, "11:00"),
        )  # fmt: skip
    assert WalkIn.objects.filter(participant=participant, visitor=None).count() == 2
    Member.objects.filter(user=built.member).update(phone=phone_of(1))
    before = march_report(admin)
    account_erase(user=built.member, acting_user=built.member)
    after = march_report(admin)
    assert _report_figures(after) == _report_figures(before)
    assert after.walk_in_breakdowns == before.walk_in_breakdowns
    assert (after.total.walk_ins, after.total.visitors) == (9, 7)
    assert not WalkIn.objects.filter(member__isnull=False).exists()


def test_the_export_lists_walk_ins_at_the_centres_time_in_the_readers_language():
    member = factories.member_who_walked_in(phone="+994501117789", gender="female")
    with translation.override("ru"):
        data = personal_data_json(personal_data_export(user=member.user, acting_user=member.user))
    (visit,) = data["walk_ins"]
    assert visit["day"] == datetime.date(2025, 3, 3)
    assert visit["time"] == "12:30"
    assert visit["space"] == "Молодёжный центр"
    assert (visit["source"], visit["gender"]) == ("live", "female")
