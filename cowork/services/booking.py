"""Writes of bookings: create, move, cancel, approve, check in and out, release no-shows.

Every write takes the space's row lock first (`_lock_space`), so the checks that read many
rows — overlap, the space's head count, a member's quotas — and the insert that follows
are one serialized step per space. On PostgreSQL the exclusion constraint
`booking_no_overlap` is the last word on overlap; on SQLite IMMEDIATE transactions
serialize every writer, which gives the same guarantee.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.booking_rules import (
    BookingPolicy,
    Violation,
    closures_of,
    periods_of,
    require_aware,
    time_violations,
)
from cowork.errors import Conflict, InvalidInput, NotAllowed, RuleViolation
from cowork.models import ACTIVE_STATUSES, Booking, BookingStatus, Resource, Space
from cowork.selectors.access import user_manages_space, user_works_at_space
from cowork.selectors.pricing import booking_quote
from cowork.services.outbox import domain_event_record


@dataclass(frozen=True)
class Slot:
    starts_at: datetime.datetime
    ends_at: datetime.datetime


def _lock_space(space_id: int) -> Space:
    """Lock the space's row for the rest of the transaction; the caller must be atomic."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Booking writes must run inside transaction.atomic().")
    return (
        Space.objects.select_for_update()
        .prefetch_related("opening_hours", "closures")
        .get(pk=space_id)
    )


def _record(kind: str, booking: Booking, **extra) -> None:
    domain_event_record(
        kind=kind,
        aggregate=booking,
        space=booking.space,
        payload={
            "booking": booking.pk,
            "resource": booking.resource_id,
            "kind": booking.resource.kind,
            "member": booking.booked_by_id,
            "starts_at": booking.starts_at.isoformat(),
            "ends_at": booking.ends_at.isoformat(),
            "status": booking.status,
            "sequence": booking.sequence,
            **extra,
        },
    )


def _refuse(violations: list[Violation]) -> None:
    if violations:
        first = violations[0]
        raise RuleViolation(
            first.message,
            code=first.code,
            details={
                **first.details,
                "violations": [{"code": v.code, "message": v.message} for v in violations],
            },
        )


def _overlapping(resource: Resource, starts_at, blocked_until, *, exclude=()):
    return (
        Booking.objects.filter(
            resource=resource,
            status__in=ACTIVE_STATUSES,
            starts_at__lt=blocked_until,
            blocked_until__gt=starts_at,
        )
        .exclude(pk__in=[b.pk for b in exclude])
        .select_related("booked_by")
        .order_by("starts_at")
    )


def _conflict(resource: Resource, taken: Booking, *, viewer) -> Conflict:
    """Name the taken slot; name who holds it only to people who work at the space."""
    zone = resource.space.zone
    details = {
        "resource": resource.pk,
        "taken": {
            "starts_at": taken.starts_at.astimezone(zone).isoformat(),
            "ends_at": taken.ends_at.astimezone(zone).isoformat(),
        },
    }
    if viewer is not None and user_works_at_space(user=viewer, space=resource.space):
        details["taken"]["held_by"] = taken.booked_by.get_full_name() or str(taken.booked_by)
        details["taken"]["booking"] = taken.pk
    return Conflict(
        _("%(resource)s is taken from %(start)s to %(end)s.")
        % {
            "resource": resource.name,
            "start": taken.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            "end": taken.ends_at.astimezone(zone).strftime("%H:%M"),
        },
        details=details,
    )


def _peak_desk_count(space: Space, starts_at, ends_at, *, exclude=()) -> int:
    """The most desk bookings active at one moment within [starts_at, ends_at)."""
    intervals = list(
        Booking.objects.filter(
            space=space,
            resource__kind=Resource.Kind.DESK,
            status__in=ACTIVE_STATUSES,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .exclude(pk__in=[b.pk for b in exclude])
        .values_list("starts_at", "ends_at")
    )
    # Sweep: an end sorts before a start at the same instant (half-open intervals).
    points = sorted(
        [(max(s, starts_at), 1) for s, _e in intervals]
        + [(min(e, ends_at), -1) for _s, e in intervals],
        key=lambda point: (point[0], point[1]),
    )
    peak = current = 0
    for _moment, step in points:
        current += step
        peak = max(peak, current)
    return peak


def _quota_violations(space: Space, member, starts_at, ends_at, *, exclude=(), now):
    violations = []
    mine = Booking.objects.filter(
        space=space, booked_by=member, status__in=ACTIVE_STATUSES
    ).exclude(pk__in=[b.pk for b in exclude])
    if mine.filter(ends_at__gt=now).count() >= space.max_active_bookings:
        violations.append(
            Violation(
                "quota_active_bookings",
                _("You already hold %(count)d upcoming bookings here, the most allowed.")
                % {"count": space.max_active_bookings},
                {"max_active_bookings": space.max_active_bookings},
            )
        )
    local_start = starts_at.astimezone(space.zone)
    week_start_local = datetime.datetime.combine(
        local_start.date() - datetime.timedelta(days=local_start.weekday()),
        datetime.time(0),
        tzinfo=space.zone,
    )
    # Aware arithmetic with ZoneInfo is wall-clock arithmetic, so a DST week is still
    # Monday 00:00 to Monday 00:00 local time.
    week_start = week_start_local.astimezone(datetime.UTC)
    week_end = (week_start_local + datetime.timedelta(days=7)).astimezone(datetime.UTC)
    booked = sum(
        (min(e, week_end) - max(s, week_start)).total_seconds()
        for s, e in mine.filter(starts_at__lt=week_end, ends_at__gt=week_start).values_list(
            "starts_at", "ends_at"
        )
    )
    wanted = (min(ends_at, week_end) - max(starts_at, week_start)).total_seconds()
    if (booked + wanted) / 3600 > space.max_hours_per_week:
        violations.append(
            Violation(
                "quota_weekly_hours",
                _("This would take you past %(hours)d booked hours this week.")
                % {"hours": space.max_hours_per_week},
                {"max_hours_per_week": space.max_hours_per_week, "booked_hours": booked / 3600},
            )
        )
    return violations


def _check(
    *,
    space: Space,
    resource: Resource,
    member,
    starts_at,
    ends_at,
    now,
    exclude=(),
    with_room: bool = False,
    viewer=None,
):
    """Refuse the booking with the first rule it breaks, or a conflict; return blocked_until."""
    require_aware(starts_at, field="starts_at")
    require_aware(ends_at, field="ends_at")
    if resource.out_of_service:
        raise RuleViolation(
            _("%(resource)s is out of service: %(reason)s.")
            % {"resource": resource.name, "reason": resource.out_of_service_reason},
            code="out_of_service",
        )
    if resource.kind == Resource.Kind.EQUIPMENT and not (resource.bookable_alone or with_room):
        raise RuleViolation(
            _("%(resource)s can be booked only together with a room.")
            % {"resource": resource.name},
            code="not_bookable_alone",
        )
    policy = BookingPolicy.for_resource(resource, space)
    _refuse(
        time_violations(
            policy=policy,
            hours=periods_of(space),
            closures=closures_of(space),
            starts_at=starts_at,
            ends_at=ends_at,
            now=now,
        )
    )
    blocked_until = ends_at + policy.buffer
    taken = _overlapping(resource, starts_at, blocked_until, exclude=exclude).first()
    if taken is not None:
        raise _conflict(resource, taken, viewer=viewer)
    if (
        resource.kind == Resource.Kind.DESK
        and _peak_desk_count(space, starts_at, ends_at, exclude=exclude) >= space.safety_capacity
    ):
        raise RuleViolation(
            _("The centre is at its safety capacity of %(count)d people at that time.")
            % {"count": space.safety_capacity},
            code="safety_capacity",
            details={"safety_capacity": space.safety_capacity},
        )
    # Quotas share a centre fairly among members; its hosts and staff book for the centre.
    if viewer is None or not user_works_at_space(user=viewer, space=space):
        _refuse(_quota_violations(space, member, starts_at, ends_at, exclude=exclude, now=now))
    return blocked_until


def _insert(booking: Booking, *, viewer) -> Booking:
    """Save inside a savepoint; turn the exclusion constraint's refusal into a Conflict."""
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        if "booking_no_overlap" not in str(exc):
            raise
        taken = _overlapping(booking.resource, booking.starts_at, booking.blocked_until).first()
        if taken is None:  # the holder has gone since; still a conflict for this attempt
            raise Conflict(_("That time was just taken.")) from exc
        raise _conflict(booking.resource, taken, viewer=viewer) from exc
    return booking


def authorize_booking_for(*, acting_user, member, space: Space) -> None:
    if acting_user != member and not user_works_at_space(user=acting_user, space=space):
        raise NotAllowed(_("Only the centre's hosts and staff book for someone else."))


def booking_create(
    *,
    resource: Resource,
    member,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    purpose: str = "",
    acting_user=None,
    now: datetime.datetime | None = None,
    series=None,
    group=None,
    with_room: bool = False,
) -> Booking:
    """Book `resource` for `member` over [starts_at, ends_at).

    Rooms that need approval are held as pending unless a host books them. Raises
    InvalidInput, RuleViolation (naming the rule), Conflict or NotAllowed, and then nothing
    has changed. Runs in its own transaction, or in the caller's (for bundles and series).
    """
    now = now or timezone.now()
    acting_user = acting_user or member
    with transaction.atomic():
        space = _lock_space(resource.space_id)
        resource = Resource.objects.get(pk=resource.pk)
        authorize_booking_for(acting_user=acting_user, member=member, space=space)
        blocked_until = _check(
            space=space,
            resource=resource,
            member=member,
            starts_at=starts_at,
            ends_at=ends_at,
            now=now,
            with_room=with_room,
            viewer=acting_user,
        )
        quote = booking_quote(
            resource=resource, member=member, starts_at=starts_at, ends_at=ends_at
        )
        needs_approval = resource.needs_approval and not user_manages_space(
            user=acting_user, space=space
        )
        booking = _insert(
            Booking(
                resource=resource,
                space=space,
                booked_by=member,
                starts_at=starts_at.astimezone(datetime.UTC),
                ends_at=ends_at.astimezone(datetime.UTC),
                blocked_until=blocked_until.astimezone(datetime.UTC),
                status=BookingStatus.PENDING if needs_approval else BookingStatus.CONFIRMED,
                purpose=purpose,
                series=series,
                group=group,
                price=quote.amount,
                currency=quote.currency,
            ),
            viewer=acting_user,
        )
        _record("booking.requested" if needs_approval else "booking.created", booking)
    return booking


def booking_create_with_equipment(
    *,
    room: Resource,
    equipment: list[Resource],
    member,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    purpose: str = "",
    acting_user=None,
    now: datetime.datetime | None = None,
) -> list[Booking]:
    """Book a room and its equipment together: all of them, or none (the first refusal)."""
    from cowork.models.bookings import new_group_id

    if room.kind != Resource.Kind.ROOM:
        raise InvalidInput(_("Equipment is booked together with a room."), code="not_a_room")
    strangers = [item for item in equipment if item.kind != Resource.Kind.EQUIPMENT]
    elsewhere = [item for item in equipment if item.space_id != room.space_id]
    if strangers or elsewhere:
        raise InvalidInput(
            _("Only equipment of the same centre can be booked with a room."),
            code="bad_equipment",
            details={"resources": [item.pk for item in strangers + elsewhere]},
        )
    group = new_group_id()
    with transaction.atomic():
        bookings = [
            booking_create(
                resource=item,
                member=member,
                starts_at=starts_at,
                ends_at=ends_at,
                purpose=purpose,
                acting_user=acting_user,
                now=now,
                group=group,
                with_room=item.kind == Resource.Kind.EQUIPMENT,
            )
            for item in [room, *equipment]
        ]
    return bookings


def _authorize_change(*, booking: Booking, acting_user) -> None:
    if acting_user == booking.booked_by:
        return
    if not user_works_at_space(user=acting_user, space=booking.space):
        raise NotAllowed(_("This booking is not yours."))


def _require_status(booking: Booking, allowed, *, action: str) -> None:
    if booking.status not in allowed:
        raise RuleViolation(
            _("A booking that is %(status)s cannot be %(action)s.")
            % {"status": booking.get_status_display().lower(), "action": action},
            code="wrong_status",
            details={"status": booking.status},
        )


def _fresh(booking: Booking) -> Booking:
    """Re-read the booking under the space lock, so decisions use committed state."""
    return Booking.objects.select_related("resource", "space", "booked_by").get(pk=booking.pk)


def booking_modify(
    *,
    booking: Booking,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    acting_user,
    now: datetime.datetime | None = None,
) -> Booking:
    """Move or extend a booking; the same rules apply as to a new one, minus itself."""
    now = now or timezone.now()
    with transaction.atomic():
        space = _lock_space(booking.space_id)
        booking = _fresh(booking)
        _authorize_change(booking=booking, acting_user=acting_user)
        _require_status(
            booking, (BookingStatus.PENDING, BookingStatus.CONFIRMED), action=_("moved")
        )
        blocked_until = _check(
            space=space,
            resource=booking.resource,
            member=booking.booked_by,
            starts_at=starts_at,
            ends_at=ends_at,
            now=now,
            exclude=[booking],
            with_room=booking.group is not None,
            viewer=acting_user,
        )
        previous = {
            "starts_at": booking.starts_at.isoformat(),
            "ends_at": booking.ends_at.isoformat(),
        }
        booking.starts_at = starts_at.astimezone(datetime.UTC)
        booking.ends_at = ends_at.astimezone(datetime.UTC)
        booking.blocked_until = blocked_until.astimezone(datetime.UTC)
        quote = booking_quote(
            resource=booking.resource,
            member=booking.booked_by,
            starts_at=starts_at,
            ends_at=ends_at,
        )
        booking.price = quote.amount
        if booking.resource.needs_approval and not user_manages_space(
            user=acting_user, space=space
        ):
            booking.status = BookingStatus.PENDING
        booking.sequence += 1
        _insert(booking, viewer=acting_user)
        _record("booking.moved", booking, previous=previous, by=acting_user.pk)
    return booking


def booking_cancel(
    *, booking: Booking, acting_user, reason: str = "", now: datetime.datetime | None = None
) -> list[Booking]:
    """Cancel a booking and the bookings made together with it; return all cancelled."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_space(booking.space_id)
        booking = _fresh(booking)
        _authorize_change(booking=booking, acting_user=acting_user)
        _require_status(
            booking, (BookingStatus.PENDING, BookingStatus.CONFIRMED), action=_("cancelled")
        )
        together = [booking]
        if booking.group:
            together += list(
                Booking.objects.filter(group=booking.group, status__in=ACTIVE_STATUSES)
                .exclude(pk=booking.pk)
                .select_related("resource", "space")
            )
        for item in together:
            item.status = BookingStatus.CANCELLED
            item.cancelled_at = now
            item.cancelled_by = acting_user
            item.reason = reason[:300]
            item.sequence += 1
            item.save(
                update_fields=[
                    "status",
                    "cancelled_at",
                    "cancelled_by",
                    "reason",
                    "sequence",
                    "updated_at",
                ]
            )
            _record(
                "booking.cancelled",
                item,
                by=acting_user.pk,
                by_host=acting_user != item.booked_by,
                reason=item.reason,
            )
    return together


def _decide(*, booking: Booking, host, approve: bool, reason: str, now) -> Booking:
    with transaction.atomic():
        space = _lock_space(booking.space_id)
        booking = _fresh(booking)
        if not user_manages_space(user=host, space=space):
            raise NotAllowed(_("Only the centre's hosts approve or decline bookings."))
        _require_status(
            booking, (BookingStatus.PENDING,), action=_("approved") if approve else _("declined")
        )
        booking.status = BookingStatus.CONFIRMED if approve else BookingStatus.DECLINED
        booking.decided_by = host
        booking.decided_at = now
        booking.reason = reason[:300]
        booking.sequence += 1
        booking.save(
            update_fields=["status", "decided_by", "decided_at", "reason", "sequence", "updated_at"]
        )
        _record(
            "booking.approved" if approve else "booking.declined", booking, reason=booking.reason
        )
    return booking


def booking_approve(*, booking: Booking, host, reason: str = "", now=None) -> Booking:
    return _decide(
        booking=booking, host=host, approve=True, reason=reason, now=now or timezone.now()
    )


def booking_decline(*, booking: Booking, host, reason: str, now=None) -> Booking:
    """Decline a pending booking; the member is told the reason, so one is required."""
    if not reason.strip():
        raise InvalidInput(_("Say why the booking is declined."), code="reason_required")
    return _decide(
        booking=booking, host=host, approve=False, reason=reason.strip(), now=now or timezone.now()
    )


def booking_check_in(
    *, booking: Booking, acting_user, now: datetime.datetime | None = None
) -> Booking:
    """Check in from `check_in_early_minutes` before the start until the end."""
    now = now or timezone.now()
    with transaction.atomic():
        space = _lock_space(booking.space_id)
        booking = _fresh(booking)
        _authorize_change(booking=booking, acting_user=acting_user)
        _require_status(booking, (BookingStatus.CONFIRMED,), action=_("checked in"))
        opens = booking.starts_at - datetime.timedelta(minutes=space.check_in_early_minutes)
        if not opens <= now < booking.ends_at:
            raise RuleViolation(
                _("Check-in is open from %(start)s until the booking ends.")
                % {"start": opens.astimezone(space.zone).strftime("%Y-%m-%d %H:%M")},
                code="outside_check_in_window",
            )
        booking.status = BookingStatus.CHECKED_IN
        booking.checked_in_at = now
        booking.checked_in_by = acting_user
        booking.save(update_fields=["status", "checked_in_at", "checked_in_by", "updated_at"])
        _record("booking.checked_in", booking, by=acting_user.pk)
    return booking


def booking_check_in_by_qr(*, resource: Resource, member, now=None) -> Booking:
    """Check `member` in at the resource whose QR code they scanned, for their current booking."""
    now = now or timezone.now()
    early = datetime.timedelta(minutes=resource.space.check_in_early_minutes)
    booking = (
        Booking.objects.filter(
            resource=resource,
            booked_by=member,
            status=BookingStatus.CONFIRMED,
            starts_at__lte=now + early,
            ends_at__gt=now,
        )
        .order_by("starts_at")
        .first()
    )
    if booking is None:
        raise RuleViolation(
            _("You have no booking of %(resource)s to check in to now.")
            % {"resource": resource.name},
            code="no_booking_now",
        )
    return booking_check_in(booking=booking, acting_user=member, now=now)


def booking_check_out(
    *, booking: Booking, acting_user, now: datetime.datetime | None = None
) -> Booking:
    """Check out: the booking completes and the rest of its time is free for others."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_space(booking.space_id)
        booking = _fresh(booking)
        _authorize_change(booking=booking, acting_user=acting_user)
        _require_status(booking, (BookingStatus.CHECKED_IN,), action=_("checked out"))
        _complete(booking, now=now, by=acting_user.pk)
    return booking


def _complete(booking: Booking, *, now, by=None) -> None:
    booking.status = BookingStatus.COMPLETED
    booking.checked_out_at = min(now, booking.ends_at)
    booking.save(update_fields=["status", "checked_out_at", "updated_at"])
    _record("booking.checked_out", booking, by=by, automatic=by is None)


def release_no_shows(*, now: datetime.datetime | None = None) -> int:
    """Release confirmed bookings not checked in within their space's grace period.

    Equipment booked together with a room goes with the room. Safe to run twice: each
    booking is re-read under its space's lock and released only if still confirmed.
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
    ).select_related("space")
    released = 0
    for candidate in candidates.distinct():
        if (
            candidate.starts_at + datetime.timedelta(minutes=candidate.space.no_show_grace_minutes)
            > now
        ):
            continue
        with transaction.atomic():
            _lock_space(candidate.space_id)
            together = Booking.objects.filter(
                Q(pk=candidate.pk) | Q(group=candidate.group, group__isnull=False),
                status=BookingStatus.CONFIRMED,
            ).select_related("resource", "space")
            for booking in together:
                booking.status = BookingStatus.RELEASED
                booking.sequence += 1
                booking.save(update_fields=["status", "sequence", "updated_at"])
                _record("booking.released", booking)
                released += 1
    return released


def check_out_finished(*, now: datetime.datetime | None = None) -> int:
    """Check out everyone whose booking has ended, or whose centre has closed for the day."""
    from cowork.selectors.spaces import space_is_open_at

    now = now or timezone.now()
    checked_out = 0
    open_cache: dict[int, bool] = {}
    candidates = Booking.objects.filter(status=BookingStatus.CHECKED_IN).select_related("space")
    for candidate in candidates:
        if candidate.ends_at > now:
            if candidate.space_id not in open_cache:
                space = Space.objects.prefetch_related("opening_hours", "closures").get(
                    pk=candidate.space_id
                )
                open_cache[candidate.space_id] = space_is_open_at(space=space, moment=now)
            if open_cache[candidate.space_id]:
                continue
        with transaction.atomic():
            _lock_space(candidate.space_id)
            booking = _fresh(candidate)
            if booking.status == BookingStatus.CHECKED_IN:
                _complete(booking, now=now)
                checked_out += 1
    return checked_out
