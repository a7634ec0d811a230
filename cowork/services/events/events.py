"""Writes of events themselves: create one with its rooms booked for every session, cancel it.

An event in the centre holds its rooms through the booking engine, one booking per room and
session, so it can never collide with another use of a room; the rooms of one session share a
booking group and stand or fall together. An event at an outside venue (a hall of someone
else's) books nothing of ours: its places are bounded by the venue's seats.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cowork.booking_rules import require_aware
from cowork.dates import local_day
from cowork.errors import Conflict, DomainError, InvalidInput, NotAllowed, RuleViolation
from cowork.models import (
    DomainEventKind,
    Event,
    EventSession,
    EventSessionRoom,
    Resource,
    Space,
    Tag,
)
from cowork.models.bookings import new_group_id
from cowork.phones import phone_to_e164
from cowork.selectors.access import tags_usable_at
from cowork.services.booking import booking_cancel, booking_create
from cowork.services.events.common import record, require_staff
from cowork.services.locking import lock_event


@dataclass(frozen=True)
class OutsideVenue:
    """A place outside the centre: its name, address and how many people it seats."""

    name: str
    address: str = ""
    capacity: int = 0


def _check_rooms(space: Space, rooms: list[Resource], capacity: int) -> None:
    if any(room.space_id != space.pk or room.kind != Resource.Kind.ROOM for room in rooms):
        raise InvalidInput(_("Choose a room of this centre."), code="bad_room")
    if len({room.pk for room in rooms}) != len(rooms):
        raise InvalidInput(_("Choose each room once."), code="bad_room")
    seats = sum(room.capacity for room in rooms)
    if capacity < 1 or capacity > seats:
        if len(rooms) == 1:
            message = _("%(room)s seats %(seats)d; the event cannot take more.") % {
                "room": rooms[0].name_in(get_language()),
                "seats": seats,
            }
        else:
            message = _("%(rooms)s seat %(seats)d together; the event cannot take more.") % {
                "rooms": " + ".join(room.name_in(get_language()) for room in rooms),
                "seats": seats,
            }
        raise RuleViolation(message, code="capacity_above_room", details={"room_capacity": seats})


def _check_venue(venue: OutsideVenue, capacity: int) -> OutsideVenue:
    name, address = venue.name.strip(), venue.address.strip()
    if not name:
        raise InvalidInput(_("Give the outside venue's name."), code="no_venue_name")
    if len(name) > 200 or len(address) > 300:
        raise InvalidInput(_("The venue's name or address is too long."), code="no_venue_name")
    if venue.capacity < 1:
        raise InvalidInput(_("Say how many people the venue seats."), code="bad_venue_capacity")
    if capacity < 1 or capacity > venue.capacity:
        raise RuleViolation(
            _("%(room)s seats %(seats)d; the event cannot take more.")
            % {"room": name, "seats": venue.capacity},
            code="capacity_above_room",
            details={"room_capacity": venue.capacity},
        )
    return OutsideVenue(name=name, address=address, capacity=venue.capacity)


def event_create(
    *,
    space: Space,
    host,
    kind: str,
    title: str,
    sessions: list[tuple[datetime.datetime, datetime.datetime]],
    capacity: int,
    room: Resource | None = None,
    other_rooms: list[Resource] = (),
    venue: OutsideVenue | None = None,
    description: str = "",
    translations: dict | None = None,
    is_public: bool = True,
    registration_opens_at: datetime.datetime | None = None,
    registration_closes_at: datetime.datetime | None = None,
    registrations_need_approval: bool = False,
    organizer_name: str = "",
    organizer_phone: str = "",
    organizer_email: str = "",
    tags: list[Tag] = (),
    now: datetime.datetime | None = None,
    skip_refused_sessions: bool = False,
) -> Event:
    """Create an event and book its rooms for every session: all of them, or nothing.

    In the centre: `room` and any `other_rooms` taken at the same time, the places at most
    their seats summed; the rooms of one session are booked together or not at all.
    Elsewhere: `venue`, and nothing of ours is booked. A single session's refusal (a room
    taken, outside hours) comes back as raised by the booking engine. Of several sessions
    every refused one is named (`sessions_refused`, `details["refused"]`), and nothing is
    made unless `skip_refused_sessions`: then the event is held on the sessions its rooms
    could be booked for (at least one). Another organization's tag is refused (NotAllowed):
    it would put the event into that organization's donor's report.
    """
    require_staff(host, space)
    if venue is not None and (room is not None or other_rooms):
        raise InvalidInput(
            _("An event is in the centre's rooms or at a venue, not both."), code="room_and_venue"
        )
    if venue is None and room is None:
        raise InvalidInput(
            _("Choose a room of the centre, or give an outside venue."), code="bad_room"
        )
    if kind not in Event.Kind.values:
        raise InvalidInput(_("Unknown kind of event."), code="bad_kind")
    if not title.strip():
        raise InvalidInput(_("Give the event a title."), code="no_title")
    if not sessions:
        raise InvalidInput(_("An event needs at least one session."), code="no_sessions")
    rooms = [room, *other_rooms] if room is not None else []
    if venue is not None:
        venue = _check_venue(venue, capacity)
    else:
        _check_rooms(space, rooms, capacity)
    for start, end in sessions:
        require_aware(start, field="starts_at")
        require_aware(end, field="ends_at")
    for moment, field in (
        (registration_opens_at, "registration_opens_at"),
        (registration_closes_at, "registration_closes_at"),
    ):
        if moment is not None:
            require_aware(moment, field=field)
    usable = set(tags_usable_at(space=space).filter(pk__in=[tag.pk for tag in tags]))
    if set(tags) - usable:
        raise NotAllowed(
            _("An event carries only its centre's organization's tags and the network's."),
            code="foreign_tag",
        )
    phone = phone_to_e164(organizer_phone, region=space.country) if organizer_phone.strip() else ""
    ordered = sorted(sessions)
    with transaction.atomic():
        event = Event.objects.create(
            space=space,
            room=room,
            venue_name=venue.name if venue else "",
            venue_address=venue.address if venue else "",
            venue_capacity=venue.capacity if venue else None,
            kind=kind,
            title=title.strip()[:200],
            description=description,
            translations=translations or {},
            starts_at=ordered[0][0],
            ends_at=ordered[-1][1],
            capacity=capacity,
            is_public=is_public,
            registration_opens_at=registration_opens_at,
            registration_closes_at=registration_closes_at,
            registrations_need_approval=registrations_need_approval,
            organizer_name=organizer_name,
            organizer_phone=phone,
            organizer_email=organizer_email,
            created_by=host,
        )
        event.tags.set(tags)
        event.other_rooms.set(rooms[1:])
        refused = []
        held = []
        for start, end in ordered:
            try:
                # The rooms of one session stand or fall together: one group, one savepoint.
                with transaction.atomic():
                    group = new_group_id() if len(rooms) > 1 else None
                    bookings = [
                        booking_create(
                            resource=each,
                            member=host,
                            starts_at=start,
                            ends_at=end,
                            purpose=event.title,
                            acting_user=host,
                            now=now,
                            group=group,
                        )
                        for each in rooms
                    ]
            except DomainError as refusal:
                if len(ordered) == 1:
                    raise
                refused.append((start, end, refusal))
                continue
            session = EventSession.objects.create(
                event=event, starts_at=start, ends_at=end, booking=bookings[0] if bookings else None
            )
            EventSessionRoom.objects.bulk_create(
                EventSessionRoom(session=session, booking=booking) for booking in bookings[1:]
            )
            held.append(session)
        if refused and (not skip_refused_sessions or not held):
            # Raised inside the atomic block: the event and every session's booking go.
            raise _sessions_refusal(refused, room=room, of=len(ordered))
        if refused:
            event.starts_at, event.ends_at = held[0].starts_at, held[-1].ends_at
            event.save(update_fields=["starts_at", "ends_at"])
        record(
            DomainEventKind.EVENT_CREATED,
            event,
            event,
            sessions=len(held),
            skipped=len(refused),
            rooms=[each.pk for each in rooms],
            outside=venue is not None,
        )
    return event


def _sessions_refusal(refused, *, room: Resource, of: int) -> DomainError:
    """Every session the room cannot be booked for, and why, in one refusal: a Conflict
    when the first is taken (as a single session's would be), else a RuleViolation."""
    zone = room.space.zone
    error_class = Conflict if isinstance(refused[0][2], Conflict) else RuleViolation
    return error_class(
        _("%(count)d of %(of)d sessions cannot be held in %(room)s:")
        % {"count": len(refused), "of": of, "room": room.name_in(get_language())},
        code="sessions_refused",
        details={
            "refused": [
                {
                    "starts_at": start.isoformat(),
                    "ends_at": end.isoformat(),
                    "code": refusal.code,
                    "message": refusal.message,
                    "day": local_day(start, zone),
                }
                for start, end, refusal in refused
            ]
        },
    )


def event_cancel(*, event: Event, host, reason: str) -> Event:
    """Cancel the event, free its rooms, and let the registrants hear of it (event.cancelled)."""
    require_staff(host, event.space)
    if not reason.strip():
        raise InvalidInput(_("Say why the event is cancelled."), code="reason_required")
    with transaction.atomic():
        event = lock_event(event.pk)
        if event.status == Event.Status.CANCELLED:
            raise RuleViolation(_("The event is already cancelled."), code="wrong_status")
        event.status = Event.Status.CANCELLED
        event.cancel_reason = reason.strip()[:300]
        event.cancelled_at = timezone.now()
        event.sequence += 1
        event.save(update_fields=["status", "cancel_reason", "cancelled_at", "sequence"])
        for session in event.sessions.select_related("booking"):
            # Cancelling the first room's booking cancels the session's other rooms with it.
            if session.booking and session.booking.is_active:
                booking_cancel(booking=session.booking, acting_user=host, reason=reason)
        record(DomainEventKind.EVENT_CANCELLED, event, event, reason=reason.strip())
    return event
