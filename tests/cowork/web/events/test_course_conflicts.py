"""A weekly course whose room is taken on some weeks: every such session is named, and the
host may create the course without them."""

import datetime

import pytest
from django.urls import reverse

from cowork.models import Event
from tests.cowork.web.conftest import booked, local
from tests.cowork.web.events.conftest import course_data, form_errors
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_weeks_taken(space, room, day):
    someone = MemberFactory().user
    for weeks in (1, 3):
        taken = day + datetime.timedelta(weeks=weeks)
        booked(room, someone, taken, "10:30", "11:30")


def _course(room, day, **more):
    return course_data(room, day, weeks="5", **more)


def test_every_taken_session_of_a_course_is_named_and_nothing_is_made(
    host_client, space, room, day, two_weeks_taken
):
    response = host_client.post(reverse("web:event-new", args=[space.slug]), _course(room, day))

    assert response.status_code == 409
    assert "2 of 5 sessions cannot be held in Meeting room:" in form_errors(response)
    html = response.content.decode()
    for weeks in (1, 3):
        taken = local(space, day + datetime.timedelta(weeks=weeks), "10:30")
        assert f"Meeting room is taken from {taken:%b} {taken.day}, {taken.year}, 10:30" in html
    assert not Event.objects.exists()


def test_a_course_may_skip_the_sessions_its_room_cannot_have(
    host_client, space, room, day, two_weeks_taken
):
    response = host_client.post(
        reverse("web:event-new", args=[space.slug]),
        _course(room, day, skip_refused_sessions="on"),
    )

    assert response.status_code == 302, form_errors(response)
    event = Event.objects.get()
    held = [s.starts_at.astimezone(space.zone).date() for s in event.sessions.order_by("starts_at")]
    assert held == [day + datetime.timedelta(weeks=w) for w in (0, 2, 4)]
    assert event.ends_at == local(space, day + datetime.timedelta(weeks=4), "12:00")
    page = host_client.get(response["Location"]).content.decode()
    assert "The event is created with 3 of 5 sessions; the others are skipped." in page
