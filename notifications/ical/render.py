"""Calendar items to iCalendar text (RFC 5545), for feeds and downloads (snapshots without a
METHOD) and invites (iTIP messages, RFC 5546).

Every date-time is written in the zone of the centre it happens at (DTSTART;TZID=…), and
the calendar carries a VTIMEZONE for every TZID it uses, so a client shows 10:00 in Kyiv
as 10:00 in Kyiv on both sides of a DST change.
"""

import datetime
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

# icalendar is imported where a calendar is made, not here: the invites load this module
# into every process Django starts (notifications.apps), and icalendar with its time-zone
# tables is a twentieth of a second of CPU that most of those processes never use.
if TYPE_CHECKING:
    from icalendar import Event, Timezone, vCalAddress

PRODID = "-//cowork//calendars//EN"


@dataclass
class CalendarItem:
    """One VEVENT: a booking, a session of an event, a series' master or one of its changes.

    `starts_at`/`ends_at` are aware and in the zone to show them in. A series' master has
    an `rrule` (with COUNT, never UNTIL) and `exdates`; a changed occurrence has the same
    UID and a `recurrence_id`.
    """

    uid: str
    summary: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    sequence: int
    status: str  # CONFIRMED, TENTATIVE or CANCELLED
    last_modified: datetime.datetime
    created: datetime.datetime | None = None
    location: str = ""
    description: str = ""
    url: str = ""
    rrule: dict | None = None
    exdates: list[datetime.datetime] = field(default_factory=list)
    recurrence_id: datetime.datetime | None = None
    # The end of the last occurrence, so the VTIMEZONE covers a whole series.
    last_ends_at: datetime.datetime | None = None


@dataclass(frozen=True)
class Person:
    """An ORGANIZER or ATTENDEE of an invite."""

    email: str
    name: str = ""


def render_calendar(
    items: list[CalendarItem],
    *,
    method: str | None,
    stamp: datetime.datetime,
    name: str = "",
    organizer: Person | None = None,
    attendee: Person | None = None,
    refresh: datetime.timedelta | None = None,
) -> bytes:
    """The iCalendar bytes (UTF-8, CRLF) of `items`, an iTIP message under `method` (REQUEST,
    CANCEL) or, with None, a snapshot.

    A snapshot (a feed, a download) carries no METHOD: RFC 5545 3.7.2 has no scheduling
    transaction assumed without one, which is what a subscription is. With METHOD:PUBLISH,
    RFC 5546 would require an ORGANIZER in every VEVENT, and RFC 5545 forbids one on what is
    only on one person's calendar (their own desk booking).

    `stamp` becomes every DTSTAMP. A feed passes the moment its content last changed, so
    the same version of a feed is the same bytes; an invite passes the time of sending.
    """
    from icalendar import Calendar, vDuration

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method is not None:
        calendar.add("method", method)
    if name:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
    if refresh is not None:
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(refresh))
    zones: dict[str, tuple[datetime.date, datetime.date]] = {}
    stamp = stamp.astimezone(datetime.UTC)
    for item in items:
        calendar.add_component(
            _vevent(item, stamp=stamp, organizer=organizer, attendee=attendee, method=method)
        )
        tzid = _tzid(item.starts_at)
        first = item.starts_at.date()
        last = (item.last_ends_at or item.ends_at).date()
        if tzid in zones:
            known_first, known_last = zones[tzid]
            zones[tzid] = (min(first, known_first), max(last, known_last))
        else:
            zones[tzid] = (first, last)
    # VTIMEZONEs go before the events that use them; whole years, so they are cached.
    for position, (tzid, (first, last)) in enumerate(sorted(zones.items())):
        calendar.subcomponents.insert(position, _vtimezone(tzid, first.year, last.year))
    return calendar.to_ical()


def _tzid(moment: datetime.datetime) -> str:
    return moment.tzinfo.key  # ZoneInfo; the feeds never hand over another kind of tzinfo


@functools.lru_cache(maxsize=64)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> "Timezone":
    from icalendar import Timezone

    # Shared between calendars: serializing a component never changes it.
    zone = Timezone.from_tzid(
        tzid,
        first_date=datetime.date(first_year - 1, 1, 1),
        last_date=datetime.date(last_year + 2, 1, 1),
    )
    # icalendar notes the years covered in a COMMENT, which RFC 5545 3.6.5 does not allow
    # on a VTIMEZONE (only on its STANDARD and DAYLIGHT parts); strict readers refuse it.
    zone.pop("COMMENT", None)
    return zone


def _vevent(item: CalendarItem, *, stamp, organizer, attendee, method) -> "Event":
    from icalendar import Event, vRecur

    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    if item.recurrence_id is not None:
        event.add("recurrence-id", item.recurrence_id)
    event.add("dtstart", item.starts_at)
    event.add("dtend", item.ends_at)
    event.add("sequence", item.sequence)
    event.add("status", "CANCELLED" if method == "CANCEL" else item.status)
    event.add("summary", item.summary)
    if item.location:
        event.add("location", item.location)
    if item.description:
        event.add("description", item.description)
    if item.url:
        event.add("url", item.url)
    if item.created is not None:
        event.add("created", item.created.astimezone(datetime.UTC))
    event.add("last-modified", item.last_modified.astimezone(datetime.UTC))
    event.add("transp", "OPAQUE")
    if item.rrule:
        event.add("rrule", vRecur(item.rrule))
    if item.exdates:
        event.add("exdate", item.exdates)
    if organizer is not None:
        event.add("organizer", _address(organizer))
    if attendee is not None:
        # The person asked for this (booked, registered): the invite confirms, it asks
        # nothing back. A CANCEL names whom it concerns and needs no participation state.
        state = {"PARTSTAT": "ACCEPTED"} if method == "REQUEST" else {}
        event.add("attendee", _address(attendee, ROLE="REQ-PARTICIPANT", RSVP="FALSE", **state))
    return event


def _address(person: Person, **parameters) -> "vCalAddress":
    from icalendar import vCalAddress

    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = person.name
    for key, value in parameters.items():
        address.params[key] = value
    return address
