"""Feeds as calendar apps see them: read back by icalendar, vobject, ics and
recurring-ical-events, across the Europe/Kyiv DST change of 28 March 2027."""

import datetime

import icalendar
import pytest
from django.urls import reverse

from cowork.models import Booking
from cowork.services.booking import booking_cancel, booking_modify
from cowork.services.events import event_cancel, registration_cancel
from notifications.ical.feeds.members import member_feed_items, registration_uid
from notifications.ical.tokens import feed_token_revoke, feed_token_rotate
from tests.factories import one_session_event
from tests.notifications.ical import readers
from tests.notifications.ical.conftest import (
    KYIV,
    NOW,
    change_series,
    kyiv,
    move_the_booking_after_the_change,
)

UTC = datetime.UTC


def _feed(client, user):
    key = feed_token_rotate(owner=user)
    return client.get(reverse("notifications:member-feed", args=[key])), key


def _expected(scene) -> dict:
    """What the member's feed must say, from the rows, as UTC instants."""
    registration = scene["registration"]
    sessions = list(scene["training"].sessions.order_by("starts_at"))
    expected = {
        f"booking-{scene['before'].pk}": [(kyiv(26, 10), kyiv(26, 12))],
        f"booking-{scene['after'].pk}": [(kyiv(29, 10), kyiv(29, 11, 30))],
        f"series-{scene['series'].pk}": [(kyiv(24, 14), kyiv(24, 15))],
    }
    for session in sessions:
        uid = registration_uid(registration, session).split("@")[0]
        expected[uid] = [(session.starts_at, session.ends_at)]
    return {
        uid: sorted((start.astimezone(UTC), end.astimezone(UTC)) for start, end in pairs)
        for uid, pairs in expected.items()
    }


def _without_domain(found: dict) -> dict:
    return {uid.split("@")[0]: pairs for uid, pairs in found.items()}


@pytest.mark.parametrize("reader", sorted(readers.ALL_READERS))
def test_member_feed_reads_the_same_in_every_parser_across_dst(
    reader, scene, member, client, frozen_clock
):
    response, _key = _feed(client, member)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    seen = readers.ALL_READERS[reader](response.content)
    assert _without_domain(readers.starts_and_ends(seen)) == _expected(scene)
    for item in seen.values():
        # Each parser read the TZID through our VTIMEZONE into Kyiv's offset of that day:
        # +02:00 before 28 March, +03:00 after.
        assert item.start.utcoffset() == item.start.astimezone(KYIV).utcoffset()
        assert item.end.utcoffset() == item.end.astimezone(KYIV).utcoffset()
    offsets = {
        uid: pairs[0][0].astimezone(KYIV).utcoffset()
        for uid, pairs in readers.starts_and_ends(seen).items()
    }
    assert offsets[f"booking-{scene['before'].pk}@127.0.0.1"] == datetime.timedelta(hours=2)
    assert offsets[f"booking-{scene['after'].pk}@127.0.0.1"] == datetime.timedelta(hours=3)


def test_every_event_carries_the_required_properties(scene, member, client, frozen_clock):
    response, _key = _feed(client, member)
    calendar = icalendar.Calendar.from_ical(response.content)
    # A subscription is a snapshot, not an iTIP message (see test_validity.py).
    assert "METHOD" not in calendar
    assert calendar.get_used_tzids() == {"Europe/Kyiv"}
    assert calendar.get_missing_tzids() == set()
    for event in calendar.walk("VEVENT"):
        for name in ("UID", "DTSTAMP", "SEQUENCE", "LAST-MODIFIED", "DTSTART", "DTEND"):
            assert name in event, name
        assert event["DTSTART"].params["TZID"] == "Europe/Kyiv"
        assert "Khreshchatyk 1" in str(event["LOCATION"])


def test_series_expands_at_ten_local_on_both_sides_of_dst_with_cancelled_and_moved_ones(
    scene, member, client, frozen_clock
):
    series = scene["series"]
    occurrences = change_series(series, member)
    assert len(occurrences) == 4  # 24 and 31 March, 7 and 14 April, 14:00 local
    response, _key = _feed(client, member)
    uid = f"series-{series.pk}@127.0.0.1"
    found = readers.expanded(
        response.content,
        datetime.datetime(2027, 3, 1, tzinfo=UTC),
        datetime.datetime(2027, 5, 1, tzinfo=UTC),
    )
    mine = sorted(pair for (found_uid, _start), pair in found.items() if found_uid == uid)
    assert [(start.astimezone(UTC), end.astimezone(UTC)) for start, end in mine] == [
        (kyiv(24, 14).astimezone(UTC), kyiv(24, 15).astimezone(UTC)),  # 12:00 UTC, EET
        (kyiv(7, 16, month=4).astimezone(UTC), kyiv(7, 17, 30, month=4).astimezone(UTC)),
        (kyiv(14, 14, month=4).astimezone(UTC), kyiv(14, 15, month=4).astimezone(UTC)),  # 11 UTC
    ]
    calendar = icalendar.Calendar.from_ical(response.content)
    master = next(e for e in calendar.walk("VEVENT") if e["UID"] == uid and "RRULE" in e)
    assert [d.dt for d in master["EXDATE"].dts] == [kyiv(31, 14)]
    # Every parser sees the master and the moved occurrence with the same times.
    views = [
        readers.starts_and_ends(read(response.content))[uid]
        for read in readers.ALL_READERS.values()
    ]
    assert views[0] == views[1] == views[2]
    assert (
        kyiv(7, 16, month=4).astimezone(UTC),
        kyiv(7, 17, 30, month=4).astimezone(UTC),
    ) in views[0]


def test_uid_stays_and_sequence_grows_across_modify_and_cancel(scene, member, client, frozen_clock):
    booking = scene["after"]
    uid = f"booking-{booking.pk}@127.0.0.1"

    def state():
        seen = readers.with_icalendar(_feed(client, member)[0].content)
        return seen[(uid, None)]

    first = state()
    booking = booking_modify(
        booking=booking, starts_at=kyiv(29, 13), ends_at=kyiv(29, 14), acting_user=member, now=NOW
    )
    moved = state()
    booking_cancel(booking=booking, acting_user=member, now=NOW)
    cancelled = state()
    assert first.sequence < moved.sequence < cancelled.sequence
    assert moved.start == kyiv(29, 13)
    assert (first.status, moved.status, cancelled.status) == ("CONFIRMED", "CONFIRMED", "CANCELLED")


def test_cancelled_booking_shows_as_cancelled_then_drops_out_after_30_days(scene, member):
    booking = scene["before"]
    cancelled_at = NOW + datetime.timedelta(days=2)
    booking_cancel(booking=booking, acting_user=member, now=cancelled_at)

    def uids(now):
        return {
            item.uid.split("@")[0]: item.status
            for item in member_feed_items(user=member, now=now, base_url="https://x")
        }

    assert uids(cancelled_at)[f"booking-{booking.pk}"] == "CANCELLED"
    assert uids(cancelled_at + datetime.timedelta(days=29))[f"booking-{booking.pk}"] == "CANCELLED"
    assert f"booking-{booking.pk}" not in uids(cancelled_at + datetime.timedelta(days=31))


def test_cancelled_registration_and_event_show_as_cancelled(scene, member, host):
    registration = scene["registration"]
    registration_cancel(registration=registration, acting_user=host, now=NOW)
    items = member_feed_items(user=member, now=NOW, base_url="https://x")
    mine = [item for item in items if item.uid.startswith(f"registration-{registration.pk}-")]
    assert [item.status for item in mine] == ["CANCELLED", "CANCELLED"]
    assert all(item.sequence == 2 for item in mine)


def test_a_members_token_never_shows_another_members_items(
    scene, member, other_member, client, frozen_clock
):
    mine, _key = _feed(client, member)
    theirs, _key = _feed(client, other_member)
    assert b"Their secret meeting" not in mine.content
    assert f"booking-{scene['theirs'].pk}@".encode() not in mine.content
    their_uids = {uid for uid, _recurrence in readers.with_icalendar(theirs.content)}
    assert their_uids == {f"booking-{scene['theirs'].pk}@127.0.0.1"}


def test_rotated_revoked_and_guessed_tokens_are_not_found(member, client, frozen_clock):
    old = feed_token_rotate(owner=member)
    url = reverse("notifications:member-feed", args=[old])
    assert client.get(url).status_code == 200
    new = feed_token_rotate(owner=member)
    assert client.get(url).status_code == 404
    new_url = reverse("notifications:member-feed", args=[new])
    assert client.get(new_url).status_code == 200
    guessed = new[:-4] + ("AAAA" if not new.endswith("AAAA") else "BBBB")
    assert client.get(reverse("notifications:member-feed", args=[guessed])).status_code == 404
    assert client.get(reverse("notifications:member-feed", args=["x"])).status_code == 404
    feed_token_revoke(owner=member)
    assert client.get(new_url).status_code == 404


def test_conditional_gets_answer_304_without_a_body_and_head_works(
    scene, member, client, frozen_clock
):
    response, key = _feed(client, member)
    url = reverse("notifications:member-feed", args=[key])
    etag, last_modified = response["ETag"], response["Last-Modified"]
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert by_date.status_code == 304
    assert by_date.content == b""
    head = client.head(url)
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == etag
    assert head["Content-Type"] == "text/calendar; charset=utf-8"
    assert int(head["Content-Length"]) == len(response.content)
    assert client.head(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def _etag(client, url):
    return client.get(url)["ETag"]


def test_any_change_to_an_item_changes_the_etag(scene, member, host, client, frozen_clock):
    key = feed_token_rotate(owner=member)
    url = reverse("notifications:member-feed", args=[key])
    tags = [_etag(client, url)]
    move_the_booking_after_the_change(scene, member)
    tags.append(_etag(client, url))
    booking_cancel(booking=scene["before"], acting_user=member, now=NOW)
    tags.append(_etag(client, url))
    event_cancel(event=scene["training"], host=host, reason="Trainer is ill")
    tags.append(_etag(client, url))
    assert len(set(tags)) == len(tags)


def test_public_programme_and_event_feeds_show_public_events_only(
    scene, kyiv_space, room, host, client, frozen_clock
):
    hidden = one_session_event(
        room, host, kyiv(31, 10), hours=1, kind="consultation", title="Closed consultation",
        capacity=2, is_public=False, now=NOW,
    )  # fmt: skip
    url = reverse("notifications:programme-feed", args=[kyiv_space.slug])
    response = client.get(url)
    assert response.status_code == 200
    assert "Цифрові навички".encode() in response.content  # the centre's first language, uk
    assert b"Closed consultation" not in response.content
    english = client.get(url + "?lang=en")
    assert b"Digital skills" in english.content
    assert english["ETag"] != response["ETag"]
    for read in readers.ALL_READERS.values():
        assert len(read(response.content)) == 2
    training = scene["training"]
    course = client.get(reverse("notifications:event-feed", args=[training.pk]))
    assert sorted(readers.starts_and_ends(readers.with_vobject(course.content)).values()) == sorted(
        [[(s.starts_at, s.ends_at)] for s in training.sessions.all()]
    )
    assert client.get(reverse("notifications:event-feed", args=[hidden.pk])).status_code == 404


def test_room_feed_shows_busy_blocks_without_names(scene, room, client, frozen_clock):
    response = client.get(reverse("notifications:room-feed", args=[room.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for secret in ("Their secret meeting", "Project meeting", "Weekly planning", "Nigar"):
        assert secret not in body
    seen = readers.with_ics(response.content)
    assert {item.start for item in seen.values()} >= {
        kyiv(30, 10),
        kyiv(26, 10),
        kyiv(29, 10),
        kyiv(24, 14),
    }
    summaries = {
        str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    }
    assert len(summaries) == 1  # "Busy", in the centre's language


def test_one_event_download_link(scene, member, client, frozen_clock):
    from notifications.ical.tokens import download_token

    token = download_token(booking=scene["before"])
    assert len(token) < 30
    response = client.get(reverse("notifications:ics-download", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert set(readers.with_vobject(response.content)) == {
        (f"booking-{scene['before'].pk}@127.0.0.1", None)
    }
    registration = download_token(registration=scene["registration"])
    assert len(readers.with_ics(client.get(f"/ics/{registration}/").content)) == 2
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(f"/ics/{tampered}/").status_code == 404
    other = Booking.objects.exclude(pk=scene["before"].pk).first()
    forged = f"b{other.pk}-{token.split('-', 1)[1]}"
    assert client.get(f"/ics/{forged}/").status_code == 404


def test_profile_page_makes_shows_once_and_rotates_the_link(member, client, frozen_clock):
    page = reverse("notifications:profile-calendar")
    assert client.get(page).status_code == 302  # sign in first
    client.force_login(member)
    assert b"no calendar link yet" in client.get(page).content
    shown = client.post(reverse("notifications:profile-calendar-rotate"), follow=True)
    text = shown.content.decode()
    assert "webcal://testserver/calendar/feed/" in text
    assert "http://testserver/calendar/feed/" in text
    for app in ("Google", "Outlook", "Apple"):
        assert app in text
    first_url = text.split("webcal://testserver", 1)[1].split('"', 1)[0]
    assert client.get(first_url).status_code == 200
    again = client.get(page).content.decode()
    assert "webcal://" not in again  # shown once
    client.post(reverse("notifications:profile-calendar-rotate"))
    assert client.get(first_url).status_code == 404


def test_programme_page_offers_subscription(scene, kyiv_space, client, frozen_clock):
    response = client.get(reverse("notifications:programme", args=[kyiv_space.slug]))
    assert response.status_code == 200
    text = response.content.decode()
    assert f"webcal://testserver/calendar/centres/{kyiv_space.slug}/programme.ics" in text
    assert "Outlook" in text


def test_programme_page_gives_each_session_its_local_day_and_time_in_the_readers_language(
    scene, kyiv_space, client, frozen_clock
):
    page = reverse("notifications:programme", args=[kyiv_space.slug])
    english = client.get(page).content.decode()
    assert "Thu, Mar 25, 2027, 15:00" in english
    # 1 April is after the change to summer time: still 15:00 on the centre's clock.
    assert "Thu, Apr 1, 2027, 15:00" in english
    ukrainian = client.get(page, {"lang": "uk"}).content.decode()
    assert "чт, 25 бер. 2027\u202fр., 15:00" in ukrainian
