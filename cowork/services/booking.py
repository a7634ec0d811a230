"""Writes of bookings: create, move, cancel, approve, check in and out, release no-shows.

Every write takes the space's row lock (`cowork.services.locking.lock_space`) around the
checks that read what other writers change — overlap, the space's head count, a member's
quotas — and the insert that follows, so they are one serialized step per space; the
checks of the request alone (time rules, roles, price) run before the lock, to keep its
hold short. On PostgreSQL the exclusion constraint `booking_no_overlap` is the last word
on overlap; on SQLite IMMEDIATE transactions serialize every writer, which gives the same
guarantee.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
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
from cowork.metrics import count_booking_outcome
from cowork.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingStatus,
    Closure,
    DomainEventKind,
    Resource,
    Space,
)
from cowork.models.bookings import CHANGEABLE_STATUSES
from cowork.selectors.access import user_manages_space, user_works_at_space
from cowork.selectors.pricing import booking_quote
from cowork.services.locking import lock_space
from cowork.services.outbox import domain_event_record


def _space_with_rules(space_id: int, *, around: datetime.datetime) -> Space:
    """The space with its opening hours and the closures that can touch `around`'s days."""
    day = around.date()
    closures = Closure.objects.filter(
        starts_on__lte=day + datetime.timedelta(days=2),
        ends_on__gte=day - datetime.timedelta(days=2),
    )
    return Space.objects.prefetch_related(
        "opening_hours", Prefetch("closures", queryset=closures)
    ).get(pk=space_id)


@dataclass(frozen=True)
class _Roles:
    """What the person acting may do at the space, asked once per write."""

    works_here: bool
    manages: bool

    @classmethod
    def of(cls, user, space: Space) -> "_Roles":
        works_here = user_works_at_space(user=user, space=space)
        return cls(works_here, works_here and user_manages_space(user=user, space=space))


def _record(kind: DomainEventKind, booking: Booking, **extra) -> None:
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


def _conflict(resource: Resource, taken: Booking, *, holder_visible: bool) -> Conflict:
    """Name the taken slot; name who holds it only to people who work at the space."""
    zone = resource.space.zone
    details = {
        "resource": resource.pk,
        "taken": {
            "starts_at": taken.starts_at.astimezone(zone).isoformat(),
            "ends_at": taken.ends_at.astimezone(zone).isoformat(),
        },
    }
    if holder_visible:
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


def _peak(intervals, starts_at, ends_at) -> int:
    """The most intervals active at one moment within [starts_at, ends_at)."""
    # Sweep: an end sorts before a start at the same instant (half-open intervals).
    points = sorted(
        [(max(s, starts_at), 1) for s, _e in intervals]
        + [(min(e, ends_at), -1) for _s, e in intervals]
    )
    peak = current = 0
    for _moment, step in points:
        current += step
        peak = max(peak, current)
    return peak


def _week_of(moment: datetime.datetime, zone) -> tuple[datetime.datetime, datetime.datetime]:
    """Monday 00:00 to Monday 00:00 local time around `moment`, in UTC."""
    local = moment.astimezone(zone)
    monday = datetime.datetime.combine(
        local.date() - datetime.timedelta(days=local.weekday()), datetime.time(0), tzinfo=zone
    )
    # Aware arithmetic with ZoneInfo is wall-clock arithmetic, so a DST week still ends
    # on Monday 00:00 local time.
    return monday.astimezone(datetime.UTC), (monday + datetime.timedelta(days=7)).astimezone(
        datetime.UTC
    )


def _quota_violations(space: Space, member, starts_at, ends_at, *, exclude=(), now):
    """Upcoming bookings and booked hours of the week, from one query of the member's rows."""
    week_start, week_end = _week_of(starts_at, space.zone)
    mine = list(
        Booking.objects.filter(
            space=space,
            booked_by=member,
            status__in=ACTIVE_STATUSES,
            ends_at__gt=min(now, week_start),
        )
        .exclude(pk__in=[b.pk for b in exclude])
        .values_list("starts_at", "ends_at")
    )
    violations = []
    if sum(1 for _s, e in mine if e > now) >= space.max_active_bookings:
        violations.append(
            Violation(
                "quota_active_bookings",
                _("You already hold %(count)d upcoming bookings here, the most allowed.")
                % {"count": space.max_active_bookings},
                {"max_active_bookings": space.max_active_bookings},
            )
        )
    booked = sum(
        (min(e, week_end) - max(s, week_start)).total_seconds()
        for s, e in mine
        if s < week_end and e > week_start
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


def _check_request(*, space: Space, resource: Resource, starts_at, ends_at, now, with_room):
    """The checks that need no lock: the request itself and the space's time rules.

    Returns `blocked_until`, the end plus the resource's buffer.
    """
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
    return ends_at + policy.buffer


def _check_contended(
    *, space, resource, member, starts_at, ends_at, blocked_until, now, roles, exclude=()
):
    """The checks that read what concurrent writers change; run under the space lock."""
    is_desk = resource.kind == Resource.Kind.DESK
    # One query serves both the overlap check (this resource, with buffers) and, for
    # desks, the head count (every desk of the space).
    nearby = Booking.objects.filter(
        space=space,
        status__in=ACTIVE_STATUSES,
        starts_at__lt=max(ends_at, blocked_until),
        blocked_until__gt=starts_at,
    ).exclude(pk__in=[b.pk for b in exclude])
    if is_desk:
        nearby = nearby.filter(resource__kind=Resource.Kind.DESK)
    else:
        nearby = nearby.filter(resource=resource)
    rows = list(nearby.values_list("pk", "resource_id", "starts_at", "ends_at", "blocked_until"))
    clash = next(
        (
            pk
            for pk, resource_id, s, _e, b in sorted(rows, key=lambda row: row[2])
            if resource_id == resource.pk and s < blocked_until and b > starts_at
        ),
        None,
    )
    if clash is not None:
        taken = Booking.objects.select_related("booked_by").get(pk=clash)
        raise _conflict(resource, taken, holder_visible=roles.works_here)
    if is_desk:
        desk_intervals = [(s, e) for _pk, _r, s, e, _b in rows if s < ends_at and e > starts_at]
        if _peak(desk_intervals, starts_at, ends_at) >= space.safety_capacity:
            raise RuleViolation(
                _("The centre is at its safety capacity of %(count)d people at that time.")
                % {"count": space.safety_capacity},
                code="safety_capacity",
                details={"safety_capacity": space.safety_capacity},
            )
    # Quotas share a centre fairly among members; its hosts and staff book for the centre.
    if not roles.works_here:
        _refuse(_quota_violations(space, member, starts_at, ends_at, exclude=exclude, now=now))


def _insert(booking: Booking, *, holder_visible: bool) -> Booking:
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
        raise _conflict(booking.resource, taken, holder_visible=holder_visible) from exc
    return booking


def authorize_booking_for(*, acting_user, member, space: Space, roles=None) -> None:
    if acting_user == member:
        return
    works_here = roles.works_here if roles else user_works_at_space(user=acting_user, space=space)
    if not works_here:
        raise NotAllowed(_("Only the centre's hosts and staff book for someone else."))


@count_booking_outcome
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
    space = _space_with_rules(resource.space_id, around=starts_at)
    resource = Resource.objects.get(pk=resource.pk)
    resource.space = space
    roles = _Roles.of(acting_user, space)
    authorize_booking_for(acting_user=acting_user, member=member, space=space, roles=roles)
    blocked_until = _check_request(
        space=space,
        resource=resource,
        starts_at=starts_at,
        ends_at=ends_at,
        now=now,
        with_room=with_room,
    )
    quote = booking_quote(resource=resource, member=member, starts_at=starts_at, ends_at=ends_at)
    needs_approval = resource.needs_approval and not roles.manages
    with transaction.atomic():
        lock_space(space.pk)
        _check_contended(
            space=space,
            resource=resource,
            member=member,
            starts_at=starts_at,
            ends_at=ends_at,
            blocked_until=blocked_until,
            now=now,
            roles=roles,
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
            holder_visible=roles.works_here,
        )
        _record(
            DomainEventKind.BOOKING_REQUESTED
            if needs_approval
            else DomainEventKind.BOOKING_CREATED,
            booking,
        )
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


def _wrong_status(booking: Booking, *, action: str) -> RuleViolation:
    return RuleViolation(
        _("A booking that is %(status)s cannot be %(action)s.")
        % {"status": booking.get_status_display().lower(), "action": action},
        code="wrong_status",
        details={"status": booking.status},
    )


def _require_status(booking: Booking, allowed, *, action: str) -> None:
    if booking.status not in allowed:
        raise _wrong_status(booking, action=action)


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
    space = _space_with_rules(booking.space_id, around=starts_at)
    roles = _Roles.of(acting_user, space)
    with transaction.atomic():
        lock_space(space.pk)
        booking = _fresh(booking)
        booking.space = booking.resource.space = space
        _authorize_change(booking=booking, acting_user=acting_user)
        _require_status(booking, CHANGEABLE_STATUSES, action=_("moved"))
        blocked_until = _check_request(
            space=space,
            resource=booking.resource,
            starts_at=starts_at,
            ends_at=ends_at,
            now=now,
            with_room=booking.group is not None,
        )
        _check_contended(
            space=space,
            resource=booking.resource,
            member=booking.booked_by,
            starts_at=starts_at,
            ends_at=ends_at,
            blocked_until=blocked_until,
            now=now,
            roles=roles,
            exclude=[booking],
        )
        previous = {
            "starts_at": booking.starts_at.isoformat(),
            "ends_at": booking.ends_at.isoformat(),
        }
        booking.starts_at = starts_at.astimezone(datetime.UTC)
        booking.ends_at = ends_at.astimezone(datetime.UTC)
        booking.blocked_until = blocked_until.astimezone(datetime.UTC)
        booking.price = booking_quote(
            resource=booking.resource,
            member=booking.booked_by,
            starts_at=starts_at,
            ends_at=ends_at,
        ).amount
        if booking.resource.needs_approval and not roles.manages:
            booking.status = BookingStatus.PENDING
        booking.sequence += 1
        _insert(booking, holder_visible=roles.works_here)
        _record(DomainEventKind.BOOKING_MOVED, booking, previous=previous, by=acting_user.pk)
    return booking


def booking_cancel(
    *, booking: Booking, acting_user, reason: str = "", now: datetime.datetime | None = None
) -> list[Booking]:
    """Cancel a booking and the bookings made together with it; return all cancelled."""
    now = now or timezone.now()
    with transaction.atomic():
        lock_space(booking.space_id)
        booking = _fresh(booking)
        _authorize_change(booking=booking, acting_user=acting_user)
        _require_status(booking, CHANGEABLE_STATUSES, action=_("cancelled"))
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
                DomainEventKind.BOOKING_CANCELLED,
                item,
                by=acting_user.pk,
                by_host=acting_user != item.booked_by,
                reason=item.reason,
            )
    return together


def _decide(*, booking: Booking, host, approve: bool, reason: str, now) -> Booking:
    with transaction.atomic():
        lock_space(booking.space_id)
        booking = _fresh(booking)
        if not user_manages_space(user=host, space=booking.space):
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
            DomainEventKind.BOOKING_APPROVED if approve else DomainEventKind.BOOKING_DECLINED,
            booking,
            reason=booking.reason,
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
        lock_space(booking.space_id)
        booking = _fresh(booking)
        _authorize_change(booking=booking, acting_user=acting_user)
        if not booking.can_check_in(now):
            if booking.status != BookingStatus.CONFIRMED:
                raise _wrong_status(booking, action=_("checked in"))
            raise RuleViolation(
                _("Check-in is open from %(start)s until the booking ends.")
                % {
                    "start": booking.check_in_opens_at.astimezone(booking.space.zone).strftime(
                        "%Y-%m-%d %H:%M"
                    )
                },
                code="outside_check_in_window",
            )
        booking.status = BookingStatus.CHECKED_IN
        booking.checked_in_at = now
        booking.checked_in_by = acting_user
        booking.save(update_fields=["status", "checked_in_at", "checked_in_by", "updated_at"])
        _record(DomainEventKind.BOOKING_CHECKED_IN, booking, by=acting_user.pk)
    return booking


def booking_check_in_by_qr(*, resource: Resource, member, now=None) -> Booking:
    """Check `member` in at the resource whose QR code they scanned, for their current booking."""
    now = now or timezone.now()
    upcoming = Booking.objects.filter(
        resource=resource, booked_by=member, status=BookingStatus.CONFIRMED, ends_at__gt=now
    ).select_related("space")
    booking = next((b for b in upcoming.order_by("starts_at") if b.can_check_in(now)), None)
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
        lock_space(booking.space_id)
        booking = _fresh(booking)
        _authorize_change(booking=booking, acting_user=acting_user)
        if not booking.can_check_out(now):
            raise _wrong_status(booking, action=_("checked out"))
        _complete(booking, now=now, by=acting_user.pk)
    return booking


def _complete(booking: Booking, *, now, by=None) -> None:
    booking.status = BookingStatus.COMPLETED
    booking.checked_out_at = min(now, booking.ends_at)
    booking.save(update_fields=["status", "checked_out_at", "updated_at"])
    _record(DomainEventKind.BOOKING_CHECKED_OUT, booking, by=by, automatic=by is None)


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
            lock_space(candidate.space_id)
            together = Booking.objects.filter(
                Q(pk=candidate.pk) | Q(group=candidate.group, group__isnull=False),
                status=BookingStatus.CONFIRMED,
            ).select_related("resource", "space")
            for booking in together:
                booking.status = BookingStatus.RELEASED
                booking.sequence += 1
                booking.save(update_fields=["status", "sequence", "updated_at"])
                _record(DomainEventKind.BOOKING_RELEASED, booking)
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
            lock_space(candidate.space_id)
            booking = _fresh(candidate)
            if booking.status == BookingStatus.CHECKED_IN:
                _complete(booking, now=now)
                checked_out += 1
    return checked_out


def booking_confirm_attendance(
    *, booking: Booking, acting_user, now: datetime.datetime | None = None
) -> Booking:
    """Record that the member will come (a reply of Y to a reminder); a second time keeps
    the first moment and records nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        lock_space(booking.space_id)
        booking = _fresh(booking)
        _authorize_change(booking=booking, acting_user=acting_user)
        _require_status(booking, CHANGEABLE_STATUSES, action=_("confirmed"))
        if booking.ends_at <= now:
            raise RuleViolation(_("This booking has ended."), code="ended")
        if booking.attendance_confirmed_at is None:
            booking.attendance_confirmed_at = now
            booking.save(update_fields=["attendance_confirmed_at", "updated_at"])
            _record(DomainEventKind.BOOKING_ATTENDANCE_CONFIRMED, booking, by=acting_user.pk)
    return booking
