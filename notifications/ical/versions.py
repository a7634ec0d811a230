"""The version of each feed (ETag, Last-Modified) from aggregate queries, without rendering.

This is the path every calendar app's poll takes, so it is written as plain SQL: building
the same aggregates through the ORM costs ten times the query itself. Each function reads
what its feed's items are made of — counts, sums of SEQUENCE, latest change times — so any
change to an item changes the ETag. The window's date is part of every version, because
the content moves with it at 00:00 UTC.

Not seen: edits that change no counted column (an event's title edited in the admin; Event
and Registration have no `updated_at`). The date in the ETag bounds such staleness to a day.
"""

import datetime

from django.db import connection
from django.utils.dateparse import parse_datetime

from cowork.models import (
    Booking,
    DomainEvent,
    Event,
    EventSession,
    Member,
    Participant,
    Registration,
    Space,
)
from notifications.ical.feeds.common import FeedVersion, Window, feed_window, version_of


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _row(sql: str, params) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _moment(value) -> datetime.datetime | None:
    """A raw aggregate of a DateTimeField: a datetime (PostgreSQL) or text (SQLite), UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=datetime.UTC)


def member_feed_version(*, user_id: int, now: datetime.datetime) -> FeedVersion:
    window = feed_window(now)
    member = _row(
        f"SELECT language, phone FROM {_table(Member)} WHERE user_id = %s", [user_id]
    ) or ("en", None)
    language, phone = member
    bookings = _row(
        "SELECT COUNT(*), SUM(sequence), MAX(updated_at) "
        f"FROM {_table(Booking)} WHERE booked_by_id = %s",
        [user_id],
    )
    statuses = ", ".join(
        f"COUNT(DISTINCT CASE WHEN r.status = '{status}' THEN r.id END)"
        for status in ("confirmed", "waitlisted", "pending", "cancelled")
    )
    match, params = "pm.user_id = %s", [user_id]
    if phone:
        match, params = "(pm.user_id = %s OR p.phone = %s)", [user_id, phone]
    registrations = _row(
        f"SELECT {statuses}, SUM(e.sequence), MAX(r.created_at), MAX(r.cancelled_at), "
        "MAX(r.promoted_at), MAX(sb.updated_at) "
        f"FROM {_table(Registration)} r "
        f"JOIN {_table(Participant)} p ON p.id = r.participant_id "
        f"LEFT JOIN {_table(Member)} pm ON pm.id = p.member_id "
        f"JOIN {_table(Event)} e ON e.id = r.event_id "
        f"LEFT JOIN {_table(EventSession)} s ON s.event_id = e.id "
        f"LEFT JOIN {_table(Booking)} sb ON sb.id = s.booking_id "
        f"WHERE {match}",
        params,
    )
    changes = [_moment(bookings[2]), *(_moment(value) for value in registrations[5:])]
    return version_of(
        window,
        changes,
        "member",
        user_id,
        language,
        phone,
        bookings[:2],
        changes,
        registrations[:5],
    )


def _events_version(where: str, params, space_id: int, window: Window, *parts) -> FeedVersion:
    """Events alone, without joining their sessions: sessions never change after an event
    is made, and cancelling it raises its SEQUENCE. The latest change is the time of the
    space's latest domain event (an event's cancellation is one), found by its number."""
    state = _row(
        "SELECT COUNT(*), SUM(e.sequence), MAX(e.created_at), "
        "SUM(CASE WHEN e.status = 'cancelled' THEN 1 ELSE 0 END), "
        f"(SELECT d.created_at FROM {_table(DomainEvent)} d "
        f"JOIN {_table(Space)} sp ON sp.id = d.space_id AND sp.event_seq = d.space_seq "
        "WHERE sp.id = %s) "
        f"FROM {_table(Event)} e WHERE {where}",
        [space_id, *params],
    )
    changes = [_moment(state[2]), _moment(state[4])]
    return version_of(window, changes, *parts, state[:4])


def programme_version(*, space_id: int, language: str, now: datetime.datetime) -> FeedVersion:
    return _events_version(
        "e.space_id = %s AND e.is_public = %s",
        [space_id, True],
        space_id,
        feed_window(now),
        "programme",
        space_id,
        language,
    )


def event_feed_version(
    *, event_id: int, space_id: int, language: str, now: datetime.datetime
) -> FeedVersion:
    return _events_version(
        "e.id = %s", [event_id], space_id, feed_window(now), "event", event_id, language
    )


def room_feed_version(*, room_id: int, language: str, now: datetime.datetime) -> FeedVersion:
    state = _row(
        "SELECT COUNT(*), SUM(sequence), MAX(updated_at) "
        f"FROM {_table(Booking)} WHERE resource_id = %s",
        [room_id],
    )
    changed = _moment(state[2])
    return version_of(feed_window(now), [changed], "room", room_id, language, state[:2], changed)
