"""The host's event form: several rooms at once, or an outside venue, without JS."""

import html

import pytest
from django.urls import reverse

from cowork.models import Booking, Event
from tests.cowork.web.conftest import local
from tests.cowork.web.events.conftest import form_errors
from tests.cowork.web.events.conftest import new_event_data as _new_event_data
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db


def new_event_data(room, day, **overrides):
    """The form as a host fills it; `rooms` overrides the one room ticked (None: none)."""
    rooms = overrides.pop("rooms", [room.pk])
    return _new_event_data(room, day, **overrides) | {"room": rooms or []}


def test_host_creates_a_150_place_forum_at_an_outside_hall_in_the_evening(
    host_client, space, room, day
):
    new = reverse("web:event-new", args=[space.slug])
    response = host_client.post(
        new,
        new_event_data(
            room,
            day,
            kind="forum",
            title="Regional ICT forum",
            where="outside",
            rooms=None,
            venue_name="Ganja State Philharmonic",
            venue_address="Javadkhan street 15",
            venue_capacity="300",
            capacity="150",
            # After the centre closes at 18:00: its hours bind its rooms, not the hall.
            start="18:30",
            end="21:00",
        ),
    )
    assert response.status_code == 302, form_errors(response)
    event = Event.objects.get()
    assert event.is_outside and event.capacity == 150 and event.venue_capacity == 300
    assert event.sessions.get().starts_at == local(space, day, "18:30")
    assert not Booking.objects.exists()
    manage = host_client.get(response["Location"]).content.decode()
    assert "Ganja State Philharmonic, Javadkhan street 15" in manage
    public = host_client.get(reverse("web:event", args=[event.pk])).content.decode()
    assert "Ganja State Philharmonic" in public and "Javadkhan street 15" in public


def test_host_ticks_three_rooms_for_a_forum_bigger_than_any_of_them(host_client, space, room, day):
    hall = RoomFactory(space=space, name="Hall", capacity=80)
    annex = RoomFactory(space=space, name="Annex", capacity=60)
    response = host_client.post(
        reverse("web:event-new", args=[space.slug]),
        new_event_data(room, day, kind="forum", rooms=[room.pk, hall.pk, annex.pk], capacity=150),
    )
    assert response.status_code == 302, form_errors(response)
    event = Event.objects.get()
    # The biggest room is the first named.
    assert event.rooms() == [hall, annex, room] and event.seats == 160
    assert Booking.objects.filter(status="confirmed").count() == 3


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rooms": None}, "Tick a room, or choose an outside venue."),
        ({"capacity": "25"}, "Meeting room seats 20; the event cannot take more."),
        (
            {"where": "outside", "venue_name": "", "venue_capacity": "100"},
            "Give the outside venue's name.",
        ),
        (
            {"where": "outside", "venue_name": "Hall", "venue_capacity": ""},
            "Say how many people the venue seats.",
        ),
        (
            {"where": "outside", "venue_name": "Hall", "venue_capacity": "100", "capacity": "150"},
            "Hall seats 100; the event cannot take more.",
        ),
        # The centre's hours still bind its rooms.
        ({"start": "18:30", "end": "21:00"}, "outside the centre's opening hours"),
    ],
)
def test_a_place_that_cannot_hold_the_event_is_a_form_error_and_nothing_is_created(
    host_client, space, room, day, overrides, message
):
    response = host_client.post(
        reverse("web:event-new", args=[space.slug]), new_event_data(room, day, **overrides)
    )
    assert response.status_code in (400, 409, 422)
    assert message in html.unescape(form_errors(response))
    assert not Event.objects.exists() and not Booking.objects.exists()
