"""A member's private feed: their bookings and their places at events, and a place at an
event on its own (an invite, a download)."""

import datetime

from django.db.models import Q, QuerySet

from cowork.models import Booking, Event, EventSession, Member, Registration, RegistrationStatus
from notifications.ical.feeds.bookings import items_of_bookings
from notifications.ical.feeds.common import (
    CANCELLED,
    CONFIRMED,
    TENTATIVE,
    Window,
    event_location,
    feed_window,
    sorted_items,
)
from notifications.ical.feeds.events import (
    event_description,
    event_url,
    session_changed_at,
    session_stopped_at,
)
from notifications.ical.render import CalendarItem
from notifications.ical.site import uid_domain

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
    url = event_url(event, base_url)
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
        session_changed_at(session, event),
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
        location=event_location(event),
        description=event_description(event, language, url),
        url=url,
    )


def _registration_stopped_at(registration: Registration, session: EventSession):
    if registration.status == RegistrationStatus.CANCELLED:
        return registration.cancelled_at or registration.created_at
    if registration.event.status == Event.Status.CANCELLED:
        return session_stopped_at(session, registration.event)
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


def member_feed_items(*, user, now: datetime.datetime, base_url: str) -> list[CalendarItem]:
    """The member's bookings and the events they hold a place at, nobody else's."""
    window = feed_window(now)
    language = member_language(user)
    items = items_of_bookings(
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
    return sorted_items(items)
