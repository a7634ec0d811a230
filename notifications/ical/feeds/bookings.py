"""Bookings as calendar items: a room's busy blocks, one booking on its own, and the
bookings in a member's feed. A series is one recurring item."""

import datetime
import zoneinfo

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cowork.models import Booking, BookingStatus, Resource, Series, Space
from cowork.services.series import series_occurrences
from notifications.ical.feeds.common import (
    CANCELLED,
    CONFIRMED,
    TENTATIVE,
    Window,
    feed_window,
    location_of,
    sorted_items,
)
from notifications.ical.render import CalendarItem
from notifications.ical.site import uid_domain

# Bookings that happen (or happened); the others were called off one way or another.
_HAPPENING = (
    BookingStatus.PENDING,
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.COMPLETED,
)


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
    name = booking.resource.name_in(get_language())
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
        location=location_of(booking.space, booking.resource.name_in(get_language())),
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
    summary = (
        _("Busy") if anonymous else (series.purpose or sample.resource.name_in(get_language()))
    )
    location = location_of(space, sample.resource.name_in(get_language()))
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
    from icalendar import vRecur  # as notifications.ical.render imports it: where it is used

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


def items_of_bookings(
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


def room_feed_items(*, room: Resource, now: datetime.datetime) -> list[CalendarItem]:
    """When the room is taken: busy blocks without names or purposes."""
    return sorted_items(
        items_of_bookings(
            Booking.objects.filter(resource=room),
            window=feed_window(now),
            anonymous=True,
            domain=uid_domain(),
        )
    )


def booking_items(*, booking: Booking) -> list[CalendarItem]:
    """One booking on its own (an invite, a download): its series' items if it has one."""
    return items_of_bookings(
        Booking.objects.filter(pk=booking.pk), window=None, anonymous=False, domain=uid_domain()
    )
