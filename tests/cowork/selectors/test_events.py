"""The rules of places and the waitlist, as the pages, the services and the SMS texts see them."""

import datetime

import pytest

from cowork.models import RegistrationStatus
from cowork.selectors.events import (
    event_places_left,
    event_registrations_by_status,
    event_rows,
    registration_waitlist_position,
)
from cowork.services.events.attendance import walk_in_add
from cowork.services.events.registrations import registration_cancel, registration_create
from tests.factories import HostFactory, RoomFactory, next_weekday, one_session_event

PHONES = ["+994501234567", "+994509876543", "+994557654321", "+994702223344"]


@pytest.fixture
def event(space):
    room = RoomFactory(space=space, capacity=30)
    host = HostFactory(space=space).user
    start = next_weekday(space, at=datetime.time(11))
    return one_session_event(room, host, start, kind="round_table", title="Round-table", capacity=2)


def _register(event, n):
    return [
        registration_create(event=event, name=f"Person {i}", phone=PHONES[i])[0] for i in range(n)
    ]


@pytest.mark.django_db
def test_places_left_count_down_to_zero_and_lists_agree(event):
    assert event_places_left(event) == 2
    _register(event, 3)
    assert event_places_left(event) == 0
    (row,) = event_rows(type(event).objects.filter(pk=event.pk), language="en")
    assert (row.places_left, row.confirmed, row.waitlisted) == (0, 2, 1)


@pytest.mark.django_db
def test_a_walk_in_into_a_full_event_leaves_no_places_rather_than_fewer_than_none(event):
    _register(event, 2)
    walk_in_add(
        session=event.sessions.get(), name="Walk-in", phone=PHONES[3], host=event.created_by
    )
    assert event_places_left(event) == 0


@pytest.mark.django_db
def test_waitlist_positions_follow_the_order_of_promotion(event):
    first, _second, third, fourth = _register(event, 4)
    assert registration_waitlist_position(first) is None
    assert [registration_waitlist_position(r) for r in (third, fourth)] == [1, 2]
    waitlisted = event_registrations_by_status(event)[RegistrationStatus.WAITLISTED]
    assert [(row.registration, row.position) for row in waitlisted] == [(third, 1), (fourth, 2)]
    registration_cancel(registration=first, acting_user=event.created_by)
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert third.status == RegistrationStatus.CONFIRMED
    assert registration_waitlist_position(fourth) == 1
