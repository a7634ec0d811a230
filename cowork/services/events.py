"""Writes of events: create and cancel them, register people, keep the waitlist, mark who came.

An event holds its room through the booking engine, one booking per session, so it can
never collide with another use of the room. Registration takes the event's row lock, so
places are counted exactly under concurrency and the waitlist keeps its order.
"""

import datetime
import hmac
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.booking_rules import require_aware
from cowork.errors import Conflict, InvalidInput, NotAllowed, NotFound, RuleViolation
from cowork.models import (
    Attendance,
    DomainEventKind,
    Event,
    EventAttempt,
    EventSession,
    Participant,
    Registration,
    RegistrationStatus,
    Resource,
    Space,
    Tag,
)
from cowork.models.people import AgeBand, Disability, Gender
from cowork.phones import phone_for_centre, phone_to_e164
from cowork.selectors.access import tags_usable_at, user_works_at_space
from cowork.services.booking import booking_cancel, booking_create
from cowork.services.event_limits import (
    check_in_limits_check,
    event_attempt_record,
    event_attempts_lock,
    registration_limits_check,
)
from cowork.services.locking import lock_event
from cowork.services.outbox import domain_event_record

# Registrations that hold a place, and those that wait for one.
HOLDING = (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING)
# What a registration that takes a status announces.
REGISTRATION_KINDS = {
    RegistrationStatus.CONFIRMED: DomainEventKind.REGISTRATION_CONFIRMED,
    RegistrationStatus.PENDING: DomainEventKind.REGISTRATION_PENDING,
    RegistrationStatus.WAITLISTED: DomainEventKind.REGISTRATION_WAITLISTED,
    RegistrationStatus.CANCELLED: DomainEventKind.REGISTRATION_CANCELLED,
}


def _require_staff(user, space: Space) -> None:
    if not user_works_at_space(user=user, space=space):
        raise NotAllowed(_("Only the centre's hosts and staff manage its events."))


def _record(kind: DomainEventKind, aggregate, event: Event, **payload) -> None:
    domain_event_record(
        kind=kind, aggregate=aggregate, space=event.space, payload={"event": event.pk, **payload}
    )


def event_create(
    *,
    space: Space,
    room: Resource,
    host,
    kind: str,
    title: str,
    sessions: list[tuple[datetime.datetime, datetime.datetime]],
    capacity: int,
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
) -> Event:
    """Create an event and book its room for every session: all of them, or nothing.

    A booking refusal (the room taken, outside hours) comes back as raised by the booking
    engine, naming the session's slot. Another organization's tag is refused (NotAllowed):
    it would put the event into that organization's donor's report.
    """
    _require_staff(host, space)
    if room.space_id != space.pk or room.kind != Resource.Kind.ROOM:
        raise InvalidInput(_("Choose a room of this centre."), code="bad_room")
    if kind not in Event.Kind.values:
        raise InvalidInput(_("Unknown kind of event."), code="bad_kind")
    if not title.strip():
        raise InvalidInput(_("Give the event a title."), code="no_title")
    if not sessions:
        raise InvalidInput(_("An event needs at least one session."), code="no_sessions")
    if capacity < 1 or capacity > room.capacity:
        raise RuleViolation(
            _("%(room)s seats %(seats)d; the event cannot take more.")
            % {"room": room.name, "seats": room.capacity},
            code="capacity_above_room",
            details={"room_capacity": room.capacity},
        )
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
        for start, end in ordered:
            booking = booking_create(
                resource=room,
                member=host,
                starts_at=start,
                ends_at=end,
                purpose=event.title,
                acting_user=host,
                now=now,
            )
            EventSession.objects.create(event=event, starts_at=start, ends_at=end, booking=booking)
        _record(DomainEventKind.EVENT_CREATED, event, event, sessions=len(ordered))
    return event


def event_cancel(*, event: Event, host, reason: str) -> Event:
    """Cancel the event, free its room, and let the registrants hear of it (event.cancelled)."""
    _require_staff(host, event.space)
    if not reason.strip():
        raise InvalidInput(_("Say why the event is cancelled."), code="reason_required")
    with transaction.atomic():
        event = lock_event(event.pk)
        if event.status == Event.Status.CANCELLED:
            raise RuleViolation(_("The event is already cancelled."), code="wrong_status")
        event.status = Event.Status.CANCELLED
        event.sequence += 1
        event.save(update_fields=["status", "sequence"])
        for session in event.sessions.select_related("booking"):
            if session.booking and session.booking.is_active:
                booking_cancel(booking=session.booking, acting_user=host, reason=reason)
        _record(DomainEventKind.EVENT_CANCELLED, event, event, reason=reason.strip())
    return event


@dataclass(frozen=True)
class Demographics:
    gender: str = ""
    age_band: str = ""
    disability: str = ""
    consent: bool = False

    def validate(self) -> None:
        for value, choices, field in (
            (self.gender, Gender.values, "gender"),
            (self.age_band, AgeBand.values, "age_band"),
            (self.disability, Disability.values, "disability"),
        ):
            if value and value not in choices:
                raise InvalidInput(
                    _("Unknown answer for %(field)s.") % {"field": field},
                    code="bad_demographics",
                    details={"field": field},
                )
        if (self.gender or self.age_band or self.disability) and not self.consent:
            raise InvalidInput(
                _("These answers are kept only with your consent; tick the consent box."),
                code="demographics_without_consent",
            )


def _registration_window(event: Event, now) -> None:
    if event.status != Event.Status.SCHEDULED:
        raise RuleViolation(_("The event is cancelled."), code="event_cancelled")
    if event.registration_opens_at and now < event.registration_opens_at:
        raise RuleViolation(_("Registration has not opened yet."), code="registration_not_open")
    closes = event.registration_closes_at or event.starts_at
    if now >= closes:
        raise RuleViolation(_("Registration is closed."), code="registration_closed")


def _participant_for(*, name, phone, language, email, demographics: Demographics, now):
    participant, _created = Participant.objects.select_for_update().get_or_create(
        phone=phone, defaults={"name": name, "language": language, "email": email}
    )
    changed = []
    if language and participant.language != language:
        participant.language, changed = language, [*changed, "language"]
    if email and participant.email != email:
        participant.email, changed = email, [*changed, "email"]
    if demographics.consent:
        participant.gender = demographics.gender
        participant.age_band = demographics.age_band
        participant.disability = demographics.disability
        participant.demographics_consent_at = now
        changed += ["gender", "age_band", "disability", "demographics_consent_at"]
    if changed:
        participant.save(update_fields=changed)
    return participant


def registration_create(
    *,
    event: Event,
    name: str,
    phone: str,
    language: str = "",
    email: str = "",
    demographics: Demographics = Demographics(),
    organization_type: str = "",
    accessibility_needs: str = "",
    registered_by=None,
    walk_in: bool = False,
    ip: str | None = None,
    now: datetime.datetime | None = None,
) -> tuple[Registration, str]:
    """Register someone by name and phone; return the registration and its cancel key.

    Confirmed while places last (or awaiting approval where the event wants it), then
    waitlisted in order. A phone registers once per event: a second try is a Conflict,
    unless the first was cancelled, when it takes its place in the queue again. Hosts
    registering people on their behalf may do so after registration closed; a walk-in
    takes a place even when the event is full, because they are already in the room.

    The phone is read in the centre's country and must be one the centre may text
    (`phone_for_centre`). Registrations without a host are limited per hour by `ip`, event
    and centre (`event_limits`): over a limit, TooManyAttempts and nothing is stored.
    """
    now = now or timezone.now()
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_("Enter your name."), code="no_name")
    phone = _phone_of_centre(phone, event.space)
    demographics.validate()
    by_host = registered_by is not None
    if by_host:
        _require_staff(registered_by, event.space)
    key = Registration.new_key()
    with transaction.atomic():
        if not by_host:
            # Before the event's row lock, as in every anonymous attempt: one lock order.
            event_attempts_lock()
            registration_limits_check(event=event, ip=ip, now=now)
        event = lock_event(event.pk)
        if by_host:
            # Hosts register people by phone or at the door, also after registration closed.
            if event.status != Event.Status.SCHEDULED:
                raise RuleViolation(_("The event is cancelled."), code="event_cancelled")
        else:
            _registration_window(event, now)
        if not event.is_public and not by_host:
            raise NotFound(_("No such event."))
        participant = _participant_for(
            name=name[:200],
            phone=phone,
            language=language,
            email=email,
            demographics=demographics,
            now=now,
        )
        existing = Registration.objects.filter(event=event, participant=participant).first()
        if existing and existing.status != RegistrationStatus.CANCELLED:
            raise Conflict(
                _("This phone number is already registered for this event."),
                code="already_registered",
                details={"status": existing.status},
            )
        holding = event.registrations.filter(status__in=HOLDING).count()
        if walk_in or holding < event.capacity:
            status = (
                RegistrationStatus.PENDING
                if event.registrations_need_approval and not by_host
                else RegistrationStatus.CONFIRMED
            )
        else:
            status = RegistrationStatus.WAITLISTED
        registration = existing or Registration(event=event, participant=participant)
        registration.status = status
        registration.organization_type = organization_type[:60]
        registration.accessibility_needs = accessibility_needs[:300]
        registration.registered_by = registered_by
        registration.cancel_key_hash = Registration.hash(key)
        registration.cancelled_at = None
        if existing:
            # Back of the queue: the order is the time of (re-)registering.
            registration.created_at = now
        registration.save()
        _record(REGISTRATION_KINDS[status], registration, event, registration=registration.pk)
        if not by_host:
            event_attempt_record(kind=EventAttempt.Kind.REGISTERED, event=event, ip=ip, now=now)
    return registration, key


def _promote_next(event: Event, now) -> Registration | None:
    waiting = (
        event.registrations.filter(status=RegistrationStatus.WAITLISTED)
        .order_by("created_at", "id")
        .first()
    )
    if waiting is None:
        return None
    waiting.status = RegistrationStatus.CONFIRMED
    waiting.promoted_at = now
    waiting.save(update_fields=["status", "promoted_at"])
    _record(DomainEventKind.REGISTRATION_PROMOTED, waiting, event, registration=waiting.pk)
    return waiting


def registration_cancel(
    *,
    registration: Registration,
    acting_user=None,
    key: str = "",
    participant: Participant | None = None,
    now=None,
) -> Registration:
    """Cancel by the link's key, as a host, or as the `participant` themself (known by the
    phone they replied from); the first on the waitlist takes the place."""
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if acting_user is not None:
            _require_staff(acting_user, event.space)
        elif participant is not None:
            if registration.participant_id != participant.pk:
                raise NotFound(_("No such registration."))
        elif not key or Registration.hash(key) != registration.cancel_key_hash:
            raise NotFound(_("No such registration."))
        if registration.status == RegistrationStatus.CANCELLED:
            raise RuleViolation(_("This registration is already cancelled."), code="wrong_status")
        held_a_place = registration.status in HOLDING
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        _record(
            DomainEventKind.REGISTRATION_CANCELLED,
            registration,
            event,
            registration=registration.pk,
        )
        if held_a_place and event.starts_at > now:
            _promote_next(event, now)
    return registration


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


def registration_approve(*, registration: Registration, host, now=None) -> Registration:
    """Approve a pending registration: confirmed while places last, else waitlisted."""
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(registration.event_id)
        _require_staff(host, event.space)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != RegistrationStatus.PENDING:
            raise RuleViolation(
                _("Only registrations awaiting approval can be approved."), code="wrong_status"
            )
        confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        registration.status = (
            RegistrationStatus.CONFIRMED
            if confirmed < event.capacity
            else RegistrationStatus.WAITLISTED
        )
        registration.save(update_fields=["status"])
        _record(
            REGISTRATION_KINDS[registration.status],
            registration,
            event,
            registration=registration.pk,
        )
    return registration


def attendance_mark(
    *, session: EventSession, participant: Participant, host, method=Attendance.Method.HOST
) -> Attendance:
    """Mark that someone came to a session; marking twice changes nothing."""
    event = session.event
    if host is not None:
        _require_staff(host, event.space)
    with transaction.atomic():
        attendance, created = Attendance.objects.get_or_create(
            session=session,
            participant=participant,
            defaults={"method": method, "marked_by": host},
        )
        if created:
            _record(DomainEventKind.ATTENDANCE_MARKED, attendance, event, session=session.pk)
    return attendance


def attendance_unmark(*, session: EventSession, participant: Participant, host) -> None:
    _require_staff(host, session.event.space)
    with transaction.atomic():
        deleted, _rows = Attendance.objects.filter(
            session=session, participant=participant
        ).delete()
        if deleted:
            _record(DomainEventKind.ATTENDANCE_UNMARKED, session, session.event, session=session.pk)


def walk_in_add(
    *,
    session: EventSession,
    name: str,
    phone: str,
    host,
    language: str = "",
    demographics: Demographics = Demographics(),
) -> Attendance:
    """Someone came without registering: register them on the spot and mark them present."""
    event = session.event
    existing = Participant.objects.filter(phone=_phone_of_centre(phone, event.space)).first()
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


def _phone_of_centre(phone: str, space: Space) -> str:
    """The phone read for `space` (`phone_for_centre`), or InvalidInput saying why not."""
    try:
        return phone_for_centre(phone, space=space)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], code="bad_phone") from exc


# Self check-in opens this long before a session starts, and stays open until it ends.
CHECK_IN_OPENS_BEFORE = datetime.timedelta(minutes=30)


def session_open_for_check_in(event: Event, now: datetime.datetime) -> EventSession | None:
    """The session people may check in to now: under way, or starting within 30 minutes."""
    return (
        event.sessions.filter(starts_at__lte=now + CHECK_IN_OPENS_BEFORE, ends_at__gt=now)
        .order_by("starts_at")
        .first()
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
        session=session, participant=registration.participant, host=host, method=method
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
    phone = _phone_of_centre(phone, event.space)
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
    _require_staff(host, event.space)
    phone = _phone_of_centre(phone, event.space)
    registration = (
        Registration.objects.select_related("event__space", "participant")
        .filter(event=event, participant__phone=phone)
        .first()
    )
    if registration is None:
        raise NotFound(_("We could not find a registration for this phone."), code="not_registered")
    return _check_in(registration, host=host, method=Attendance.Method.HOST, now=now)


def registration_confirm_attendance(
    *, registration: Registration, participant: Participant, now=None
) -> Registration:
    """Record that `participant` will come to the event they hold a place at (a reply of Y);
    a second time keeps the first moment and records nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.participant_id != participant.pk:
            raise NotFound(_("No such registration."))
        if event.status != Event.Status.SCHEDULED:
            raise RuleViolation(_("The event is cancelled."), code="event_cancelled")
        if event.ends_at <= now:
            raise RuleViolation(_("The event is over."), code="event_over")
        if registration.status != RegistrationStatus.CONFIRMED:
            raise RuleViolation(
                _("Only a confirmed place can be confirmed; yours is %(status)s.")
                % {"status": registration.get_status_display().lower()},
                code="wrong_status",
                details={"status": registration.status},
            )
        if registration.attendance_confirmed_at is None:
            registration.attendance_confirmed_at = now
            registration.save(update_fields=["attendance_confirmed_at"])
            _record(
                DomainEventKind.REGISTRATION_ATTENDANCE_CONFIRMED,
                registration,
                event,
                registration=registration.pk,
            )
    return registration
