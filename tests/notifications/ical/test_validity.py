"""Every feed and download, checked by libical's strict validator (see validator.py).

Feeds are snapshots to subscribe to, not iTIP messages: they carry no METHOD (RFC 5545
3.7.2: without one, no scheduling transaction is assumed), so RFC 5546's rules for PUBLISH —
an ORGANIZER in every VEVENT — do not apply, and RFC 5545's do. Invites are iTIP REQUEST and
CANCEL messages, held to RFC 5546's tables for those methods: conftest.py checks every
invite the tests of this folder send.
"""

import icalendar
import pytest
from django.urls import reverse

from cowork.services.booking import booking_cancel
from cowork.services.events import (
    registration_cancel,
)
from notifications.ical.tokens import download_token, feed_token_rotate
from tests.notifications.ical.conftest import (
    NOW,
    change_series,
    move_the_booking_after_the_change,
)
from tests.notifications.ical.validator import libical_errors, require_libical


@pytest.fixture(autouse=True)
def libical():
    return require_libical()


@pytest.fixture
def busy_scene(scene, member, host):
    """The scene with every shape a feed can hold: a moved and a cancelled booking, a series
    with a cancelled and a moved occurrence, and a cancelled place at an event."""
    move_the_booking_after_the_change(scene, member)
    booking_cancel(booking=scene["before"], acting_user=member, now=NOW)
    change_series(scene["series"], member)
    registration_cancel(registration=scene["registration"], acting_user=host, now=NOW)
    return scene


def _feeds(client, scene, member, kyiv_space, room) -> dict[str, bytes]:
    training = scene["training"]
    urls = {
        "member": reverse("notifications:member-feed", args=[feed_token_rotate(owner=member)]),
        "programme": reverse("notifications:programme-feed", args=[kyiv_space.slug]),
        "programme in English": reverse("notifications:programme-feed", args=[kyiv_space.slug])
        + "?lang=en",
        "event": reverse("notifications:event-feed", args=[training.pk]),
        "room": reverse("notifications:room-feed", args=[room.pk]),
        "booking download": reverse(
            "notifications:ics-download", args=[download_token(booking=scene["after"])]
        ),
        "series download": reverse(
            "notifications:ics-download",
            args=[download_token(booking=scene["series"].bookings.earliest("starts_at"))],
        ),
        "registration download": reverse(
            "notifications:ics-download",
            args=[download_token(registration=scene["registration"])],
        ),
    }
    bodies = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        bodies[name] = response.content
    return bodies


def test_every_feed_and_download_passes_the_strict_validator(
    busy_scene, member, kyiv_space, room, client, frozen_clock
):
    bodies = _feeds(client, busy_scene, member, kyiv_space, room)
    for name, body in bodies.items():
        assert libical_errors(body) == [], name
        calendar = icalendar.Calendar.from_ical(body)
        assert calendar.walk("VEVENT"), name
        # A snapshot, not an iTIP message: no METHOD, so no ORGANIZER is owed.
        assert "METHOD" not in calendar, name


def test_the_validator_finds_a_published_event_without_an_organizer():
    # The check itself: RFC 5546 3.2.1 requires ORGANIZER in a PUBLISHed VEVENT.
    body = (
        b"BEGIN:VCALENDAR\r\nPRODID:-//cowork//test//EN\r\nVERSION:2.0\r\nMETHOD:PUBLISH\r\n"
        b"BEGIN:VEVENT\r\nUID:x@example.org\r\nDTSTAMP:20270320T090000Z\r\n"
        b"DTSTART:20270326T080000Z\r\nDTEND:20270326T100000Z\r\nSUMMARY:Meeting\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (error,) = libical_errors(body)
    assert "ORGANIZER" in error
    assert libical_errors(body.replace(b"METHOD:PUBLISH\r\n", b"")) == []
