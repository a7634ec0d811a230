"""From domain events to Notification rows: which SMS each change deserves, and when.

Subscribed in NotificationsConfig.ready(); the relay calls these after commit, maybe twice,
so every row has a key that names it for good and a second call makes nothing. Nothing
here scans the calendar: a booking's reminders are made when it is confirmed, moved with
it, and cancelled with it.

A member chooses on their profile which reminders they get (bookings, events), how long
before (else the centre's `sms_reminders`) and quiet hours of their own; a participant
with an account is the member. A change of those choices re-plans the pending reminders
(`member_reminders_changed`); the new rows' keys carry the choices' version, so they are
new messages, and a second delivery of the change finds them made.
"""

from django.db.models import Q
from django.utils import timezone

from cowork import outbox
from cowork.models import (
    Booking,
    BookingStatus,
    DomainEvent,
    DomainEventKind,
    Event,
    EventSession,
    Member,
    Registration,
    RegistrationStatus,
    Resource,
    Series,
)
from notifications.messaging.enqueue import dispatch_soon
from notifications.models import Notification
from notifications.quiet_hours import REMINDERS
from notifications.reminder_rows import (
    cancel_pending as _cancel_pending,
)
from notifications.reminder_rows import (
    choices_version as _version,
)
from notifications.reminder_rows import (
    due_at as _due,
)
from notifications.reminder_rows import (
    enqueue as _enqueue,
)
from notifications.reminder_rows import (
    member_of as _member_of,
)
from notifications.reminder_rows import (
    participant_of as _participant_of,
)
from notifications.reminder_rows import (
    quiet_hours_of as _quiet_hours_of,
)
from notifications.reminder_rows import (
    reminder_times as _reminder_times,
)
from notifications.sms.messages import sms_language

Kind = Notification.Kind
Status = Notification.Status


def subscribe() -> None:
    """Hand the relay our handlers; called from NotificationsConfig.ready()."""
    for kind, handler in (
        (DomainEventKind.BOOKING_CREATED, booking_confirmed),
        (DomainEventKind.BOOKING_APPROVED, booking_confirmed),
        (DomainEventKind.SERIES_CREATED, series_confirmed),
        (DomainEventKind.BOOKING_MOVED, booking_moved),
        (DomainEventKind.BOOKING_CANCELLED, booking_cancelled),
        (DomainEventKind.BOOKING_DECLINED, booking_declined),
        (DomainEventKind.BOOKING_RELEASED, booking_released),
        (DomainEventKind.BOOKING_CHECKED_IN, booking_finished_with_reminders),
        (DomainEventKind.BOOKING_CHECKED_OUT, booking_finished_with_reminders),
        (DomainEventKind.REGISTRATION_CONFIRMED, registration_confirmed),
        (DomainEventKind.REGISTRATION_PROMOTED, registration_confirmed),
        (DomainEventKind.REGISTRATION_WAITLISTED, registration_waitlisted),
        (DomainEventKind.REGISTRATION_CANCELLED, registration_cancelled),
        (DomainEventKind.EVENT_CANCELLED, event_cancelled),
        (DomainEventKind.MEMBER_REMINDERS_CHANGED, member_reminders_changed),
    ):
        outbox.subscribe(kind, handler, lane=outbox.TASKS)


# Bookings --------------------------------------------------------------------------------


def booking_confirmed(event: DomainEvent) -> None:
    booking = _booking(event)
    if booking is None or booking.status != BookingStatus.CONFIRMED:
        return
    # A series made confirmed is told in one message (`series_confirmed`); a series whose
    # dates a host approves one by one is told once, at the first date's approval.
    told_by_series = booking.series_id is not None and event.kind == DomainEventKind.BOOKING_CREATED
    if not told_by_series and _is_first_of_its_series(booking):
        _to_booker(booking, Kind.BOOKING_CONFIRMED, key=f"booking:{booking.pk}:confirmed")
    _schedule_booking_reminders(booking)
    dispatch_soon()


def series_confirmed(event: DomainEvent) -> None:
    """One message for a new series: how often, from when, how many dates, how many skipped."""
    series = Series.objects.filter(pk=event.payload.get("series")).first()
    if series is None:
        return
    first = (
        series.bookings.select_related("space", "resource", "booked_by__member", "series")
        .filter(resource_id=series.resource_id, status=BookingStatus.CONFIRMED)
        .order_by("starts_at")
        .first()
    )
    if first is None:  # held for approval, or cancelled already: approvals tell the rest
        return
    _to_booker(first, Kind.SERIES_CONFIRMED, key=f"series:{series.pk}:confirmed")
    dispatch_soon()


def booking_moved(event: DomainEvent) -> None:
    booking = _booking(event, for_sessions=True)
    if booking is None:
        return
    session = _session_of(booking)
    if session is not None:
        _session_moved(session, booking)
    else:
        _move_pending_reminders(booking)
        if booking.status == BookingStatus.CONFIRMED:
            _schedule_booking_reminders(booking)
        else:  # awaiting approval again: reminders come back with the approval
            _cancel_pending(Q(booking=booking), reason="booking_pending")
        if event.payload.get("by") != booking.booked_by_id:
            key = f"booking:{booking.pk}:moved:{booking.sequence}"
            _to_booker(booking, Kind.BOOKING_MOVED, key=key, reason=_reason(event))
    dispatch_soon()


def booking_cancelled(event: DomainEvent) -> None:
    booking = _booking(event)
    if booking is None:
        return
    # What was still to be said of the booking goes, but not this very news: the relay may
    # hand the event over again before it is sent.
    news = (Kind.BOOKING_CANCELLED, Kind.SERIES_CANCELLED)
    _cancel_pending(Q(booking=booking), reason="booking_cancelled", keep=news)
    # Someone who cancels their own booking saw it happen; a host's cancellation is news.
    if event.payload.get("by_host"):
        together = _cancelled_with(booking)
        if len(together) > 1:
            # The rest of a series, cancelled at once: one message from its first on.
            first = together[0]
            key = f"series:{booking.series_id}:cancelled:{first.pk}:{first.sequence}"
            _to_booker(first, Kind.SERIES_CANCELLED, key=key, reason=_reason(event))
        else:
            key = f"booking:{booking.pk}:cancelled"
            _to_booker(booking, Kind.BOOKING_CANCELLED, key=key, reason=_reason(event))
        dispatch_soon()


def _cancelled_with(booking: Booking) -> list[Booking]:
    """The occurrences of `booking`'s series cancelled in the same call, first first."""
    if booking.series_id is None or booking.cancelled_at is None:
        return [booking]
    same_call = Q(series_id=booking.series_id, cancelled_at=booking.cancelled_at)
    together = Booking.objects.filter(same_call, status=BookingStatus.CANCELLED)
    together = together.select_related("space", "resource", "booked_by__member")
    return list(together.order_by("starts_at", "pk"))


def booking_declined(event: DomainEvent) -> None:
    """A request the host declined: said as declined, with the host's reason."""
    booking = _booking(event)
    if booking is None:
        return
    _cancel_pending(Q(booking=booking), reason="booking_declined", keep=Kind.BOOKING_DECLINED)
    key = f"booking:{booking.pk}:declined"
    _to_booker(booking, Kind.BOOKING_DECLINED, key=key, reason=_reason(event))
    dispatch_soon()


def _reason(event: DomainEvent) -> str:  # the reason the host gave with the change
    return str(event.payload.get("reason") or "")


def booking_released(event: DomainEvent) -> None:
    booking = _booking(event)
    if booking is None:
        return
    _cancel_pending(Q(booking=booking), reason="booking_released")
    _to_booker(booking, Kind.BOOKING_RELEASED, key=f"booking:{booking.pk}:released")
    dispatch_soon()


def booking_finished_with_reminders(event: DomainEvent) -> None:
    """Checked in (or out): the person is here, reminders would only annoy."""
    Notification.objects.filter(
        booking_id=event.payload.get("booking"), kind=Kind.BOOKING_REMINDER, status=Status.PENDING
    ).update(status=Status.CANCELLED, error_code="checked_in")


def _booking(event: DomainEvent, *, for_sessions: bool = False) -> Booking | None:
    """The booking an event names, if it is one a member should hear about.

    Bookings that hold an event's room are the host's tool, not news: their registrants
    hear about the event instead (`for_sessions` lets the move handler see them). Equipment
    booked with a room rides on the room's message.
    """
    booking = (
        Booking.objects.select_related("space", "resource", "booked_by__member")
        .filter(pk=event.payload.get("booking"))
        .first()
    )
    if booking is None:
        return None
    if for_sessions:
        riding = booking.group and booking.resource.kind == Resource.Kind.EQUIPMENT
        return None if riding else booking
    return booking if _is_news_to_booker(booking) else None


def _is_news_to_booker(booking: Booking) -> bool:
    """Not equipment riding on a room, nor an event's room (see `_booking`)."""
    riding = booking.group and booking.resource.kind == Resource.Kind.EQUIPMENT
    return not riding and _session_of(booking) is None


def _session_of(booking: Booking) -> EventSession | None:
    return (
        EventSession.objects.select_related("event")
        .filter(Q(booking=booking) | Q(other_rooms__booking=booking))
        .first()
    )


def _is_first_of_its_series(booking: Booking) -> bool:
    # One confirmation for a repeated booking, not one per week.
    if booking.series_id is None:
        return True
    first = Booking.objects.filter(series_id=booking.series_id).order_by("starts_at").first()
    return first is None or first.pk == booking.pk


def _to_booker(booking: Booking, kind: str, *, key: str, **extra) -> Notification | None:
    member = getattr(booking.booked_by, "member", None)
    if member is None or not member.phone:
        return None
    if kind == Kind.BOOKING_REMINDER and not member.booking_reminders:
        return None
    return _enqueue(
        kind,
        key=key,
        space=booking.space,
        phone=member.phone,
        language=sms_language(member.language, booking.space.default_language),
        email=booking.booked_by.email,
        recipient_name=booking.booked_by.get_full_name(),
        booking=booking,
        starts_at=booking.starts_at,
        personal=_quiet_hours_of(member),
        **extra,
    )


def _schedule_booking_reminders(booking: Booking) -> None:
    member = getattr(booking.booked_by, "member", None)
    for minutes in _reminder_times(member, booking.space):
        _to_booker(
            booking,
            Kind.BOOKING_REMINDER,
            key=_booking_reminder_key(booking, minutes, member),
            minutes_before=minutes,
        )


def _booking_reminder_key(booking: Booking, minutes: int, member: Member | None) -> str:
    return f"booking:{booking.pk}:reminder:{minutes}:{booking.sequence}{_version(member)}"


def _move_pending_reminders(booking: Booking) -> None:
    """Pending reminders follow the booking to its new time, and take its new key."""
    pending = Notification.objects.filter(
        booking=booking, kind=Kind.BOOKING_REMINDER, status=Status.PENDING
    )
    member = getattr(booking.booked_by, "member", None)
    for reminder in pending:
        due_at = _due(
            booking.space,
            reminder.kind,
            booking.starts_at,
            reminder.minutes_before,
            personal=_quiet_hours_of(member),
        )
        if due_at is None:
            Notification.objects.filter(pk=reminder.pk, status=Status.PENDING).update(
                status=Status.CANCELLED, error_code="too_late"
            )
            continue
        Notification.objects.filter(pk=reminder.pk, status=Status.PENDING).update(
            due_at=due_at,
            next_attempt_at=due_at,
            key=_booking_reminder_key(booking, reminder.minutes_before, member),
        )


# Events ----------------------------------------------------------------------------------


def registration_confirmed(event: DomainEvent) -> None:
    """A place, whether given at once or freed on the waitlist: say so, and remind."""
    registration = _registration(event)
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        return
    if event.kind == DomainEventKind.REGISTRATION_PROMOTED:
        _to_participant(registration, Kind.REGISTRATION_PROMOTED, key="promoted")
    else:
        _to_participant(registration, Kind.REGISTRATION_CONFIRMED, key="confirmed")
    _schedule_event_reminders(registration)
    dispatch_soon()


def registration_waitlisted(event: DomainEvent) -> None:
    registration = _registration(event)
    if registration is None or registration.status != RegistrationStatus.WAITLISTED:
        return
    _to_participant(registration, Kind.REGISTRATION_WAITLISTED, key="waitlisted")
    dispatch_soon()


def registration_cancelled(event: DomainEvent) -> None:
    """Reminders go; a host's cancellation (or refusal of a registration that waited for
    approval) is told to the person, once per cancellation: a person may register again."""
    registration = _registration(event)
    if registration is None:
        return
    _cancel_pending(
        Q(registration=registration),
        reason="registration_cancelled",
        keep=(Kind.REGISTRATION_CANCELLED, Kind.REGISTRATION_DECLINED),
    )
    if event.payload.get("by_host"):
        declined = event.payload.get("was") == RegistrationStatus.PENDING
        kind = Kind.REGISTRATION_DECLINED if declined else Kind.REGISTRATION_CANCELLED
        _to_participant(registration, kind, key=f"cancelled:{event.pk}", reason=_reason(event))
        dispatch_soon()


def event_cancelled(event: DomainEvent) -> None:
    cancelled = Event.objects.filter(pk=event.payload.get("event")).first()
    if cancelled is None:
        return
    registrations = cancelled.registrations.exclude(status=RegistrationStatus.CANCELLED)
    for registration in registrations.select_related("event__space", "participant"):
        _cancel_pending(Q(registration=registration), reason="event_cancelled")
        _to_participant(registration, Kind.EVENT_CANCELLED, key="event-cancelled")
    dispatch_soon()


def _session_moved(session: EventSession, booking: Booking) -> None:
    confirmed = session.event.registrations.filter(status=RegistrationStatus.CONFIRMED)
    for registration in confirmed.select_related("event__space", "participant"):
        reminders = Notification.objects.filter(
            registration=registration, session=session, status=Status.PENDING
        )
        reminders.filter(kind=Kind.EVENT_REMINDER).update(
            status=Status.CANCELLED, error_code="moved"
        )
        _to_participant(
            registration,
            Kind.EVENT_MOVED,
            key=f"session:{session.pk}:moved:{booking.sequence}",
            session=session,
        )
        _schedule_event_reminders(registration, sessions=[session], generation=booking.sequence)


def _registration(event: DomainEvent) -> Registration | None:
    return (
        Registration.objects.select_related("event__space", "participant")
        .filter(pk=event.payload.get("registration"))
        .first()
    )


def _to_participant(
    registration: Registration, kind: str, *, key: str, session: EventSession | None = None, **extra
) -> Notification | None:
    participant, event = registration.participant, registration.event
    if participant.erased_at is not None or not participant.phone:
        return None
    member = _member_of(participant)
    if kind == Kind.EVENT_REMINDER and member is not None and not member.event_reminders:
        return None
    starts_at = session.starts_at if session is not None else event.starts_at
    return _enqueue(
        kind,
        key=f"registration:{registration.pk}:{key}",
        space=event.space,
        phone=participant.phone,
        language=sms_language(participant.language, event.space.default_language),
        email=participant.email,
        recipient_name=participant.name,
        registration=registration,
        session=session,
        starts_at=starts_at,
        personal=_quiet_hours_of(member),
        **extra,
    )


def _schedule_event_reminders(
    registration: Registration, *, sessions=None, generation: int = 0
) -> None:
    now = timezone.now()
    if sessions is None:
        sessions = registration.event.sessions.filter(starts_at__gt=now)
    member = _member_of(registration.participant)
    for session in sessions:
        for minutes in _reminder_times(member, registration.event.space):
            _to_participant(
                registration,
                Kind.EVENT_REMINDER,
                key=f"session:{session.pk}:reminder:{minutes}:{generation}{_version(member)}",
                session=session,
                minutes_before=minutes,
            )


# A member's choices ---------------------------------------------------------------------


def member_reminders_changed(event: DomainEvent) -> None:
    """The member changed which reminders they get, when, or their quiet hours: pending
    reminders of their coming bookings and events are made again by the new choices."""
    member = Member.objects.select_related("user").filter(pk=event.payload.get("member")).first()
    if member is None:
        return
    version = _version(member)
    participant = _participant_of(member)
    mine = Q(booking__booked_by=member.user)
    if participant is not None:
        mine |= Q(registration__participant=participant)
    # Rows of the current version are this change's own, made by an earlier delivery.
    stale = Notification.objects.filter(mine, kind__in=REMINDERS, status=Status.PENDING)
    if version:
        stale = stale.exclude(key__endswith=version)
    stale.update(status=Status.CANCELLED, error_code="preferences")
    now = timezone.now()
    bookings = Booking.objects.select_related("space", "resource", "booked_by__member").filter(
        booked_by=member.user, status=BookingStatus.CONFIRMED, starts_at__gt=now
    )
    for booking in bookings:
        if _is_news_to_booker(booking):
            _schedule_booking_reminders(booking)
    if participant is not None:
        registrations = participant.registrations.filter(
            status=RegistrationStatus.CONFIRMED, event__status=Event.Status.SCHEDULED
        ).select_related("event__space", "participant__member")
        for registration in registrations:
            _schedule_event_reminders(registration)
    dispatch_soon()
