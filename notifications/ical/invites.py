"""Calendar invites by e-mail (iTIP, RFC 5546), sent from domain events after commit.

A confirmed booking or place at an event gets a METHOD:REQUEST (ORGANIZER the centre,
ATTENDEE the person) as a `text/calendar; method=REQUEST` alternative of the e-mail; a move
sends an updated REQUEST; a cancellation sends a METHOD:CANCEL with the same UID and a
higher SEQUENCE. Updates and cancellations go only to whom a REQUEST went before.

Each message is claimed first — a `SentInvite` row unique on (uid, sequence, method) — and
sent only by whoever inserted it, so an event the relay delivers twice is e-mailed once.
"""

import logging
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cowork import outbox
from cowork.db import insert_unless_exists
from cowork.models import (
    Booking,
    BookingStatus,
    DomainEvent,
    DomainEventKind,
    Registration,
    Space,
)
from notifications.ical.dates import local_time, local_when
from notifications.ical.feeds.bookings import booking_items
from notifications.ical.feeds.common import CANCELLED
from notifications.ical.feeds.members import member_language, registration_items, registration_uid
from notifications.ical.render import CalendarItem, Person, render_calendar
from notifications.ical.site import site_url
from notifications.ical.tokens import download_token
from notifications.models import SentInvite

logger = logging.getLogger(__name__)

REQUEST, CANCEL = SentInvite.Method.REQUEST, SentInvite.Method.CANCEL


def subscribe() -> None:
    """Hand the relay our handlers; called from NotificationsConfig.ready()."""
    for kind in (DomainEventKind.BOOKING_CREATED, DomainEventKind.BOOKING_APPROVED):
        outbox.subscribe(kind, invite_for_booking, lane=outbox.TASKS)
    for kind in (DomainEventKind.BOOKING_MOVED, DomainEventKind.BOOKING_CANCELLED):
        outbox.subscribe(kind, update_for_booking, lane=outbox.TASKS)
    for kind in (DomainEventKind.REGISTRATION_CONFIRMED, DomainEventKind.REGISTRATION_PROMOTED):
        outbox.subscribe(kind, invite_for_registration, lane=outbox.TASKS)
    outbox.subscribe(
        DomainEventKind.REGISTRATION_CANCELLED, update_for_registration, lane=outbox.TASKS
    )
    outbox.subscribe(DomainEventKind.EVENT_CANCELLED, cancel_for_event, lane=outbox.TASKS)


# Handlers: each re-reads what the event names and returns quietly if it is gone. -------


def invite_for_booking(event: DomainEvent) -> None:
    _for_booking(event, first=True)


def update_for_booking(event: DomainEvent) -> None:
    _for_booking(event, first=False)


def invite_for_registration(event: DomainEvent) -> None:
    _for_registration(event, first=True)


def update_for_registration(event: DomainEvent) -> None:
    _for_registration(event, first=False)


def cancel_for_event(event: DomainEvent) -> None:
    for registration in Registration.objects.filter(
        event_id=event.payload.get("event")
    ).select_related("event__space__organization", "event__room", "participant"):
        _send_for_registration(registration, event, first=False)


def _for_booking(event: DomainEvent, *, first: bool) -> None:
    booking = _booking(event)
    if booking is not None:
        _send_for_booking(booking, event, first=first)


def _for_registration(event: DomainEvent, *, first: bool) -> None:
    registration = _registration(event)
    if registration is not None:
        _send_for_registration(registration, event, first=first)


def _booking(event: DomainEvent) -> Booking | None:
    booking = (
        Booking.objects.select_related("space__organization", "resource", "booked_by__member")
        .filter(pk=event.payload.get("booking"))
        .first()
    )
    # A session's room booking is the centre's, not an appointment of the host who made it.
    if (
        booking is None
        or hasattr(booking, "event_session")
        or hasattr(booking, "event_session_room")
    ):
        return None
    return booking


def _registration(event: DomainEvent) -> Registration | None:
    return (
        Registration.objects.select_related(
            "event__space__organization", "event__room", "participant"
        )
        .filter(pk=event.payload.get("registration"))
        .first()
    )


# Sending --------------------------------------------------------------------------------


def _send_for_booking(booking: Booking, event: DomainEvent, *, first: bool) -> None:
    recipient = booking.booked_by.email
    if not recipient:
        return
    items = booking_items(booking=booking)
    if not items:
        return
    master = items[0]
    if first and booking.status == BookingStatus.PENDING:
        return  # an invite confirms; a request awaiting approval is not a plan yet
    name = booking.booked_by.get_full_name() or booking.booked_by.get_username()
    _send(
        uid=master.uid,
        items=items,
        first=first,
        space=booking.space,
        attendee=Person(recipient, name),
        language=member_language(booking.booked_by),
        title=master.summary,
        link=_download_link(booking=booking),
        domain_event=event,
    )


def _send_for_registration(registration: Registration, event: DomainEvent, *, first: bool):
    participant = registration.participant
    if not participant.email:
        return
    language = participant.language or registration.event.space.default_language
    items = registration_items(registration, language=language, base_url=site_url())
    if not items:
        return
    _send(
        uid=registration_uid(registration),
        items=items,
        first=first,
        space=registration.event.space,
        attendee=Person(participant.email, participant.name),
        language=language,
        title=items[0].summary,
        link=_download_link(registration=registration),
        domain_event=event,
    )


def _send(
    *,
    uid: str,
    items: list[CalendarItem],
    first: bool,
    space: Space,
    attendee: Person,
    language: str,
    title: str,
    link: str,
    domain_event: DomainEvent,
) -> None:
    """Claim the message (uid, sequence, method), then e-mail it; nothing if already claimed.

    An update or a cancellation goes only to a calendar that holds the item: the last
    message sent for the UID was a REQUEST.
    """
    master = items[0]
    method = CANCEL if master.status == CANCELLED else REQUEST
    last = SentInvite.objects.filter(uid=uid).order_by("-sequence", "-pk").first()
    # What the person's calendar holds: nothing, the item (last a REQUEST), or a
    # cancelled item (last a CANCEL), which nothing but a first REQUEST revives.
    holds = last is not None and last.method == REQUEST
    if method == CANCEL and not holds:
        return
    if method == REQUEST and not holds and not first:
        return
    requested = last is not None
    claim = _claim(uid, master.sequence, method, attendee.email, domain_event)
    if claim is None:
        return
    try:
        _email(
            items=items,
            method=method,
            space=space,
            attendee=attendee,
            language=language,
            title=title,
            link=link,
            update=requested,
        )
    except Exception:
        # Give the claim back so a later delivery can try again, and do not hold up the
        # relay: every other subscriber (live occupancy) waits behind a raising one.
        claim.delete()
        logger.exception("Calendar invite %s %s #%s was not sent", method, uid, master.sequence)


def _claim(uid, sequence, method, recipient, domain_event) -> SentInvite | None:
    claim = SentInvite(
        uid=uid,
        sequence=sequence,
        method=method,
        recipient=recipient,
        domain_event_id=domain_event.pk,
    )
    return claim if insert_unless_exists(claim) else None


def _organizer(space: Space) -> Person:
    _name, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return Person(space.organization.contact_email or sender, space.name)


def _download_link(**target) -> str:
    return f"{site_url()}{reverse('notifications:ics-download', args=[download_token(**target)])}"


def _email(*, items, method, space, attendee, language, title, link, update) -> None:
    organizer = _organizer(space)
    ics = render_calendar(
        items, method=method, stamp=timezone.now(), organizer=organizer, attendee=attendee
    )
    master = items[0]
    zone = master.starts_at.tzinfo
    context = {
        "method": method,
        "update": update,
        "title": title,
        "space": space,
        "location": master.location,
        "times": [
            (local_when(item.starts_at, zone, language), local_time(item.ends_at, zone, language))
            for item in [item for item in items if item.rrule is None] or [master]
        ],
        "first_start": local_when(master.starts_at, zone, language),
        "first_end": local_time(master.ends_at, zone, language),
        "recurring": master.rrule is not None,
        "zone": zone.key,
        "link": link,
        "name": attendee.name,
    }
    with translation.override(language):
        subject = render_to_string("notifications/ical/invite_subject.txt", context)
        body = render_to_string("notifications/ical/invite_body.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=body,
        to=[formataddr((attendee.name, attendee.email))],
        reply_to=[organizer.email] if organizer.email else None,
    )
    # The calendar part as an alternative is what mail clients turn into an invitation;
    # the same bytes as an attachment serve the few that only look at attachments.
    message.attach_alternative(ics.decode(), f"text/calendar; method={method}")
    message.attach("invite.ics", ics, "application/ics")
    message.send()
