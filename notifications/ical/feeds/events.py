"""Event sessions as calendar items: a centre's public programme and one event's feed."""

import datetime
import functools
from collections import defaultdict

from django.db.models import QuerySet
from django.urls import reverse

from cowork.models import Event, EventSession, Resource, Space
from notifications.ical.feeds.common import (
    CANCELLED,
    CONFIRMED,
    Window,
    event_location,
    feed_window,
    sorted_items,
)
from notifications.ical.render import CalendarItem
from notifications.ical.site import uid_domain


def session_stopped_at(session: EventSession, event: Event) -> datetime.datetime:
    """When a cancelled event's session was called off: its room booking's cancellation."""
    booking = session.booking
    if booking is not None:
        return booking.cancelled_at or booking.updated_at
    # At an outside venue nothing was booked: the event's own cancellation.
    return event.cancelled_at or event.created_at


def session_changed_at(session: EventSession, event: Event) -> datetime.datetime:
    booking = session.booking
    if booking is not None:
        return max(event.created_at, booking.updated_at)
    return event.cancelled_at or event.created_at


@functools.lru_cache(maxsize=1)
def _event_path_template() -> tuple[str, str]:
    # Resolving the URL once instead of once per session of a 2,000-event feed.
    head, _marker, tail = reverse("web:event", args=[987654321]).partition("987654321")
    return head, tail


def event_url(event: Event, base_url: str) -> str:
    head, tail = _event_path_template()
    return f"{base_url}{head}{event.pk}{tail}"


def event_description(event: Event, language: str, url: str) -> str:
    text = event.description_in(language).strip()
    return f"{text}\n\n{url}" if text else url


def _session_item(
    session: EventSession,
    event: Event,
    *,
    language: str,
    base_url: str,
    domain: str,
    rooms: list[Resource] | None = None,
) -> CalendarItem:
    zone = event.space.zone
    url = event_url(event, base_url)
    return CalendarItem(
        uid=f"event-{event.pk}-session-{session.pk}@{domain}",
        summary=event.title_in(language),
        starts_at=session.starts_at.astimezone(zone),
        ends_at=session.ends_at.astimezone(zone),
        sequence=event.sequence,
        status=CANCELLED if event.status == Event.Status.CANCELLED else CONFIRMED,
        last_modified=session_changed_at(session, event),
        created=event.created_at,
        location=event_location(event, rooms=rooms),
        description=event_description(event, language, url),
        url=url,
    )


def _items_of_sessions(
    sessions: QuerySet[EventSession], *, window: Window, language: str, base_url: str
) -> list[CalendarItem]:
    domain = uid_domain()
    rows = list(
        sessions.filter(starts_at__lt=window.end, ends_at__gt=window.start).select_related(
            "event", "booking"
        )
    )
    # A centre's feed has thousands of sessions in a handful of rooms of one space: read
    # those once rather than a copy per row.
    spaces = Space.objects.in_bulk({session.event.space_id for session in rows})
    others: dict[int, list[int]] = defaultdict(list)
    for event_id, room_id in Event.other_rooms.through.objects.filter(
        event_id__in={session.event_id for session in rows}
    ).values_list("event_id", "resource_id"):
        others[event_id].append(room_id)
    room_ids = {session.event.room_id for session in rows} - {None}
    rooms = Resource.objects.in_bulk(room_ids | {pk for ids in others.values() for pk in ids})
    items = []
    for session in rows:
        event = session.event
        event.space, event.room = spaces[event.space_id], rooms.get(event.room_id)
        held_in = (
            [event.room, *sorted((rooms[pk] for pk in others[event.pk]), key=lambda r: r.name)]
            if event.room is not None
            else []
        )
        if (
            event.status == Event.Status.CANCELLED
            and session_stopped_at(session, event) < window.cancelled_since
        ):
            continue
        items.append(
            _session_item(
                session, event, language=language, base_url=base_url, domain=domain, rooms=held_in
            )
        )
    return items


def programme_items(
    *, space: Space, language: str, now: datetime.datetime, base_url: str
) -> list[CalendarItem]:
    """Every session of the space's public events."""
    return sorted_items(
        _items_of_sessions(
            EventSession.objects.filter(event__space=space, event__is_public=True),
            window=feed_window(now),
            language=language,
            base_url=base_url,
        )
    )


def event_feed_items(
    *, event: Event, language: str, now: datetime.datetime, base_url: str
) -> list[CalendarItem]:
    """The sessions of one event (a course's meetings)."""
    return sorted_items(
        _items_of_sessions(
            EventSession.objects.filter(event=event),
            window=feed_window(now),
            language=language,
            base_url=base_url,
        )
    )
