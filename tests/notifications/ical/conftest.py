"""A centre in Kyiv around the 2027 DST change (Sunday 28 March), with a room and people."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.core import mail

from cowork import outbox as relay
from tests import factories
from tests.notifications.ical.validator import libical_available, libical_errors

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
# A Saturday a week before the clocks go forward; every write in these tests happens "now".
NOW = datetime.datetime(2027, 3, 20, 9, 0, tzinfo=datetime.UTC)


def kyiv(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2027, month, day, hour, minute, tzinfo=KYIV)


@pytest.fixture(autouse=True)
def _every_invite_sent_passes_libical():
    """Every calendar invite a test here sends is checked after it by libical under its own
    METHOD (RFC 5546: REQUEST and CANCEL each need ORGANIZER and ATTENDEE), so each flow of
    test_invites.py is also a validity test."""
    yield
    parts = [
        part
        for message in getattr(mail, "outbox", [])
        for part in message.message().walk()
        if part.get_content_type() == "text/calendar"
    ]
    if not parts or not libical_available():
        return
    for part in parts:
        method, body = part.get_param("method"), part.get_payload(decode=True)
        # The METHOD inside and the Content-Type's method parameter agree (RFC 5545 3.7.2).
        assert str(icalendar.Calendar.from_ical(body)["METHOD"]) == method
        assert libical_errors(body) == [], (method, body.decode())


@pytest.fixture
def kyiv_space(db):
    return factories.SpaceFactory(
        name="Kyiv Youth Centre",
        city="Kyiv",
        country="UA",
        time_zone="Europe/Kyiv",
        address="Khreshchatyk 1",
        languages=["uk", "en"],
        # The members of these tests have Azerbaijani phones (the factory's).
        phone_countries=["UA", "AZ"],
    )


@pytest.fixture
def room(kyiv_space):
    return factories.RoomFactory(space=kyiv_space, name="Green Room", capacity=20)


@pytest.fixture
def host(kyiv_space):
    role = factories.HostFactory(space=kyiv_space)
    factories.MemberFactory(user=role.user, language="en")
    return role.user


@pytest.fixture
def member(db):
    return factories.MemberFactory(language="en").user


@pytest.fixture
def other_member(db):
    return factories.MemberFactory(language="en").user


@pytest.fixture
def relay_now():
    """Hand the outbox to subscribers, as the after-commit relay does."""
    return relay.relay_pending


@pytest.fixture
def client_for():
    from django.test import Client

    return Client


@pytest.fixture
def frozen_clock(monkeypatch):
    """Feeds served by the views are built at NOW, like everything else here."""
    from notifications.ical import views

    monkeypatch.setattr(views, "clock", lambda: NOW)
    return NOW


@pytest.fixture
def scene(kyiv_space, room, host, member, other_member):
    """Bookings and events on both sides of the DST change, for two members.

    member: a single booking before the change (Fri 26 March 10:00–12:00), one after
    (Mon 29 March 10:00–11:30), a weekly series Wednesdays 14:00–15:00 crossing it, and a
    place at a two-session training (Thu 25 March and Thu 1 April, 15:00–17:00) found by
    their phone. other_member: a booking of their own on Tue 30 March.
    """
    from cowork.services.booking import booking_create
    from cowork.services.events import event_create, registration_create

    def book(user, start, end, purpose=""):
        return booking_create(
            resource=room, member=user, starts_at=start, ends_at=end, purpose=purpose, now=NOW
        )

    before = book(member, kyiv(26, 10), kyiv(26, 12), "Project meeting")
    after = book(member, kyiv(29, 10), kyiv(29, 11, 30))
    series = weekly_planning(room, member, purpose="Weekly planning").series
    theirs = book(other_member, kyiv(30, 10), kyiv(30, 12), "Their secret meeting")
    training = event_create(
        space=kyiv_space,
        room=room,
        host=host,
        kind="training",
        title="Digital skills",
        translations={"uk": {"title": "Цифрові навички"}},
        sessions=[(kyiv(25, 15), kyiv(25, 17)), (kyiv(1, 15, month=4), kyiv(1, 17, month=4))],
        capacity=10,
        now=NOW,
    )
    registration, _key = registration_create(
        event=training,
        name="Nigar",
        phone=str(member.member.phone),
        email="nigar@example.org",
        now=NOW,
    )
    return {
        "before": before,
        "after": after,
        "series": series,
        "theirs": theirs,
        "training": training,
        "registration": registration,
    }


def weekly_planning(room, member, **more):
    """The scene's series: `room` on four Wednesdays, 14:00-15:00 from 24 March (across the
    DST change), booked at NOW."""
    from cowork.services.series import series_create

    return series_create(
        resource=room,
        member=member,
        first_starts_at=kyiv(24, 14),
        duration_minutes=60,
        rrule="FREQ=WEEKLY;BYDAY=WE;COUNT=4",
        now=NOW,
        **more,
    )


def move_the_booking_after_the_change(scene, member):
    """The scene's booking after the DST change moved to 13:00-14:00 the same day."""
    from cowork.services.booking import booking_modify

    return booking_modify(
        booking=scene["after"],
        starts_at=kyiv(29, 13),
        ends_at=kyiv(29, 14),
        acting_user=member,
        now=NOW,
    )


def change_series(series, member) -> list:
    """Cancel the second occurrence of the scene's series and move the third (7 April) to
    16:00–17:30; the occurrences, in their first order."""
    from cowork.services.booking import booking_cancel, booking_modify

    occurrences = list(series.bookings.order_by("starts_at"))
    booking_cancel(booking=occurrences[1], acting_user=member, now=NOW)
    booking_modify(
        booking=occurrences[2],
        starts_at=kyiv(7, 16, month=4),
        ends_at=kyiv(7, 17, 30, month=4),
        acting_user=member,
        now=NOW,
    )
    return occurrences
