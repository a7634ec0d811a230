"""Who is there: check-in (from the booking page, by QR code), check-out, and the schedule's
sweeps that release no-shows and check out what has ended or whose centre has closed.

An event's room booking is never a no-show: it is checked in when its first attendee is
marked or, at the latest, when the sweep finds its session begun, and it holds the room
until the session ends."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cowork.errors import RuleViolation
from cowork.models import Booking, BookingStatus, DomainEventKind, Resource, Space
from cowork.selectors.access import user_works_at_space
from cowork.selectors.availability import booking_to_check_in, checked_in_here
from cowork.selectors.free_today import book_now_window
from cowork.selectors.spaces import space_is_open_at
from cowork.services.booking.common import (
    fresh,
    held_for_change,
    local_text,
    record,
    wrong_status,
)
from cowork.services.booking.create import booking_create
from cowork.services.locking import lock_space


def booking_check_in(
    *, booking: Booking, acting_user, now: datetime.datetime | None = None
) -> Booking:
    """Check in from `check_in_early_minutes` before the start until the end.

    A person is in one place at a time: while they are checked in elsewhere, checking in
    again is refused unless someone who works at the centre does it (a member holding a
    desk and a meeting room, say). Events' room bookings, checked in for the event, do not
    count as the organizer's presence.
    """
    now = now or timezone.now()
    with held_for_change(booking, acting_user=acting_user) as booking:
        if not booking.can_check_in(now):
            if booking.status != BookingStatus.CONFIRMED:
                raise wrong_status(booking, action=_("checked in"))
            raise RuleViolation(
                _("Check-in is open from %(start)s until the booking ends.")
                % {"start": local_text(booking.check_in_opens_at, booking.space.zone)},
                code="outside_check_in_window",
            )
        elsewhere = (
            Booking.objects.filter(
                booked_by=booking.booked_by_id,
                status=BookingStatus.CHECKED_IN,
                # Checked in for a booking of the same time: not one of another day.
                starts_at__lt=booking.ends_at,
                ends_at__gt=max(now, booking.starts_at),
                event_session__isnull=True,
            )
            .exclude(pk=booking.pk)
            .select_related("resource")
            .first()
        )
        if elsewhere is not None and not user_works_at_space(user=acting_user, space=booking.space):
            raise RuleViolation(
                _(
                    "You are already checked in at %(resource)s. Check out there first, "
                    "or ask a host to check you in here."
                )
                % {"resource": elsewhere.resource.name_in(get_language())},
                code="already_checked_in",
                details={"booking": elsewhere.pk},
            )
        _check_in(booking, now=now, by=acting_user)
    return booking


def _check_in(booking: Booking, *, now, by=None) -> None:
    booking.status = BookingStatus.CHECKED_IN
    booking.checked_in_at = now
    booking.checked_in_by = by
    booking.save(update_fields=["status", "checked_in_at", "checked_in_by", "updated_at"])
    record(
        DomainEventKind.BOOKING_CHECKED_IN,
        booking,
        by=by.pk if by is not None else None,
        automatic=by is None,
    )


def event_room_check_in(*, booking: Booking, now: datetime.datetime, by=None) -> bool:
    """Check in an event's room booking: its first attendee is in (`by`: who marked them),
    or its session has begun. Whether anyone came is the attendance's business; the room
    is in use. Returns whether it changed; safe to call again."""
    with transaction.atomic():
        lock_space(booking.space_id)
        booking = Booking.objects.select_related(
            "resource", "space", "event_session__event", "event_session_room__session__event"
        ).get(pk=booking.pk)
        if not booking.can_check_in(now) or booking.scheduled_event() is None:
            return False
        _check_in(booking, now=now, by=by)
    return True


def booking_check_in_by_qr(*, resource: Resource, member, now=None) -> Booking:
    """Check `member` in at the resource whose QR code they scanned, for their current booking."""
    now = now or timezone.now()
    booking = booking_to_check_in(resource=resource, member=member, now=now)
    if booking is None:
        _refuse_if_checked_in(resource=resource, member=member, now=now)
        raise RuleViolation(
            _("You have no booking of %(resource)s to check in to now.")
            % {"resource": resource.name_in(get_language())},
            code="no_booking_now",
        )
    return booking_check_in(booking=booking, acting_user=member, now=now)


def _refuse_if_checked_in(*, resource: Resource, member, now: datetime.datetime) -> None:
    booking = checked_in_here(resource=resource, member=member, now=now)
    if booking is not None:
        raise RuleViolation(
            _("You are already checked in at %(resource)s until %(until)s.")
            % {
                "resource": resource.name_in(get_language()),
                "until": local_text(booking.ends_at, booking.space.zone, with_date=False),
            },
            code="already_checked_in",
        )


def booking_check_in_now(*, resource: Resource, member, now=None) -> Booking:
    """Book a free `resource` from the current grid slot until its free window ends
    (closing time, or the next booking; at most the longest booking allowed) and check
    `member` in, in one step: what scanning a free desk's QR code offers.

    Refused, and nothing changed, when the member is already checked in there, when the
    resource is taken now or the centre closed, or when it needs a host's approval. The
    booking passes every rule a booking made on the pages passes.
    """
    now = now or timezone.now()
    _refuse_if_checked_in(resource=resource, member=member, now=now)
    if resource.needs_approval:
        raise RuleViolation(
            _("%(resource)s needs a host's approval; book it on the booking page.")
            % {"resource": resource.name_in(get_language())},
            code="needs_approval",
        )
    window = book_now_window(resource=resource, now=now)
    if window is None:
        raise RuleViolation(
            _("%(resource)s is not free now.") % {"resource": resource.name_in(get_language())},
            code="not_free_now",
        )
    with transaction.atomic():
        booking = booking_create(
            resource=resource,
            member=member,
            starts_at=window.starts_at,
            ends_at=window.ends_at,
            now=now,
        )
        return booking_check_in(booking=booking, acting_user=member, now=now)


def booking_check_out(
    *, booking: Booking, acting_user, now: datetime.datetime | None = None
) -> Booking:
    """Check out: the booking completes and the rest of its time is free for others."""
    now = now or timezone.now()
    with held_for_change(booking, acting_user=acting_user) as booking:
        if not booking.can_check_out(now):
            raise wrong_status(booking, action=_("checked out"))
        _complete(booking, now=now, by=acting_user.pk)
    return booking


def _complete(booking: Booking, *, now, by=None) -> None:
    booking.status = BookingStatus.COMPLETED
    booking.checked_out_at = min(now, booking.ends_at)
    booking.save(update_fields=["status", "checked_out_at", "updated_at"])
    record(DomainEventKind.BOOKING_CHECKED_OUT, booking, by=by, automatic=by is None)


def release_no_shows(*, now: datetime.datetime | None = None) -> int:
    """Release confirmed bookings not checked in within their space's grace period.

    Equipment booked together with a room goes with the room. A scheduled event's room
    booking is never released: once its session has begun it is checked in instead (not
    counted in the result). Safe to run twice: each booking is re-read under its space's
    lock and released only if still confirmed.
    """
    now = now or timezone.now()
    candidates = (
        Booking.objects.filter(
            status=BookingStatus.CONFIRMED, starts_at__lte=now, group__isnull=True
        )
        | Booking.objects.filter(
            status=BookingStatus.CONFIRMED,
            starts_at__lte=now,
            resource__kind=Resource.Kind.ROOM,
        )
    ).select_related("space", "event_session__event", "event_session_room__session__event")
    released = 0
    for candidate in candidates.distinct():
        if candidate.scheduled_event() is not None:
            event_room_check_in(booking=candidate, now=now)
            continue
        if (
            candidate.starts_at + datetime.timedelta(minutes=candidate.space.no_show_grace_minutes)
            > now
        ):
            continue
        with transaction.atomic():
            lock_space(candidate.space_id)
            together = Booking.objects.filter(
                Q(pk=candidate.pk) | Q(group=candidate.group, group__isnull=False),
                status=BookingStatus.CONFIRMED,
            ).select_related("resource", "space")
            for booking in together:
                booking.status = BookingStatus.RELEASED
                booking.sequence += 1
                booking.save(update_fields=["status", "sequence", "updated_at"])
                record(DomainEventKind.BOOKING_RELEASED, booking)
                released += 1
    return released


def check_out_finished(*, now: datetime.datetime | None = None) -> int:
    """Check out everyone whose booking has ended, or whose centre has closed for the day."""
    now = now or timezone.now()
    checked_out = 0
    open_cache: dict[int, bool] = {}
    candidates = Booking.objects.filter(status=BookingStatus.CHECKED_IN).select_related(
        "space", "event_session__event", "event_session_room__session__event"
    )
    for candidate in candidates:
        if candidate.ends_at > now:
            # An event keeps its room until its session ends, even past closing time.
            if candidate.scheduled_event() is not None:
                continue
            if candidate.space_id not in open_cache:
                space = Space.objects.prefetch_related("opening_hours", "closures").get(
                    pk=candidate.space_id
                )
                open_cache[candidate.space_id] = space_is_open_at(space=space, moment=now)
            if open_cache[candidate.space_id]:
                continue
        with transaction.atomic():
            lock_space(candidate.space_id)
            booking = fresh(candidate)
            if booking.status == BookingStatus.CHECKED_IN:
                _complete(booking, now=now)
                checked_out += 1
    return checked_out
