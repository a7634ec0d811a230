"""What the live screens count rests on these writes: an event's room is in use while the
event runs and is never released as a no-show; a person is in one place at a time, and is
in from the moment they check in."""

import datetime

import pytest

from cowork.errors import Conflict, RuleViolation
from cowork.models import Booking, BookingStatus, DomainEvent, Participant
from cowork.selectors.live import centre_now, live_read
from cowork.selectors.occupancy import (
    network_occupancy,
    occupancy_snapshot,
    resource_occupancy,
    space_figures,
)
from cowork.services.booking import (
    booking_check_in,
    booking_create,
    check_out_finished,
    release_no_shows,
)
from cowork.services.events import (
    attendance_mark,
    event_create,
    registration_create,
)
from tests.factories import (
    HostFactory,
    MemberFactory,
    ResourceFactory,
    RoomFactory,
    came_by_code,
    next_weekday,
    one_session_event,
)

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def room(space):
    return RoomFactory(space=space, capacity=30, name="Training room")


def _round_table(room, host, *, is_public=True):
    """A round-table 11:00–12:30 on a coming Monday, created the week before."""
    start = next_weekday(room.space, at=datetime.time(11))
    return one_session_event(
        room, host, start, hours=1.5, kind="round_table", title="Round-table on local budgets",
        is_public=is_public,
    )  # fmt: skip


def _attendees(event, count, *, now):
    """`count` people registered, each checked in by the event's QR code and their code."""
    for index in range(count):
        came_by_code(event, name=f"Guest {index}", phone=f"+99450222{index:04d}", now=now)


def _room_state(space, room, now, *, with_names=True):
    snapshot = occupancy_snapshot(space=space, now=now, with_names=with_names)
    return next(r for r in snapshot["resources"] if r["id"] == room.pk), snapshot


# --- 1. An event's room is in use while the event runs -------------------------------------


def test_an_events_room_is_not_released_mid_event_and_cannot_be_booked_over(room, host):
    event = _round_table(room, host)
    session = event.sessions.get()
    _attendees(event, 6, now=session.starts_at - 5 * MINUTE)

    # The sweep runs every few minutes; a quarter of an hour in, nobody has "not come".
    assert release_no_shows(now=session.starts_at + 15 * MINUTE) == 0
    booking = Booking.objects.get(pk=session.booking_id)
    assert booking.status == BookingStatus.CHECKED_IN
    assert not DomainEvent.objects.filter(kind="booking.released").exists()
    half_way = session.starts_at + 30 * MINUTE
    with pytest.raises(Conflict):
        booking_create(
            resource=room,
            member=MemberFactory().user,
            starts_at=half_way,
            ends_at=session.ends_at,
            now=session.starts_at + 16 * MINUTE,
        )


@pytest.mark.parametrize("is_public", [True, False])
def test_the_live_relays_one_read_shows_a_room_as_the_dashboard_does(room, host, is_public):
    event = _round_table(room, host, is_public=is_public)
    session = event.sessions.get()
    for index in range(3):
        guest = Participant.objects.create(name=f"Guest {index}", phone=f"+99450333{index:04d}")
        attendance_mark(session=session, participant=guest, host=host, now=session.starts_at)
    member = MemberFactory(user__first_name="Leyla Aliyeva", user__last_name="").user
    later = _booked(room, member, session.ends_at + HOUR)
    now = session.starts_at + MINUTE
    resource, bookings, figures = live_read(space=room.space, now=now, resource_id=room.pk)
    assert [booking.pk for booking in bookings] == [session.booking_id, later.pk]
    named, anonymous = resource_occupancy(resource=resource, now=now, bookings=bookings)
    assert named == _room_state(room.space, room, now)[0]
    assert anonymous == _room_state(room.space, room, now, with_names=False)[0]
    assert named["current"]["event"]["present"] == 3
    assert named["next"]["holder"] == "Leyla Aliyeva"
    assert figures["head_count"] == space_figures(space=room.space, now=now)["head_count"]


def test_an_events_room_is_in_use_from_its_start_even_before_anyone_is_in(room, host):
    event = _round_table(room, host)
    session = event.sessions.get()
    # Before the sweep has run, the screens already say the room is in use.
    state, _snapshot = _room_state(room.space, room, session.starts_at + MINUTE)
    assert state["state"] == "occupied"

    assert release_no_shows(now=session.starts_at + 20 * MINUTE) == 0
    booking = Booking.objects.get(pk=session.booking_id)
    assert booking.status == BookingStatus.CHECKED_IN
    assert booking.checked_in_by is None
    checked_in = DomainEvent.objects.get(kind="booking.checked_in")
    assert checked_in.payload["automatic"] is True
    # Running the sweep again changes nothing.
    assert release_no_shows(now=session.starts_at + 25 * MINUTE) == 0
    assert DomainEvent.objects.filter(kind="booking.checked_in").count() == 1


def test_the_first_attendee_in_puts_the_room_in_use(room, host):
    event = _round_table(room, host)
    session = event.sessions.get()
    leyla, _key = registration_create(event=event, name="Leyla", phone="+994501112202")
    attendance_mark(
        session=session, participant=leyla.participant, host=host, now=session.starts_at
    )
    booking = Booking.objects.get(pk=session.booking_id)
    assert booking.status == BookingStatus.CHECKED_IN and booking.checked_in_by == host
    marked = DomainEvent.objects.get(kind="attendance.marked")
    # The live views redraw the room with its new head count.
    assert marked.payload["resource"] == room.pk


def test_the_events_room_is_given_back_when_its_session_ends(room, host):
    event = _round_table(room, host)
    session = event.sessions.get()
    release_no_shows(now=session.starts_at)
    assert check_out_finished(now=session.ends_at - MINUTE) == 0
    assert check_out_finished(now=session.ends_at) == 1
    assert Booking.objects.get(pk=session.booking_id).status == BookingStatus.COMPLETED


def test_an_event_keeps_its_room_when_the_centres_hours_are_cut_under_it(room, host, space):
    event = _round_table(room, host)
    session = event.sessions.get()
    release_no_shows(now=session.starts_at)
    desk_member = MemberFactory().user
    desk_booking = _booked(ResourceFactory(space=space), desk_member, session.starts_at)
    booking_check_in(booking=desk_booking, acting_user=desk_member, now=session.starts_at)
    # The hosts shorten that day's hours to close at noon, after both were booked.
    local_day = session.starts_at.astimezone(space.zone)
    space.opening_hours.filter(weekday=local_day.weekday()).update(closes=datetime.time(12))

    after_noon = local_day.replace(hour=12, minute=10)
    # The member at the desk leaves at closing time; the round-table runs to its end.
    assert check_out_finished(now=after_noon) == 1
    desk_booking.refresh_from_db()
    assert desk_booking.status == BookingStatus.COMPLETED
    assert Booking.objects.get(pk=session.booking_id).status == BookingStatus.CHECKED_IN


def test_the_door_shows_the_event_its_time_and_how_many_are_in(room, host, space):
    event = _round_table(room, host)
    session = event.sessions.get()
    _attendees(event, 6, now=session.starts_at + 2 * MINUTE)
    now = session.starts_at + 15 * MINUTE
    named, snapshot = _room_state(space, room, now)
    assert named["state"] == "occupied"
    assert named["current"]["event"] == {
        "kind": "round_table",
        "title": "Round-table on local budgets",
        "present": 6,
    }
    # Six people are in the centre; the host who booked the room for the event is not.
    assert snapshot["head_count"] == 6
    assert snapshot["visits_today"] == 0
    anonymous, _snapshot = _room_state(space, room, now, with_names=False)
    assert anonymous["current"]["event"]["title"] == "Round-table on local budgets"
    assert "holder" not in anonymous["current"]


def test_a_closed_events_title_stays_off_the_door(room, host, space):
    event = _round_table(room, host, is_public=False)
    session = event.sessions.get()
    now = session.starts_at + 5 * MINUTE
    anonymous, _snapshot = _room_state(space, room, now, with_names=False)
    assert anonymous["current"]["event"] == {"kind": "round_table", "title": "", "present": 0}


# --- 3. Live counts count people ------------------------------------------------------------


@pytest.fixture
def desks(space):
    return [ResourceFactory(space=space, name=f"Desk {n:02d}") for n in range(1, 8)]


def _booked(desk, member, start):
    """A desk booked for `member` by a host: only a host may give one person two at once."""
    return booking_create(
        resource=desk,
        member=member,
        starts_at=start,
        ends_at=start + 2 * HOUR,
        acting_user=HostFactory(space=desk.space).user,
        now=start - HOUR,
    )


def test_a_second_check_in_by_the_same_person_is_refused_and_changes_nothing(space, desks):
    member = MemberFactory().user
    start = next_weekday(space)
    first, second = (_booked(desk, member, start) for desk in desks[:2])
    booking_check_in(booking=first, acting_user=member, now=start)
    with pytest.raises(RuleViolation) as refused:
        booking_check_in(booking=second, acting_user=member, now=start + MINUTE)
    assert refused.value.code == "already_checked_in"
    assert "Desk 01" in refused.value.message
    second.refresh_from_db()
    assert second.status == BookingStatus.CONFIRMED
    assert DomainEvent.objects.filter(kind="booking.checked_in").count() == 1


def test_after_checking_out_the_person_may_check_in_elsewhere(space, desks):
    from cowork.services.booking import booking_check_out

    member = MemberFactory().user
    start = next_weekday(space)
    first, second = (_booked(desk, member, start) for desk in desks[:2])
    booking_check_in(booking=first, acting_user=member, now=start)
    booking_check_out(booking=first, acting_user=member, now=start + 5 * MINUTE)
    booking_check_in(booking=second, acting_user=member, now=start + 6 * MINUTE)
    second.refresh_from_db()
    assert second.status == BookingStatus.CHECKED_IN


def test_one_person_checked_in_at_seven_desks_by_a_host_is_one_person(space, desks, host):
    member = MemberFactory().user
    start = next_weekday(space)
    for desk in desks:
        booking_check_in(booking=_booked(desk, member, start), acting_user=host, now=start)
    figures = space_figures(space=space, now=start + MINUTE)
    assert figures["head_count"] == 1
    assert figures["visits_today"] == 7
    assert figures["unique_visitors_today"] == 1
    (centre,) = [c for c in network_occupancy(now=start + MINUTE) if c["id"] == space.pk]
    assert (centre["head_count"], centre["visits_today"], centre["desks_in_use"]) == (1, 7, 7)
    assert centre["unique_visitors_today"] == 1
    # The live relay's one read says the same, with the resource it was asked for.
    for resource_id in (None, desks[0].pk):
        resource, live = centre_now(space=space, now=start + MINUTE, resource_id=resource_id)
        assert live == {**figures, "desks": centre["desks"], "desks_in_use": 7}
        assert (resource and resource.name) == (resource_id and desks[0].name)


def test_an_early_check_in_is_in_the_centre_from_the_check_in(space, desks):
    member = MemberFactory().user
    start = next_weekday(space)
    booking = _booked(desks[0], member, start)
    early = start - 10 * MINUTE
    booking_check_in(booking=booking, acting_user=member, now=early)
    snapshot = occupancy_snapshot(space=space, now=early + MINUTE, with_names=True)
    desk = next(r for r in snapshot["resources"] if r["id"] == desks[0].pk)
    assert desk["state"] == "occupied"
    assert desk["current"]["id"] == booking.pk and desk["next"] is None
    assert (snapshot["head_count"], snapshot["visits_today"]) == (1, 1)
    (centre,) = [c for c in network_occupancy(now=early + MINUTE) if c["id"] == space.pk]
    assert (centre["head_count"], centre["desks_in_use"]) == (1, 1)


def test_a_member_at_a_desk_who_joins_the_round_table_is_counted_once(space, room, host):
    member_profile = MemberFactory()
    event = _round_table(room, host)
    session = event.sessions.get()
    desk = ResourceFactory(space=space, name="Desk 01")
    booking = _booked(desk, member_profile.user, session.starts_at - HOUR)
    booking_check_in(booking=booking, acting_user=member_profile.user, now=session.starts_at - HOUR)
    participant = Participant.objects.create(
        name="Nigar", phone=member_profile.phone, member=member_profile
    )
    stranger = Participant.objects.create(name="Kamran", phone="+994501119999")
    for person in (participant, stranger):
        attendance_mark(session=session, participant=person, host=host, now=session.starts_at)
    figures = space_figures(space=space, now=session.starts_at + MINUTE)
    assert figures["head_count"] == 2
    _resource, live = centre_now(space=space, now=session.starts_at + MINUTE)
    assert live["head_count"] == 2 and live["desks_in_use"] == 1
    (centre,) = [
        c for c in network_occupancy(now=session.starts_at + MINUTE) if c["id"] == space.pk
    ]
    assert centre["head_count"] == 2


@pytest.fixture
def hall(space):
    return RoomFactory(space=space, capacity=40, name="Hall")


def _forum_in(room, hall, host):
    """A forum of 60 at 11:00 on the next weekday, in the training room and the hall."""
    start = next_weekday(room.space, at=datetime.time(11))
    return event_create(
        space=room.space,
        room=room,
        other_rooms=[hall],
        host=host,
        kind="forum",
        title="Forum on open data",
        sessions=[(start, start + 2 * HOUR)],
        capacity=60,
    )


def test_a_forum_in_two_rooms_keeps_both_through_the_sweep(room, hall, host):
    session = _forum_in(room, hall, host).sessions.get()
    start = session.starts_at
    assert release_no_shows(now=start + 15 * MINUTE) == 0
    held = Booking.objects.filter(resource__in=[room, hall], starts_at=start)
    assert sorted(held.values_list("status", flat=True)) == [BookingStatus.CHECKED_IN] * 2
    assert session.other_rooms.count() == 1


def _forum_under_way(room, hall, host) -> datetime.datetime:
    """The forum in two rooms a quarter of an hour in, its five attendees in and the
    no-show sweep run: the moment to read."""
    forum = _forum_in(room, hall, host)
    start = forum.sessions.get().starts_at
    _attendees(forum, 5, now=start + 2 * MINUTE)
    now = start + 15 * MINUTE
    release_no_shows(now=now)
    return now


def test_both_doors_of_a_forum_in_two_rooms_show_it_and_its_people_once(room, hall, host, space):
    now = _forum_under_way(room, hall, host)
    for door in (room, hall):
        shown, snapshot = _room_state(space, door, now, with_names=False)
        assert shown["state"] == "occupied", door.name
        assert shown["current"]["event"] == {
            "kind": "forum",
            "title": "Forum on open data",
            "present": 5,
        }, door.name
    # Five people in the centre and no visits: neither room booking is somebody.
    assert (snapshot["head_count"], snapshot["visits_today"]) == (5, 0)
    (centre,) = [c for c in network_occupancy(now=now) if c["id"] == space.pk]
    assert (centre["head_count"], centre["visits_today"]) == (5, 0)


def test_the_live_relay_counts_no_visit_for_a_forums_rooms_as_the_dashboard(
    room, hall, host, space
):
    now = _forum_under_way(room, hall, host)
    for door in (room, hall):
        _resource, _bookings, figures = live_read(space=space, now=now, resource_id=door.pk)
        assert (figures["head_count"], figures["visits_today"]) == (5, 0), door.name
        assert figures == {**figures, **space_figures(space=space, now=now)}, door.name
