"""Invites in the outbox (locmem): a text/calendar; method=REQUEST alternative that parsers
read, an update on a move, a CANCEL on cancellation, and each sent once."""

import datetime

import icalendar
import pytest

from cowork import outbox as relay
from cowork.models import DomainEvent
from cowork.services.booking import booking_approve, booking_cancel, booking_create, booking_modify
from cowork.services.events import (
    event_cancel,
    registration_cancel,
    registration_create,
)
from cowork.services.series import series_cancel_rest
from notifications.ical import invites
from notifications.models import SentInvite
from tests import factories
from tests.notifications.ical import readers
from tests.notifications.ical.conftest import NOW, kyiv, weekly_planning

UTC = datetime.UTC


def _wire_calendar_part(message):
    """The calendar part as it goes over the wire: its method parameter and bytes."""
    for part in message.message().walk():
        if part.get_content_type() == "text/calendar":
            assert part.get_content_charset() == "utf-8"
            return part.get_param("method"), part.get_payload(decode=True)
    raise AssertionError("no text/calendar part on the wire")


def _calendar(message) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(_wire_calendar_part(message)[1])


@pytest.fixture
def outbox(locmem_mail):
    """tests/notifications/conftest.py's locmem_mail, under the name these tests read it by."""
    return locmem_mail


def test_confirmed_booking_sends_a_request_that_parsers_read(room, member, outbox):
    booking = booking_create(
        resource=room, member=member, starts_at=kyiv(29, 10), ends_at=kyiv(29, 12), now=NOW
    )
    relay.relay_pending()
    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == [f"Nigar {member.last_name} <{member.email}>"]
    method, body = _wire_calendar_part(message)
    assert method == "REQUEST"
    uid = f"booking-{booking.pk}@127.0.0.1"
    for read in readers.ALL_READERS.values():
        seen = read(body)
        assert readers.starts_and_ends(seen) == {
            uid: [(kyiv(29, 10).astimezone(UTC), kyiv(29, 12).astimezone(UTC))]
        }
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert calendar.get_missing_tzids() == set()
    event = calendar.walk("VEVENT")[0]
    assert str(event["ATTENDEE"]) == f"mailto:{member.email}"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert event["ORGANIZER"].params["CN"] == room.space.name


def test_move_sends_an_update_and_cancel_sends_cancel_with_same_uid(room, member, outbox):
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
    assert len(outbox) == 3
    methods, uids, sequences = [], set(), []
    for message in outbox:
        calendar = _calendar(message)
        event = calendar.walk("VEVENT")[0]
        methods.append(str(calendar["METHOD"]))
        uids.add(str(event["UID"]))
        sequences.append(int(event["SEQUENCE"]))
    assert methods == ["REQUEST", "REQUEST", "CANCEL"]
    assert uids == {f"booking-{booking.pk}@127.0.0.1"}
    assert sequences == sorted(sequences) and len(set(sequences)) == 3
    assert _wire_calendar_part(outbox[2])[0] == "CANCEL"
    moved = readers.with_vobject(_wire_calendar_part(outbox[1])[1])
    assert [item.start for item in moved.values()] == [kyiv(29, 10)]


def test_an_event_delivered_twice_is_sent_once(room, member, outbox):
    booking_create(
        resource=room, member=member, starts_at=kyiv(29, 10), ends_at=kyiv(29, 12), now=NOW
    )
    relay.relay_pending()
    event = DomainEvent.objects.get(kind="booking.created")
    invites.invite_for_booking(event)
    # The relay died before marking it published: it comes round again.
    DomainEvent.objects.filter(pk=event.pk).update(published_at=None)
    relay.relay_pending()
    assert len(outbox) == 1
    assert SentInvite.objects.count() == 1


def test_pending_booking_gets_its_invite_when_approved(kyiv_space, member, host, outbox):
    quiet_room = factories.RoomFactory(space=kyiv_space, name="Quiet Room", needs_approval=True)
    booking = booking_create(
        resource=quiet_room, member=member, starts_at=kyiv(29, 10), ends_at=kyiv(29, 12), now=NOW
    )
    relay.relay_pending()
    assert outbox == []
    booking_approve(booking=booking, host=host, now=NOW)
    relay.relay_pending()
    assert len(outbox) == 1
    assert str(_calendar(outbox[0])["METHOD"]) == "REQUEST"


def test_series_is_one_invite_and_cancelling_the_rest_updates_it(room, member, outbox):
    series = weekly_planning(room, member).series
    relay.relay_pending()
    assert len(outbox) == 1
    body = _wire_calendar_part(outbox[0])[1]
    occurrences = readers.expanded(
        body, datetime.datetime(2027, 3, 1, tzinfo=UTC), datetime.datetime(2027, 5, 1, tzinfo=UTC)
    )
    assert sorted(start.astimezone(UTC).hour for start, _end in occurrences.values()) == [
        11,
        11,
        11,
        12,
    ]
    series_cancel_rest(series=series, from_moment=kyiv(7, 0, month=4), acting_user=member)
    relay.relay_pending()
    assert len(outbox) == 2
    update = _calendar(outbox[1])
    assert str(update["METHOD"]) == "REQUEST"
    assert len(update.walk("VEVENT")[0]["EXDATE"].dts) == 2
    series_cancel_rest(series=series, from_moment=kyiv(20, 0), acting_user=member)
    relay.relay_pending()
    assert str(_calendar(outbox[2])["METHOD"]) == "CANCEL"


def _training(room, host):
    return factories.one_session_event(
        room, host, kyiv(25, 15), title="Digital skills", capacity=1, now=NOW
    )


def test_registration_invites_the_participant_and_cancel_follows(kyiv_space, room, host, outbox):
    training = _training(room, host)
    registration, _key = registration_create(
        event=training, name="Olena", phone="+380501234567", email="olena@example.org", now=NOW
    )
    relay.relay_pending()
    assert [message.to for message in outbox] == [["Olena <olena@example.org>"]]
    request = _calendar(outbox[0])
    assert str(request["METHOD"]) == "REQUEST"
    for read in readers.ALL_READERS.values():
        seen = read(_wire_calendar_part(outbox[0])[1])
        assert [(i.start, i.end) for i in seen.values()] == [(kyiv(25, 15), kyiv(25, 17))]
    registration_cancel(registration=registration, acting_user=host, now=NOW)
    relay.relay_pending()
    cancel = _calendar(outbox[1])
    assert str(cancel["METHOD"]) == "CANCEL"
    first, second = request.walk("VEVENT")[0], cancel.walk("VEVENT")[0]
    assert first["UID"] == second["UID"]
    assert int(second["SEQUENCE"]) > int(first["SEQUENCE"])


def test_promotion_invites_and_event_cancellation_cancels(kyiv_space, room, host, outbox):
    training = _training(room, host)
    first, _key = registration_create(
        event=training, name="Olena", phone="+380501234567", email="olena@example.org", now=NOW
    )
    registration_create(
        event=training, name="Aziz", phone="+380501234568", email="aziz@example.org", now=NOW
    )
    relay.relay_pending()
    assert [message.to for message in outbox] == [["Olena <olena@example.org>"]]  # Aziz waits
    registration_cancel(registration=first, acting_user=host, now=NOW)
    relay.relay_pending()
    assert [message.to[0] for message in outbox[1:]] == [
        "Olena <olena@example.org>",  # CANCEL
        "Aziz <aziz@example.org>",  # promoted: REQUEST
    ]
    event_cancel(event=training, host=host, reason="The trainer is ill")
    relay.relay_pending()
    assert [message.to[0] for message in outbox[3:]] == ["Aziz <aziz@example.org>"]
    assert str(_calendar(outbox[3])["METHOD"]) == "CANCEL"


def test_no_email_no_invite_and_hosts_session_bookings_send_nothing(kyiv_space, room, host, outbox):
    training = _training(room, host)
    registration_create(event=training, name="Olena", phone="+380501234567", now=NOW)
    relay.relay_pending()
    assert outbox == []


def test_invite_mail_gives_the_time_in_the_centres_zone_and_the_persons_language(
    room, member, outbox
):
    booking_create(
        resource=room, member=member, starts_at=kyiv(29, 10), ends_at=kyiv(29, 12), now=NOW
    )
    relay.relay_pending()
    member.member.language = "uk"
    member.member.save(update_fields=["language"])
    booking_create(
        resource=room, member=member, starts_at=kyiv(30, 10), ends_at=kyiv(30, 12), now=NOW
    )
    relay.relay_pending()
    english, ukrainian = (message.body for message in outbox)
    assert "Mon, Mar 29, 2027, 10:00–12:00 (Kyiv)" in english
    assert "вт, 30 бер. 2027\u202fр., 10:00–12:00 (Київ)" in ukrainian
