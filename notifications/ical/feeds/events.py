"""Event sessions as calendar items: a centre's public programme and one event's feed."""

import datetime
import functools

from django.db.models import QuerySet
from django.urls import reverse

from cowork.models import Event, EventSession, Resource, Space
from notifications.ical.feeds.common import (
    CANCELLED,
    CONFIRMED,
    Window,
    feed_window,
    location_of,
    sorted_items,
)
from notifications.ical.render import CalendarItem
from notifications.ical.site import uid_domain


def session_stopped_at(session: EventSession, event: Event) -> datetime.datetime:
    """When a cancelled event's session was called off: its room booking's cancellation."""
    booking = session.booking
    if booking is not None:
        return booking.cancelled_at or booking.updated_at
    return event.created_at


def session_changed_at(session: EventSession, event: Event) -> datetime.datetime:
    booking = session.booking
    return max(event.created_at, booking.updated_at) if booking is not None else event.created_at


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
    session: EventSession, event: Event, *, language: str, base_url: str, domain: str
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
        location=location_of(event.space, event.room.name),
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
    rooms = Resource.objects.in_bulk({session.event.room_id for session in rows})
    items = []
    for session in rows:
        event = session.event
        event.space, event.room = spaces[event.space_id], rooms[event.room_id]
        if (
            event.status == Event.Status.CANCELLED
            and session_stopped_at(session, event) < window.cancelled_since
        ):
            continue
        items.append(
            _session_item(session, event, language=language, base_url=base_url, domain=domain)
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
