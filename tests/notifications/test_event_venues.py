"""An event at an outside venue or in several rooms, as calendars and SMS texts name it."""

import datetime

import icalendar
import pytest
from django.urls import reverse

from cowork.services.events import OutsideVenue, event_cancel, event_create, registration_create
from notifications.models import Notification
from notifications.sms.messages import facts_for, render_message
from tests import factories

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
Kind = Notification.Kind


@pytest.fixture
def host(sms_space):
    return factories.HostFactory(space=sms_space).user


def _forum(space, host, **where):
    start = factories.next_weekday(space, weekday=2, at=datetime.time(10))
    return event_create(
        space=space,
        host=host,
        kind="forum",
        title="Youth ICT forum",
        sessions=[(start, start + 3 * HOUR)],
        capacity=where.pop("capacity", 150),
        **where,
    )


def _locations(body: bytes) -> set[str]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(item["LOCATION"]) for item in calendar.walk("VEVENT")}


def test_calendar_feeds_place_an_outside_forum_at_the_hall(client, sms_space, host):
    hall = OutsideVenue(name="Ganja State Philharmonic", address="Javadkhan 15", capacity=400)
    forum = _forum(sms_space, host, venue=hall)
    event_feed = client.get(reverse("notifications:event-feed", args=[forum.pk]))
    assert _locations(event_feed.content) == {"Ganja State Philharmonic, Javadkhan 15"}
    programme = client.get(reverse("notifications:programme-feed", args=[sms_space.slug]))
    assert _locations(programme.content) == {"Ganja State Philharmonic, Javadkhan 15"}


def test_calendar_feeds_name_every_room_a_forum_takes(client, sms_space, host):
    big = factories.RoomFactory(space=sms_space, name="Hall A", capacity=90)
    small = factories.RoomFactory(space=sms_space, name="Hall B", capacity=70)
    forum = _forum(sms_space, host, room=big, other_rooms=[small])
    (location,) = _locations(
        client.get(reverse("notifications:event-feed", args=[forum.pk])).content
    )
    assert location.startswith(f"Hall A + Hall B, {sms_space.name}")


def test_sms_texts_send_people_to_the_hall_and_say_why_it_was_cancelled(sms_space, host, relay_now):
    hall = OutsideVenue(name="Philharmonic", address="Javadkhan 15", capacity=400)
    forum = _forum(sms_space, host, venue=hall)
    registration, _key = registration_create(
        event=forum, name="Aysel", phone="+994551230001", language="en"
    )
    relay_now()
    confirmed = Notification.objects.get(
        registration=registration, kind=Kind.REGISTRATION_CONFIRMED
    )
    text = render_message(kind=confirmed.kind, language="en", facts=facts_for(confirmed))
    assert "Philharmonic" in text and sms_space.name not in text
    event_cancel(event=forum, host=host, reason="Hall flooded")
    relay_now()
    cancelled = Notification.objects.get(registration=registration, kind=Kind.EVENT_CANCELLED)
    text = render_message(kind=cancelled.kind, language="en", facts=facts_for(cancelled))
    assert "Youth ICT forum" in text and "Hall flooded" in text
