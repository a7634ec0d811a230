"""Writes of registrations: register people, keep the waitlist, approve, cancel, confirm.

Each takes the event's row lock, so places are counted exactly under concurrency and the
waitlist keeps its order; places left and the waitlist's order are the selectors' rules
(`cowork.selectors.events`), the registration window the event's own.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.errors import Conflict, InvalidInput, NotFound, RuleViolation
from cowork.models import (
    DomainEventKind,
    Event,
    EventAttempt,
    Participant,
    Registration,
    RegistrationStatus,
)
from cowork.models.people import AgeBand, Disability, Gender
from cowork.selectors.events import event_places_left, event_waitlist
from cowork.services.event_limits import (
    event_attempt_record,
    event_attempts_lock,
    registration_limits_check,
)
from cowork.services.events.common import phone_of_centre, record, require_staff
from cowork.services.locking import lock_event

# What a registration that takes a status announces.
REGISTRATION_KINDS = {
    RegistrationStatus.CONFIRMED: DomainEventKind.REGISTRATION_CONFIRMED,
    RegistrationStatus.PENDING: DomainEventKind.REGISTRATION_PENDING,
    RegistrationStatus.WAITLISTED: DomainEventKind.REGISTRATION_WAITLISTED,
    RegistrationStatus.CANCELLED: DomainEventKind.REGISTRATION_CANCELLED,
}


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


# No answers given: the default of every service that may receive them.
NO_DEMOGRAPHICS = Demographics()


def _registration_window(event: Event, now) -> None:
    """Refuse the public outside the event's registration window (`registration_state`)."""
    state = event.registration_state(now)
    if state == "cancelled":
        raise RuleViolation(_("The event is cancelled."), code="event_cancelled")
    if state == "not_open":
        raise RuleViolation(_("Registration has not opened yet."), code="registration_not_open")
    if state == "closed":
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
    demographics: Demographics = NO_DEMOGRAPHICS,
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
    phone = phone_of_centre(phone, event.space)
    demographics.validate()
    by_host = registered_by is not None
    if by_host:
        require_staff(registered_by, event.space)
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
        if walk_in or event_places_left(event) > 0:
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
        record(REGISTRATION_KINDS[status], registration, event, registration=registration.pk)
        if not by_host:
            event_attempt_record(kind=EventAttempt.Kind.REGISTERED, event=event, ip=ip, now=now)
    return registration, key


def _promote_next(event: Event, now) -> Registration | None:
    waiting = event_waitlist(event).first()
    if waiting is None:
        return None
    waiting.status = RegistrationStatus.CONFIRMED
    waiting.promoted_at = now
    waiting.save(update_fields=["status", "promoted_at"])
    record(DomainEventKind.REGISTRATION_PROMOTED, waiting, event, registration=waiting.pk)
    return waiting


def registration_cancel(
    *,
    registration: Registration,
    acting_user=None,
    key: str = "",
    participant: Participant | None = None,
    reason: str = "",
    now=None,
) -> Registration:
    """Cancel by the link's key, as a host, or as the `participant` themself (known by the
    phone they replied from); the first on the waitlist takes the place.

    A host's cancellation (`acting_user`) is news to the person, who is told it with the
    host's `reason`; a registration that waited for approval is then declined.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if acting_user is not None:
            require_staff(acting_user, event.space)
        elif participant is not None:
            if registration.participant_id != participant.pk:
                raise NotFound(_("No such registration."))
        elif not key or Registration.hash(key) != registration.cancel_key_hash:
            raise NotFound(_("No such registration."))
        if registration.status == RegistrationStatus.CANCELLED:
            raise RuleViolation(_("This registration is already cancelled."), code="wrong_status")
        held_a_place = registration.holds_place
        was = registration.status
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        record(
            DomainEventKind.REGISTRATION_CANCELLED,
            registration,
            event,
            registration=registration.pk,
            was=was,
            by_host=acting_user is not None,
            reason=" ".join(reason.split())[:300],
        )
        if held_a_place and event.starts_at > now:
            _promote_next(event, now)
    return registration


def registration_approve(*, registration: Registration, host, now=None) -> Registration:
    """Approve a pending registration: confirmed while places last, else waitlisted."""
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(registration.event_id)
        require_staff(host, event.space)
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
        record(
            REGISTRATION_KINDS[registration.status],
            registration,
            event,
            registration=registration.pk,
        )
    return registration


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
            record(
                DomainEventKind.REGISTRATION_ATTENDANCE_CONFIRMED,
                registration,
                event,
                registration=registration.pk,
            )
    return registration
