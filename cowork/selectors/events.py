"""Reads of events: places left, the waitlist and a place on it, the lists pages show.

Each rule has its home here, and the services, the pages and the SMS texts ask it: how many
places are left (capacity less the confirmed and pending registrations), the waitlist's
order (the time of registering, then the id, which is also the order of promotion), which
session people may check in to now. Whether the public may register at a moment is a
question of the event's row alone: `Event.registration_state`.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from cowork.errors import NotFound
from cowork.models import (
    Attendance,
    Event,
    EventSession,
    Participant,
    Registration,
    RegistrationStatus,
    Space,
)
from cowork.models.events import HOLDING_STATUSES

# The waitlist's order: who registered first is promoted first.
WAITLIST_ORDER = ("created_at", "pk")
# Self check-in opens this long before a session starts, and stays open until it ends.
CHECK_IN_OPENS_BEFORE = datetime.timedelta(minutes=30)


# --- Places and the waitlist -------------------------------------------------------------


def with_registration_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    """`events` carrying their confirmed, pending and waitlisted counts, for lists."""

    def count(status):
        return Count("registrations", filter=Q(registrations__status=status))

    return events.annotate(
        n_confirmed=count(RegistrationStatus.CONFIRMED),
        n_pending=count(RegistrationStatus.PENDING),
        n_waitlisted=count(RegistrationStatus.WAITLISTED),
    )


def event_places_left(event: Event) -> int:
    """Places no confirmed or pending registration holds; 0 when full or overbooked (a
    walk-in takes a place even then). Uses the counts of `with_registration_counts` when
    the event carries them, else counts."""
    if hasattr(event, "n_confirmed"):
        holding = event.n_confirmed + event.n_pending
    else:
        holding = event.registrations.filter(status__in=HOLDING_STATUSES).count()
    return max(0, event.capacity - holding)


def event_waitlist(event: Event) -> QuerySet[Registration]:
    """The event's waitlisted registrations, the next to be promoted first."""
    return event.registrations.filter(status=RegistrationStatus.WAITLISTED).order_by(
        *WAITLIST_ORDER
    )


def registration_waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line; None when the registration is not waitlisted."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id, status=RegistrationStatus.WAITLISTED
    ).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


# --- Lists of events ---------------------------------------------------------------------


@dataclass(frozen=True)
class EventRow:
    """An event as a list shows it: the title in the reader's language, and its places."""

    event: Event
    title: str
    places_left: int
    confirmed: int = 0
    pending: int = 0
    waitlisted: int = 0


def event_rows(events: QuerySet[Event], *, language: str) -> list[EventRow]:
    """One row per event of `events`, in their order, counted in one query."""
    return [
        EventRow(
            event=event,
            title=event.title_in(language),
            places_left=event_places_left(event),
            confirmed=event.n_confirmed,
            pending=event.n_pending,
            waitlisted=event.n_waitlisted,
        )
        for event in with_registration_counts(events)
    ]


def public_upcoming_events(
    *, language: str, now: datetime.datetime, space: Space | None = None
) -> list[EventRow]:
    """Public, scheduled events not yet over, soonest first; of one centre if given."""
    events = Event.objects.filter(
        is_public=True,
        status=Event.Status.SCHEDULED,
        ends_at__gt=now,
        space__is_active=True,
    ).select_related("space", "room")
    # Only events taking several rooms have others to read; one query for them all.
    events = events.prefetch_related("other_rooms")
    if space is not None:
        events = events.filter(space=space)
    return event_rows(events.order_by("starts_at", "pk"), language=language)


def space_event_rows(
    *, space: Space, language: str, now: datetime.datetime
) -> tuple[list[EventRow], list[EventRow]]:
    """Every event of a centre for its hosts: those not yet over (soonest first), and
    those over (latest first)."""
    events = space.events.select_related("room").prefetch_related("other_rooms")
    upcoming = events.filter(ends_at__gt=now).order_by("starts_at", "pk")
    past = events.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    return event_rows(upcoming, language=language), event_rows(past, language=language)


# --- Registrations -----------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationRow:
    registration: Registration
    position: int | None = None


def event_registrations_by_status(event: Event) -> dict[str, list[RegistrationRow]]:
    """The event's registrations under each status, in the waitlist's order, so that the
    waitlisted carry their position in line."""
    by_status: dict[str, list[RegistrationRow]] = {value: [] for value in RegistrationStatus}
    registrations = event.registrations.select_related("participant", "registered_by")
    for registration in registrations.order_by(*WAITLIST_ORDER):
        bucket = by_status[registration.status]
        waiting = registration.status == RegistrationStatus.WAITLISTED
        bucket.append(RegistrationRow(registration, len(bucket) + 1 if waiting else None))
    return by_status


def registration_for_key(*, key: str) -> Registration:
    """The registration a cancellation link names; a wrong key reads like a missing one."""
    registration = (
        Registration.objects.select_related("event__space", "participant")
        .filter(cancel_key_hash=Registration.hash(key or ""))
        .first()
    )
    if registration is None:
        raise NotFound(_("No such registration."))
    return registration


# --- At the door -------------------------------------------------------------------------


def session_open_for_check_in(event: Event, now: datetime.datetime) -> EventSession | None:
    """The session people may check in to now: under way, or starting within 30 minutes."""
    return (
        event.sessions.filter(starts_at__lte=now + CHECK_IN_OPENS_BEFORE, ends_at__gt=now)
        .order_by("starts_at")
        .first()
    )


@dataclass(frozen=True)
class AttendanceRow:
    participant: Participant
    registration: Registration | None
    attendance: Attendance | None

    @property
    def phone_digits(self) -> str:
        return (self.participant.phone or "").lstrip("+")  # none once erased


def session_attendance_rows(event: Event, session: EventSession) -> list[AttendanceRow]:
    """Everyone confirmed, and anyone else marked present at this session (walk-ins), by
    name."""
    attendances = {
        a.participant_id: a
        for a in session.attendances.select_related("participant").order_by("at")
    }
    registrations = {
        r.participant_id: r
        for r in event.registrations.select_related("participant").filter(
            Q(status=RegistrationStatus.CONFIRMED) | Q(participant_id__in=list(attendances))
        )
    }
    people = {r.participant_id: r.participant for r in registrations.values()}
    people.update({a.participant_id: a.participant for a in attendances.values()})
    rows = [
        AttendanceRow(person, registrations.get(pk), attendances.get(pk))
        for pk, person in people.items()
    ]
    return sorted(rows, key=lambda row: (row.participant.name.casefold(), row.participant.pk))


@dataclass(frozen=True)
class AttendanceFigures:
    """The counts at the door: confirmed registrations, who is in, who is not (yet)."""

    registered: int
    present: int
    absent: int


def attendance_figures(rows: list[AttendanceRow]) -> AttendanceFigures:
    """The counts of `session_attendance_rows`: the page and the live updates share them."""
    registered = [
        row
        for row in rows
        if row.registration and row.registration.status == RegistrationStatus.CONFIRMED
    ]
    return AttendanceFigures(
        registered=len(registered),
        present=len([row for row in rows if row.attendance]),
        absent=len([row for row in registered if not row.attendance]),
    )


def attendance_snapshot(*, session: EventSession) -> dict:
    """What the live attendance page shows of a session: its counts, and who is in, in the
    order they came (their participant id, name and the time they were marked). Names go
    only to the centre's hosts and staff, the only ones let onto that page."""
    rows = session_attendance_rows(session.event, session)
    figures = attendance_figures(rows)
    present = sorted((row for row in rows if row.attendance), key=lambda row: row.attendance.at)
    return {
        "session": session.pk,
        "registered": figures.registered,
        "present": figures.present,
        "absent": figures.absent,
        "people": [
            {
                "id": row.participant.pk,
                "name": row.participant.name,
                "at": row.attendance.at.isoformat(),
            }
            for row in present
        ],
    }
