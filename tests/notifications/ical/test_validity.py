"""Every calendar we serve or send, checked by libical's strict validator (see validator.py).

Feeds are snapshots to subscribe to, not iTIP messages: they carry no METHOD (RFC 5545
3.7.2: without one, no scheduling transaction is assumed), so RFC 5546's rules for PUBLISH —
an ORGANIZER in every VEVENT — do not apply, and RFC 5545's do. Invites are iTIP REQUEST and
CANCEL messages and are held to RFC 5546's tables for those methods.
"""

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from cowork import events as relay
from cowork.services.booking import booking_cancel, booking_create, booking_modify
from cowork.services.events import (
    event_cancel,
    event_create,
    registration_cancel,
    registration_create,
)
from cowork.services.series import series_cancel_rest, series_create
from notifications.ical.tokens import download_token, feed_token_rotate
from tests.notifications.ical.conftest import NOW, kyiv
from tests.notifications.ical.validator import libical_errors, require_libical


@pytest.fixture(autouse=True)
def libical():
    return require_libical()


@pytest.fixture
def busy_scene(scene, member, host):
    """The scene with every shape a feed can hold: a moved and a cancelled booking, a series
    with a cancelled and a moved occurrence, and a cancelled place at an event."""
    booking_modify(
        booking=scene["after"],
        starts_at=kyiv(29, 13),
        ends_at=kyiv(29, 14),
        acting_user=member,
        now=NOW,
    )
    booking_cancel(booking=scene["before"], acting_user=member, now=NOW)
    occurrences = list(scene["series"].bookings.order_by("starts_at"))
    booking_cancel(booking=occurrences[1], acting_user=member, now=NOW)
    booking_modify(
        booking=occurrences[2],
        starts_at=kyiv(7, 16, month=4),
        ends_at=kyiv(7, 17, 30, month=4),
        acting_user=member,
        now=NOW,
    )
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


def _sent_calendars() -> list[tuple[str, bytes]]:
    parts = []
    for message in mail.outbox:
        for part in message.message().walk():
            if part.get_content_type() == "text/calendar":
                parts.append((part.get_param("method"), part.get_payload(decode=True)))
    return parts


def test_every_invite_passes_the_strict_validator_under_its_method(
    settings, kyiv_space, room, host, member
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    booking = booking_create(
        resource=room, member=member, starts_at=kyiv(26, 10), ends_at=kyiv(26, 12), now=NOW
    )
    relay.relay_pending()
    booking = booking_modify(
        booking=booking, starts_at=kyiv(29, 10), ends_at=kyiv(29, 11), acting_user=member, now=NOW
    )
    relay.relay_pending()
    booking_cancel(booking=booking, acting_user=member, now=NOW)
    relay.relay_pending()
    series = series_create(
        resource=room,
        member=member,
        first_starts_at=kyiv(24, 14),
        duration_minutes=60,
        rrule="FREQ=WEEKLY;BYDAY=WE;COUNT=4",
        now=NOW,
    ).series
    relay.relay_pending()
    series_cancel_rest(series=series, from_moment=kyiv(7, 0, month=4), acting_user=member)
    relay.relay_pending()
    series_cancel_rest(series=series, from_moment=kyiv(20, 0), acting_user=member)
    relay.relay_pending()
    training = event_create(
        space=kyiv_space,
        room=room,
        host=host,
        kind="training",
        title="Digital skills",
        sessions=[(kyiv(25, 15), kyiv(25, 17)), (kyiv(1, 15, month=4), kyiv(1, 17, month=4))],
        capacity=5,
        now=NOW,
    )
    olena, _key = registration_create(
        event=training, name="Olena", phone="+380501234567", email="olena@example.org", now=NOW
    )
    registration_create(
        event=training, name="Aziz", phone="+380501234568", email="aziz@example.org", now=NOW
    )
    relay.relay_pending()
    registration_cancel(registration=olena, acting_user=host, now=NOW)
    relay.relay_pending()
    event_cancel(event=training, host=host, reason="The trainer is ill")
    relay.relay_pending()

    sent = _sent_calendars()
    methods = [method for method, _body in sent]
    assert methods.count("REQUEST") >= 5 and methods.count("CANCEL") >= 4, methods
    for method, body in sent:
        calendar = icalendar.Calendar.from_ical(body)
        # The METHOD inside and the Content-Type's method parameter agree (RFC 5545 3.7.2).
        assert str(calendar["METHOD"]) == method
        for event in calendar.walk("VEVENT"):
            assert "ORGANIZER" in event and "ATTENDEE" in event
        assert libical_errors(body) == [], (method, body.decode())


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
