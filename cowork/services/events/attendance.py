"""Writes of attendance: hosts mark who came and add walk-ins; people check themselves in
with their personal link, or with their phone and check-in code at the event's QR page."""

import hmac

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.errors import NotFound, RuleViolation
from cowork.models import (
    Attendance,
    DomainEventKind,
    Event,
    EventAttempt,
    EventSession,
    Participant,
    Registration,
    RegistrationStatus,
)
from cowork.selectors.events import session_open_for_check_in
from cowork.services.booking import event_room_check_in
from cowork.services.event_limits import (
    check_in_limits_check,
    event_attempt_record,
    event_attempts_lock,
)
from cowork.services.events.common import phone_of_centre, record, require_staff
from cowork.services.events.registrations import (
    NO_DEMOGRAPHICS,
    Demographics,
    registration_create,
)


def attendance_mark(
    *,
    session: EventSession,
    participant: Participant,
    host,
    method=Attendance.Method.HOST,
    now=None,
) -> Attendance:
    """Mark that someone came to a session; marking twice changes nothing.

    The first one in puts the session's room booking in use (checked in), so the room is
    never released as a no-show while people sit in it.
    """
    event = session.event
    if host is not None:
        require_staff(host, event.space)
    with transaction.atomic():
        attendance, created = Attendance.objects.get_or_create(
            session=session,
            participant=participant,
            defaults={"method": method, "marked_by": host},
        )
        if created:
            if session.booking_id is not None:
                event_room_check_in(booking=session.booking, now=now or timezone.now(), by=host)
            record(
                DomainEventKind.ATTENDANCE_MARKED,
                attendance,
                event,
                session=session.pk,
                **_room_of(session),
            )
    return attendance


def _room_of(session: EventSession) -> dict:
    # Names the room in the payload, so the live views redraw it with its new head count.
    return {"resource": session.booking.resource_id} if session.booking_id else {}


def attendance_unmark(*, session: EventSession, participant: Participant, host) -> None:
    require_staff(host, session.event.space)
    with transaction.atomic():
        deleted, _rows = Attendance.objects.filter(
            session=session, participant=participant
        ).delete()
        if deleted:
            record(
                DomainEventKind.ATTENDANCE_UNMARKED,
                session,
                session.event,
                session=session.pk,
                **_room_of(session),
            )


def walk_in_add(
    *,
    session: EventSession,
    name: str,
    phone: str,
    host,
    language: str = "",
    demographics: Demographics = NO_DEMOGRAPHICS,
) -> Attendance:
    """Someone came without registering: register them on the spot and mark them present."""
    event = session.event
    existing = Participant.objects.filter(phone=phone_of_centre(phone, event.space)).first()
    registration = (
        Registration.objects.filter(event=event, participant=existing).first() if existing else None
    )
    if registration is None or registration.status == RegistrationStatus.CANCELLED:
        registration, _key = registration_create(
            event=event,
            name=name,
            phone=phone,
            language=language,
            demographics=demographics,
            registered_by=host,
            walk_in=True,
        )
    return attendance_mark(
        session=session,
        participant=registration.participant,
        host=host,
        method=Attendance.Method.WALK_IN,
    )


def _check_in(registration: Registration, *, host, method, now) -> Attendance:
    event = registration.event
    if event.status != Event.Status.SCHEDULED:
        raise RuleViolation(_("The event is cancelled."), code="event_cancelled")
    if registration.status != RegistrationStatus.CONFIRMED:
        raise RuleViolation(
            _("Only a confirmed place can be checked in; ask a host at the door."),
            code="wrong_status",
            details={"status": registration.status},
        )
    session = session_open_for_check_in(event, now)
    if session is None:
        raise RuleViolation(_("No session of this event is under way now."), code="no_session_now")
    return attendance_mark(
        session=session, participant=registration.participant, host=host, method=method, now=now
    )


def attendance_check_in_by_key(*, registration: Registration, key: str, now=None) -> Attendance:
    """The person checks in from their personal registration page: the link's key proves it
    is them, so no phone or code is asked for."""
    now = now or timezone.now()
    if not key or Registration.hash(key) != registration.cancel_key_hash:
        raise NotFound(_("No such registration."))
    return _check_in(registration, host=None, method=Attendance.Method.QR, now=now)


def attendance_check_in_by_code(
    *, event: Event, phone: str, code: str, ip: str | None, now=None
) -> Attendance:
    """Someone scanned the event's QR code and gave their phone and check-in code.

    A wrong phone and a wrong code get the same answer, so the page tells nobody who is
    registered; refusals are counted per `ip` and per event (`event_limits`), and past a
    limit every attempt is refused unheard, so the code cannot be found by guessing.
    """
    now = now or timezone.now()
    phone = phone_of_centre(phone, event.space)
    code = "".join(str(code or "").split())
    with transaction.atomic():
        event_attempts_lock()
        check_in_limits_check(event=event, ip=ip, now=now)
        registration = (
            Registration.objects.select_related("event__space", "participant")
            .filter(event=event, participant__phone=phone)
            .first()
        )
        matches = registration is not None and hmac.compare_digest(
            registration.check_in_code.encode(), code.encode()
        )
        if not matches:
            event_attempt_record(
                kind=EventAttempt.Kind.CHECK_IN_REFUSED, event=event, ip=ip, now=now
            )
    if not matches:
        raise NotFound(
            _("This phone and check-in code do not match a registration; ask a host."),
            code="not_registered",
        )
    return _check_in(registration, host=None, method=Attendance.Method.QR, now=now)


def attendance_check_in_by_phone(*, event: Event, phone: str, host, now=None) -> Attendance:
    """A host or staff member checks someone in by the phone they registered with."""
    now = now or timezone.now()
    require_staff(host, event.space)
    phone = phone_of_centre(phone, event.space)
    registration = (
        Registration.objects.select_related("event__space", "participant")
        .filter(event=event, participant__phone=phone)
        .first()
    )
    if registration is None:
        raise NotFound(_("We could not find a registration for this phone."), code="not_registered")
    return _check_in(registration, host=host, method=Attendance.Method.HOST, now=now)
