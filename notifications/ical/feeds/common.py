"""What every feed shares: the window it shows, its version, item statuses, places.

A feed shows 90 days back and 365 ahead. A cancelled item stays, as STATUS:CANCELLED, for
30 days after its cancellation (so subscribed calendars hear of it), then drops out. The
window moves at 00:00 UTC, so a feed's content is a function of its rows and the date, and
its version (ETag) is computed from aggregates of those rows plus the date, without
rendering anything.

UIDs never change for the same thing: `booking-<pk>@<domain>`, `series-<pk>@<domain>`,
`event-<pk>-session-<pk>@<domain>`, and for a person's place at an event
`registration-<pk>-<generation>-session-<pk>@<domain>` (a registration cancelled and made
again is a new appointment, so it gets a new generation).
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.utils.translation import get_language

from cowork.booking_rules import require_aware
from cowork.models import Space
from notifications.ical.render import CalendarItem

# Bump when what a feed says changes without its rows changing, so clients fetch again.
FEED_FORMAT = 2

DAYS_BACK = 90
DAYS_AHEAD = 365
CANCELLED_KEPT = datetime.timedelta(days=30)

CONFIRMED, TENTATIVE, CANCELLED = "CONFIRMED", "TENTATIVE", "CANCELLED"


@dataclass(frozen=True)
class Window:
    """What a feed built on `day` shows: items overlapping [start, end), and items
    cancelled since `cancelled_since`."""

    day: datetime.datetime
    start: datetime.datetime
    end: datetime.datetime
    cancelled_since: datetime.datetime


def feed_window(now: datetime.datetime) -> Window:
    require_aware(now, field="now")
    day = now.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return Window(
        day=day,
        start=day - datetime.timedelta(days=DAYS_BACK),
        end=day + datetime.timedelta(days=DAYS_AHEAD + 1),
        cancelled_since=day - CANCELLED_KEPT,
    )


@dataclass(frozen=True)
class FeedVersion:
    """The ETag and Last-Modified of one feed as it is now."""

    etag: str
    last_modified: datetime.datetime


def version_of(window: Window, changes, *parts) -> FeedVersion:
    """A weak ETag over `parts` and the window's date; Last-Modified the latest change."""
    fingerprint = repr((FEED_FORMAT, window.day.date().isoformat(), *parts)).encode()
    # The content also moves with the window, which moves at 00:00 UTC.
    last = max([window.day, *(moment for moment in changes if moment is not None)])
    return FeedVersion(
        etag=f'W/"{hashlib.sha256(fingerprint).hexdigest()[:32]}"',
        last_modified=last.replace(microsecond=0),
    )


def location_of(space: Space, place: str = "") -> str:
    """Where, for a calendar: the place, the centre's name in the active language, the address."""
    name = space.name_in(get_language())
    return ", ".join(part for part in (place, name, space.address, space.city) if part)


def event_location(event, *, rooms: list | None = None) -> str:
    """Where an event is held: the outside venue and its address, or its rooms (`rooms`, if
    read already, else the event's) in the centre."""
    if event.is_outside:
        return ", ".join(part for part in (event.venue_name, event.venue_address) if part)
    rooms = event.rooms() if rooms is None else rooms
    language = get_language()
    return location_of(event.space, " + ".join(room.name_in(language) for room in rooms))


def sorted_items(items: list[CalendarItem]) -> list[CalendarItem]:
    return sorted(items, key=lambda item: (item.starts_at, item.uid, item.recurrence_id or 0))
