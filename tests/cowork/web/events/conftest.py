"""Fixtures and helpers of the event pages' tests: a room, a host signed in, an event, and
registering through the public form.

Times never depend on today's weekday: `day` is a weekday at least two days ahead in the
centre's own zone (Mon–Fri 09:00–18:00, Asia/Baku), see tests/cowork/web/conftest.py.
"""

import re

import pytest
from django.urls import reverse

from cowork.models import Event
from cowork.services.events import event_create
from tests.cowork.web.conftest import local
from tests.factories import RoomFactory

# Valid Azerbaijani mobile numbers, as people type them and as they are stored.
NIGAR = ("050 987 65 43", "+994509876543")
RASHAD = ("+994 55 765 43 21", "+994557654321")
LEYLA = ("+994 70 222 33 44", "+994702223344")


@pytest.fixture
def room(space):
    return RoomFactory(space=space, name="Meeting room", capacity=20, accessible=True)


def make_event(
    space,
    room,
    host,
    day,
    *,
    capacity=20,
    start="11:00",
    end="13:00",
    kind=Event.Kind.ROUND_TABLE,
    title="Round-table on e-government",
    **kwargs,
):
    """An event of one session on `day`, from `start` to `end` in the centre's wall clock."""
    kwargs.setdefault("description", "How residents use e-gov services.")
    return event_create(
        space=space,
        room=room,
        host=host,
        kind=kind,
        title=title,
        sessions=[(local(space, day, start), local(space, day, end))],
        capacity=capacity,
        **kwargs,
    )


def host_presses(client, url_name: str, registration):
    """A host's button on one registration of the manage page: the page it leads to; the
    registration is read again."""
    page = client.post(
        reverse(url_name, args=[registration.event_id, registration.pk]), follow=True
    )
    registration.refresh_from_db()
    return page


@pytest.fixture
def event(space, room, host, day):
    return make_event(space, room, host, day)


def register(client, event, *, name="Nigar Aliyeva", phone=NIGAR[0], **extra):
    return client.post(
        reverse("web:event", args=[event.pk]),
        {"name": name, "phone": phone, "language": "en", **extra},
    )


def key_of(response) -> str:
    """The cancel key from the redirect to the personal registration page."""
    assert response.status_code == 302, response.content.decode()[:2000]
    match = re.match(r"^/registrations/([A-Za-z0-9_-]+)/$", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def form_errors(response) -> str:
    return " ".join(
        re.sub(r"\s+", " ", text)
        for text in re.findall(
            r'class="(?:field-error|form-errors)"[^>]*>(.*?)</(?:p|div)>',
            response.content.decode(),
            re.S,
        )
    )


def new_event_data(room, day, **overrides):
    data = {
        "kind": "round_table",
        "title": "Round-table on e-government",
        "description": "",
        "room": room.pk,
        "date": day.isoformat(),
        "start": "11:00",
        "end": "13:00",
        "schedule": "single",
        "capacity": "15",
        "organizer_name": "Ganja Women and Youth Centre",
        "organizer_phone": "",
        "organizer_email": "",
        "is_public": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def course_data(room, day, *, weeks: str, weekdays=None, **more):
    """The new-event form of a weekly web design course, 10:00-12:00 for `weeks` weeks on
    `weekdays` (numbers as text; `day`'s own weekday unless given)."""
    return new_event_data(
        room,
        day,
        kind="course",
        title="Web design course",
        start="10:00",
        end="12:00",
        schedule="weekly",
        weekdays=weekdays or [str(day.weekday())],
        weeks=weeks,
        **more,
    )
