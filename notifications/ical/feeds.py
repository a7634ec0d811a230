"""Reads for calendars: the items of each feed, and a version of each feed that costs little.

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
import functools
import hashlib
import zoneinfo
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import vRecur

from cowork.booking_rules import require_aware
from cowork.models import (
    Booking,
    BookingStatus,
    Event,
    EventSession,
    Member,
    Registration,
    RegistrationStatus,
    Resource,
    Series,
    Space,
)
from cowork.services.series import series_occurrences
from notifications.ical.render import CalendarItem
from notifications.ical.site import uid_domain

# Bump when what a feed says changes without its rows changing, so clients fetch again.
FEED_FORMAT = 2

DAYS_BACK = 90
DAYS_AHEAD = 365
CANCELLED_KEPT = datetime.timedelta(days=30)

CONFIRMED, TENTATIVE, CANCELLED = "CONFIRMED", "TENTATIVE", "CANCELLED"

# Bookings that happen (or happened); the others were called off one way or another.
_HAPPENING = (
    BookingStatus.PENDING,
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.COMPLETED,
)
# A place at an event is shown while it is held or awaited; a waitlisted one is not a plan.
_SHOWN_REGISTRATIONS = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.PENDING,
    RegistrationStatus.CANCELLED,
)
# A registration's SEQUENCE is its event's plus this, so it grows with every change a
# calendar must hear of: awaiting approval → confirmed → cancelled.
_REGISTRATION_STEP = {
    RegistrationStatus.PENDING: 0,
    RegistrationStatus.CONFIRMED: 1,
    RegistrationStatus.CANCELLED: 2,
}


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


def _location(space: Space, place: str = "") -> str:
    return ", ".join(part for part in (place, space.name, space.address, space.city) if part)


def _stamp(moment: datetime.datetime | None) -> datetime.datetime | None:
    return moment.astimezone(datetime.UTC) if moment is not None else None


# Bookings and series -------------------------------------------------------------------


def _booking_status(booking: Booking) -> str:
    if booking.status == BookingStatus.PENDING:
        return TENTATIVE
    return CONFIRMED if booking.status in _HAPPENING else CANCELLED


def _booking_stopped_at(booking: Booking) -> datetime.datetime:
    """When a booking that no longer happens stopped happening (its cancellation)."""
    return booking.cancelled_at or booking.decided_at or booking.updated_at


def _booking_shown(booking: Booking, window: Window | None) -> bool:
    return (
        window is None
        or booking.status in _HAPPENING
        or _booking_stopped_at(booking) >= window.cancelled_since
    )


def _booking_summary(booking: Booking, *, anonymous: bool) -> str:
    if anonymous:
        return _("Busy")
    name = booking.resource.name
    return f"{name} — {booking.purpose}" if booking.purpose else name


def _booking_item(booking: Booking, *, anonymous: bool, domain: str) -> CalendarItem:
    zone = booking.space.zone
    return CalendarItem(
        uid=f"booking-{booking.pk}@{domain}",
        summary=_booking_summary(booking, anonymous=anonymous),
        starts_at=booking.starts_at.astimezone(zone),
        ends_at=booking.ends_at.astimezone(zone),
        sequence=booking.sequence,
        status=_booking_status(booking),
        last_modified=booking.updated_at,
        created=booking.created_at,
        location=_location(booking.space, booking.resource.name),
        description="" if anonymous else _reason_line(booking),
    )


def _reason_line(booking: Booking) -> str:
    if booking.reason and booking.status not in _HAPPENING:
        return _("Reason: %(reason)s") % {"reason": booking.reason}
    return ""


def _series_items(
    series: Series, bookings: list[Booking], *, anonymous: bool, domain: str
) -> list[CalendarItem]:
    """A series as one RRULE master (COUNT, EXDATE) plus a RECURRENCE-ID item per changed one.

    The rule is expanded exactly as the booking engine expanded it. An occurrence without
    a happening booking (cancelled, or refused when the series was made) is an EXDATE; a
    booking moved off its slot overrides that slot.
    """
    zone = zoneinfo.ZoneInfo(series.time_zone)
    duration = datetime.timedelta(minutes=series.duration_minutes)
    occurrences = series_occurrences(
        rrule=series.rrule, first_start_local=series.first_start_local, duration=duration, zone=zone
    )
    slot_of = _slots(occurrences, bookings)
    booking_at = {
        slot: booking for booking in bookings if (slot := slot_of.get(booking.pk)) is not None
    }
    happening = [booking for booking in bookings if booking.status in _HAPPENING]
    if not happening:
        status = CANCELLED
    elif all(booking.status == BookingStatus.PENDING for booking in happening):
        status = TENTATIVE
    else:
        status = CONFIRMED
    sample = bookings[0]
    space = sample.space
    uid = f"series-{series.pk}@{domain}"
    sequence = sum(booking.sequence for booking in bookings)
    last_modified = max(booking.updated_at for booking in bookings)
    summary = _("Busy") if anonymous else (series.purpose or sample.resource.name)
    location = _location(space, sample.resource.name)
    exdates, changed = [], []
    for slot, (start, end) in enumerate(occurrences):
        booking = booking_at.get(slot)
        if booking is None or booking.status not in _HAPPENING:
            exdates.append(start)
        elif (
            booking.starts_at != start
            or booking.ends_at != end
            or _booking_status(booking) != status
        ):
            changed.append((start, booking))
    rule = vRecur.from_ical(series.rrule.removeprefix("RRULE:").strip())
    rule.pop("UNTIL", None)
    # COUNT, never UNTIL: every reader then expands exactly the occurrences we did.
    rule["COUNT"] = [len(occurrences)]
    master = CalendarItem(
        uid=uid,
        summary=summary,
        starts_at=occurrences[0][0],
        ends_at=occurrences[0][1],
        sequence=sequence,
        status=status,
        last_modified=last_modified,
        created=series.created_at,
        location=location,
        rrule=dict(rule),
        exdates=exdates if status != CANCELLED else [],
        last_ends_at=occurrences[-1][1],
    )
    if status == CANCELLED:
        return [master]
    return [master] + [
        CalendarItem(
            uid=uid,
            summary=summary,
            starts_at=booking.starts_at.astimezone(zone),
            ends_at=booking.ends_at.astimezone(zone),
            sequence=sequence,
            status=_booking_status(booking),
            last_modified=last_modified,
            created=series.created_at,
            location=location,
            recurrence_id=start,
        )
        for start, booking in changed
    ]


def _slots(occurrences, bookings: list[Booking]) -> dict[int, int]:
    """Which occurrence of the rule each booking of the series holds: booking pk → index.

    A booking still at its rule's start holds that slot. A moved one holds a free slot
    between those of the bookings made just before and after it (a series books its
    occurrences in order), the nearest in time to where it is now.
    """
    index_of = {start: slot for slot, (start, _end) in enumerate(occurrences)}
    by_creation = sorted(bookings, key=lambda booking: booking.pk)
    slot_of: dict[int, int] = {}
    for booking in by_creation:
        slot = index_of.get(booking.starts_at)
        if slot is not None and slot not in slot_of.values():
            slot_of[booking.pk] = slot
    taken = set(slot_of.values())
    for position, booking in enumerate(by_creation):
        if booking.pk in slot_of:
            continue
        before = [slot_of[b.pk] for b in by_creation[:position] if b.pk in slot_of]
        after = [slot_of[b.pk] for b in by_creation[position + 1 :] if b.pk in slot_of]
        low, high = max(before, default=-1), min(after, default=len(occurrences))
        free = [slot for slot in range(low + 1, high) if slot not in taken] or [
            slot for slot in range(len(occurrences)) if slot not in taken
        ]
        if not free:
            continue
        slot = min(free, key=lambda s: abs(occurrences[s][0] - booking.starts_at))
        slot_of[booking.pk] = slot
        taken.add(slot)
    return slot_of


def _with_places(bookings: list[Booking]) -> list[Booking]:
    """Attach each booking's space, read once per space rather than once per row."""
    spaces = Space.objects.in_bulk({booking.space_id for booking in bookings})
    for booking in bookings:
        booking.space = spaces[booking.space_id]
    return bookings


def _items_of_bookings(
    bookings: QuerySet[Booking], *, window: Window | None, anonymous: bool, domain: str
) -> list[CalendarItem]:
    """Items for the bookings in the window; a series' bookings become one recurring item."""
    if window is not None:
        bookings = (
            bookings.filter(starts_at__lt=window.end, ends_at__gt=window.start)
            .annotate(stopped_at=Coalesce("cancelled_at", "decided_at", "updated_at"))
            .filter(Q(status__in=_HAPPENING) | Q(stopped_at__gte=window.cancelled_since))
        )
    rows = _with_places(
        [
            booking
            for booking in bookings.select_related("resource")
            if _booking_shown(booking, window)
        ]
    )
    items = [
        _booking_item(booking, anonymous=anonymous, domain=domain)
        for booking in rows
        if booking.series_id is None
    ]
    series_ids = {booking.series_id for booking in rows if booking.series_id is not None}
    if series_ids:
        members: dict[int, list[Booking]] = {}
        for booking in _with_places(
            list(Booking.objects.filter(series_id__in=series_ids).select_related("resource"))
        ):
            members.setdefault(booking.series_id, []).append(booking)
        for series in Series.objects.filter(pk__in=series_ids).order_by("pk"):
            items += _series_items(series, members[series.pk], anonymous=anonymous, domain=domain)
    return items


# Events and registrations ---------------------------------------------------------------


def _session_stopped_at(session: EventSession, event: Event) -> datetime.datetime:
    """When a cancelled event's session was called off: its room booking's cancellation."""
    booking = session.booking
    if booking is not None:
        return booking.cancelled_at or booking.updated_at
    return event.created_at


def _session_changed_at(session: EventSession, event: Event) -> datetime.datetime:
    booking = session.booking
    return max(event.created_at, booking.updated_at) if booking is not None else event.created_at


@functools.lru_cache(maxsize=1)
def _event_path_template() -> tuple[str, str]:
    # Resolving the URL once instead of once per session of a 2,000-event feed.
    head, _marker, tail = reverse("web:event", args=[987654321]).partition("987654321")
    return head, tail


def _event_url(event: Event, base_url: str) -> str:
    head, tail = _event_path_template()
    return f"{base_url}{head}{event.pk}{tail}"


def _event_description(event: Event, language: str, url: str) -> str:
    text = event.description_in(language).strip()
    return f"{text}\n\n{url}" if text else url


def _session_item(
    session: EventSession, event: Event, *, language: str, base_url: str, domain: str
) -> CalendarItem:
    zone = event.space.zone
    url = _event_url(event, base_url)
    return CalendarItem(
        uid=f"event-{event.pk}-session-{session.pk}@{domain}",
        summary=event.title_in(language),
        starts_at=session.starts_at.astimezone(zone),
        ends_at=session.ends_at.astimezone(zone),
        sequence=event.sequence,
        status=CANCELLED if event.status == Event.Status.CANCELLED else CONFIRMED,
        last_modified=_session_changed_at(session, event),
        created=event.created_at,
        location=_location(event.space, event.room.name),
        description=_event_description(event, language, url),
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
            and _session_stopped_at(session, event) < window.cancelled_since
        ):
            continue
        items.append(
            _session_item(session, event, language=language, base_url=base_url, domain=domain)
        )
    return items


def registration_generation(registration: Registration) -> str:
    """Tells a registration made again after a cancellation from the one before it."""
    return format(int(registration.created_at.timestamp() * 1000), "x")


def registration_uid(registration: Registration, session: EventSession | None = None) -> str:
    """The UID of one session of a person's place (or, without a session, of the place)."""
    base = f"registration-{registration.pk}-{registration_generation(registration)}"
    if session is None:
        return f"{base}@{uid_domain()}"
    return f"{base}-session-{session.pk}@{uid_domain()}"


def registration_sequence(registration: Registration) -> int:
    step = _REGISTRATION_STEP.get(registration.status, 0)
    return registration.event.sequence + step


def _registration_item(
    registration: Registration, session: EventSession, *, language: str, base_url: str
) -> CalendarItem:
    event = registration.event
    zone = event.space.zone
    url = _event_url(event, base_url)
    if (
        registration.status == RegistrationStatus.CANCELLED
        or event.status == Event.Status.CANCELLED
    ):
        status = CANCELLED
    elif registration.status == RegistrationStatus.PENDING:
        status = TENTATIVE
    else:
        status = CONFIRMED
    changes = [
        registration.created_at,
        registration.cancelled_at,
        registration.promoted_at,
        _session_changed_at(session, event),
    ]
    return CalendarItem(
        uid=registration_uid(registration, session),
        summary=event.title_in(language),
        starts_at=session.starts_at.astimezone(zone),
        ends_at=session.ends_at.astimezone(zone),
        sequence=registration_sequence(registration),
        status=status,
        last_modified=max(moment for moment in changes if moment is not None),
        created=registration.created_at,
        location=_location(event.space, event.room.name),
        description=_event_description(event, language, url),
        url=url,
    )


def _registration_stopped_at(registration: Registration, session: EventSession):
    if registration.status == RegistrationStatus.CANCELLED:
        return registration.cancelled_at or registration.created_at
    if registration.event.status == Event.Status.CANCELLED:
        return _session_stopped_at(session, registration.event)
    return None


def registration_items(
    registration: Registration, *, language: str, base_url: str, window: Window | None = None
) -> list[CalendarItem]:
    """One item per session of the event, for the person holding (or losing) the place."""
    sessions = registration.event.sessions.select_related("booking").order_by("starts_at", "pk")
    if window is not None:
        sessions = sessions.filter(starts_at__lt=window.end, ends_at__gt=window.start)
    return _registration_session_items(
        registration, list(sessions), language=language, base_url=base_url, window=window
    )


def _registration_session_items(
    registration, sessions, *, language, base_url, window
) -> list[CalendarItem]:
    items = []
    for session in sessions:
        stopped = _registration_stopped_at(registration, session)
        if window is not None and stopped is not None and stopped < window.cancelled_since:
            continue
        items.append(
            _registration_item(registration, session, language=language, base_url=base_url)
        )
    return items


def _member_of(user) -> Member | None:
    try:
        return user.member
    except Member.DoesNotExist:
        return None


def registrations_of_user(user) -> QuerySet[Registration]:
    """A member's places at events: through their participant, or by their phone."""
    member = _member_of(user)
    match = Q(participant__member__user=user)
    if member is not None and member.phone:
        match |= Q(participant__phone=member.phone)
    return Registration.objects.filter(match)


def member_language(user) -> str:
    member = _member_of(user)
    return member.language if member is not None else "en"


# Feeds ----------------------------------------------------------------------------------


def _sorted(items: list[CalendarItem]) -> list[CalendarItem]:
    return sorted(items, key=lambda item: (item.starts_at, item.uid, item.recurrence_id or 0))


def member_feed_items(*, user, now: datetime.datetime, base_url: str) -> list[CalendarItem]:
    """The member's bookings and the events they hold a place at, nobody else's."""
    window = feed_window(now)
    language = member_language(user)
    items = _items_of_bookings(
        Booking.objects.filter(booked_by=user), window=window, anonymous=False, domain=uid_domain()
    )
    registrations = list(
        registrations_of_user(user)
        .filter(status__in=_SHOWN_REGISTRATIONS)
        .select_related("event__space", "event__room")
    )
    sessions: dict[int, list[EventSession]] = {}
    for session in (
        EventSession.objects.filter(
            event_id__in={registration.event_id for registration in registrations},
            starts_at__lt=window.end,
            ends_at__gt=window.start,
        )
        .select_related("booking")
        .order_by("starts_at", "pk")
    ):
        sessions.setdefault(session.event_id, []).append(session)
    for registration in registrations:
        items += _registration_session_items(
            registration,
            sessions.get(registration.event_id, []),
            language=language,
            base_url=base_url,
            window=window,
        )
    return _sorted(items)


def programme_items(
    *, space: Space, language: str, now: datetime.datetime, base_url: str
) -> list[CalendarItem]:
    """Every session of the space's public events."""
    return _sorted(
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
    return _sorted(
        _items_of_sessions(
            EventSession.objects.filter(event=event),
            window=feed_window(now),
            language=language,
            base_url=base_url,
        )
    )


def room_feed_items(*, room: Resource, now: datetime.datetime) -> list[CalendarItem]:
    """When the room is taken: busy blocks without names or purposes."""
    return _sorted(
        _items_of_bookings(
            Booking.objects.filter(resource=room),
            window=feed_window(now),
            anonymous=True,
            domain=uid_domain(),
        )
    )


def booking_items(*, booking: Booking) -> list[CalendarItem]:
    """One booking on its own (an invite, a download): its series' items if it has one."""
    return _items_of_bookings(
        Booking.objects.filter(pk=booking.pk), window=None, anonymous=False, domain=uid_domain()
    )
