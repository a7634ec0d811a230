"""Walk-in visits: one tap one visit, a retried tap never twice, bad input changes nothing."""

import datetime

import pytest

from cowork.errors import InvalidInput, NotAllowed
from cowork.models import DisplayToken, DomainEvent, DomainEventKind, WalkIn, WalkInSource
from cowork.selectors.occupancy import network_occupancy, space_figures
from cowork.services.displays import display_token_create, display_token_revoke
from cowork.services.visits import walk_in_record
from tests.factories import (
    BookingFactory,
    HostFactory,
    MemberFactory,
    ParticipantFactory,
    ResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _signed_in_at_the_door(token, client_key, *, phone, now=None):
    """A phone typed on the kiosk that `token` opened, for its centre."""
    return walk_in_record(
        space=token.space,
        source="kiosk",
        client_key=client_key,
        display=token,
        phone=phone,
        now=now,
    )


def test_a_tap_counts_one_visit_and_tells_the_live_page(space, host):
    result = walk_in_record(
        space=space,
        source=WalkInSource.LIVE,
        client_key="tap-1",
        logged_by=host,
        gender="female",
        age_band="18-24",
    )
    assert result.counted
    visit = WalkIn.objects.get()
    assert (visit.gender, visit.age_band, visit.logged_by, visit.source) == (
        "female",
        "18-24",
        host,
        "live",
    )
    assert visit.day == visit.visited_at.astimezone(space.zone).date()
    event = DomainEvent.objects.get(kind=DomainEventKind.WALK_IN_RECORDED)
    assert (event.space_id, event.payload["walk_in"]) == (space.pk, visit.pk)
    figures = space_figures(space=space, now=visit.visited_at)
    assert (figures["visits_today"], figures["unique_visitors_today"]) == (1, 1)


def test_a_retried_tap_with_its_key_is_counted_once(space, host):
    first = walk_in_record(space=space, source="live", client_key="same", logged_by=host)
    again = walk_in_record(space=space, source="live", client_key="same", logged_by=host)
    assert first.counted and not again.counted
    assert again.visit.pk == first.visit.pk
    assert WalkIn.objects.count() == 1
    assert DomainEvent.objects.filter(kind=DomainEventKind.WALK_IN_RECORDED).count() == 1


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"client_key": ""}, "bad_client_key"),
        ({"client_key": "has space"}, "bad_client_key"),
        ({"client_key": "k" * 65}, "bad_client_key"),
        ({"gender": "robot"}, "bad_gender"),
        ({"age_band": "12-13"}, "bad_age_band"),
        ({"phone": "12"}, "bad_phone"),
        ({"source": "fax"}, "bad_source"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(space, host, fields, code):
    arguments = {"space": space, "source": "live", "client_key": "k1", "logged_by": host}
    with pytest.raises(InvalidInput) as refusal:
        walk_in_record(**{**arguments, **fields})
    assert refusal.value.code == code
    assert not WalkIn.objects.exists()
    assert not DomainEvent.objects.filter(kind=DomainEventKind.WALK_IN_RECORDED).exists()


def test_only_the_centres_people_and_its_working_tablets_count(space, host):
    stranger = UserFactory()
    with pytest.raises(NotAllowed):
        walk_in_record(space=space, source="live", client_key="a", logged_by=stranger)
    with pytest.raises(NotAllowed):
        walk_in_record(space=space, source="tablet", client_key="b")
    token, _key = display_token_create(space=space, host=host, name="Door")
    other_space_token, _ = display_token_create(
        space=HostFactory(user=host).space, host=host, name="Elsewhere"
    )
    with pytest.raises(NotAllowed):
        walk_in_record(space=space, source="tablet", client_key="c", display=other_space_token)
    assert walk_in_record(space=space, source="tablet", client_key="d", display=token).counted
    display_token_revoke(token=token, host=host)
    token = DisplayToken.objects.get(pk=token.pk)
    with pytest.raises(NotAllowed):
        walk_in_record(space=space, source="kiosk", client_key="e", display=token)
    assert WalkIn.objects.count() == 1


def test_a_phone_signs_in_once_a_day_and_is_recognised_next_time(space, host):
    token, _key = display_token_create(space=space, host=host, name="Door")
    monday = datetime.datetime(2027, 3, 1, 8, tzinfo=datetime.UTC)
    first = _signed_in_at_the_door(token, "k1", phone="050 123 45 67", now=monday)
    assert first.counted and not first.returning
    assert first.visit.phone_key and "1234567" not in first.visit.phone_key
    later = _signed_in_at_the_door(token, "k2", phone="+994501234567", now=monday.replace(hour=11))
    assert not later.counted and later.visit.pk == first.visit.pk
    tuesday = _signed_in_at_the_door(token, "k3", phone="0501234567", now=monday.replace(day=2))
    assert tuesday.counted and tuesday.returning
    assert WalkIn.objects.count() == 2


def test_a_known_persons_phone_links_the_visit_to_them(space, host):
    token, _key = display_token_create(space=space, host=host, name="Door")
    member = MemberFactory(phone="+994501112233")
    participant = ParticipantFactory(phone="+994551112233")
    by_member = _signed_in_at_the_door(token, "m", phone="+994501112233")
    by_participant = _signed_in_at_the_door(token, "p", phone="+994551112233")
    assert by_member.returning and by_member.visit.member == member
    assert by_participant.returning and by_participant.visit.participant == participant


def test_a_member_who_checked_in_and_signed_in_at_the_door_counts_once(space, host):
    token, _key = display_token_create(space=space, host=host, name="Door")
    member = MemberFactory(phone="+994501112244")
    desk = ResourceFactory(space=space)
    booking = BookingFactory(resource=desk, booked_by=member.user, status="checked_in")
    booking.checked_in_at = booking.starts_at
    booking.save()
    _signed_in_at_the_door(token, "m", phone="+994501112244", now=booking.starts_at)
    walk_in_record(
        space=space, source="live", client_key="anon", logged_by=host, now=booking.starts_at
    )
    figures = space_figures(space=space, now=booking.starts_at)
    # The member's check-in and the anonymous walk-in: two visits, two people.
    assert (figures["visits_today"], figures["unique_visitors_today"]) == (2, 2)
    centre = next(c for c in network_occupancy(now=booking.starts_at) if c["id"] == space.pk)
    assert (centre["visits_today"], centre["unique_visitors_today"]) == (2, 2)
