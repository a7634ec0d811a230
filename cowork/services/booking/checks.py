"""The checks a new or moved booking passes: the request and the time rules (no lock
needed), then overlap, the head count and quotas (under the space lock), and the insert
whose refusal by the database is a conflict too."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import CharField, DateTimeField, IntegerField, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cowork.booking_rules import (
    BookingPolicy,
    Violation,
    closures_of,
    periods_of,
    require_aware,
    time_violations,
)
from cowork.db import Param, Prepared
from cowork.errors import Conflict, RuleViolation
from cowork.models import ACTIVE_STATUSES, Booking, Resource, Space
from cowork.services.booking.common import Roles, local_text


def refuse(violations: list[Violation]) -> None:
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
            "resource": resource.name_in(get_language()),
            "start": local_text(taken.starts_at, zone),
            "end": local_text(taken.ends_at, zone, with_date=False),
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


def _quota_since(space: Space, starts_at, now) -> datetime.datetime:
    """From when a member's bookings count against the quotas of a booking at `starts_at`."""
    return min(now, _week_of(starts_at, space.zone)[0])


def _commitment(pk, series_id, group):
    """What one booking row counts as against the quota of upcoming bookings: a room
    booked with its equipment is one booking, and so is a repeated booking (a series)."""
    if series_id is not None:
        return ("series", series_id)
    if group is not None:
        return ("group", group)
    return ("booking", pk)


def _quota_violations(space: Space, mine, starts_at, ends_at, *, now, series=None, group=None):
    """Upcoming bookings and booked hours of the week, from the member's rows
    (pk, start, end, series, group) ending after `_quota_since`.

    A series or a room with its equipment counts once against the upcoming bookings; a
    group's hours count once (the room's, not the room's and the laptop's again); each
    occurrence of a series counts its hours in its own week.
    """
    week_start, week_end = _week_of(starts_at, space.zone)
    violations = []
    held = {_commitment(pk, s_id, g) for pk, _s, e, s_id, g in mine if e > now}
    wanted_key = _commitment(None, series.pk if series else None, group)
    if wanted_key not in held and len(held) >= space.max_active_bookings:
        violations.append(
            Violation(
                "quota_active_bookings",
                _(
                    "You already hold %(count)d upcoming bookings here, the most allowed. "
                    "A room with its equipment counts as one, and so does a repeated booking."
                )
                % {"count": space.max_active_bookings},
                {"max_active_bookings": space.max_active_bookings},
            )
        )
    intervals = {
        (g or ("booking", pk), s, e)
        for pk, s, e, _s_id, g in mine
        if s < week_end and e > week_start
    }
    booked = sum((min(e, week_end) - max(s, week_start)).total_seconds() for _k, s, e in intervals)
    riding = group is not None and any(key == group for key, _s, _e in intervals)
    wanted = 0 if riding else (min(ends_at, week_end) - max(starts_at, week_start)).total_seconds()
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


def check_request(*, space: Space, resource: Resource, starts_at, ends_at, now, with_room):
    """The checks that need no lock: the request itself and the space's time rules.

    Returns `blocked_until`, the end plus the resource's buffer.
    """
    require_aware(starts_at, field="starts_at")
    require_aware(ends_at, field="ends_at")
    if resource.out_of_service:
        raise RuleViolation(
            _("%(resource)s is out of service: %(reason)s.")
            % {
                "resource": resource.name_in(get_language()),
                "reason": resource.out_of_service_reason,
            },
            code="out_of_service",
        )
    if resource.kind == Resource.Kind.EQUIPMENT and not (resource.bookable_alone or with_room):
        raise RuleViolation(
            _("%(resource)s can be booked only together with a room.")
            % {"resource": resource.name_in(get_language())},
            code="not_bookable_alone",
        )
    policy = BookingPolicy.for_resource(resource, space)
    refuse(
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


def _build_contended():
    """Active bookings of the space near the wanted time — of the resource, or of every
    desk (`desk_kind` is "desk" for a desk, NULL otherwise) — and the member's own since
    `quota_since` (NULL: not counted), but the booking being moved (`moving`, 0: none)."""
    latest, starts_at = Param("latest", DateTimeField()), Param("starts_at", DateTimeField())
    near = Q(starts_at__lt=latest, blocked_until__gt=starts_at) & (
        Q(resource=Param("resource", IntegerField()))
        | Q(resource__kind=Param("desk_kind", CharField()))
    )
    mine = Q(
        booked_by=Param("member", IntegerField()),
        ends_at__gt=Param("quota_since", DateTimeField()),
    )
    return (
        Booking.objects.filter(
            near | mine, space=Param("space", IntegerField()), status__in=ACTIVE_STATUSES
        )
        .exclude(pk=Param("moving", IntegerField()))
        .order_by()
        .values_list(
            "pk",
            "resource_id",
            "starts_at",
            "ends_at",
            "blocked_until",
            "booked_by_id",
            "resource__kind",
            "series_id",
            "group",
        )
    )


# Every booking and move reads what others hold so, under the lock: compiled once.
_CONTENDED = Prepared(_build_contended)


def check_contended(
    *,
    space,
    resource,
    member,
    starts_at,
    ends_at,
    blocked_until,
    now,
    roles,
    moving: Booking | None = None,
    series=None,
    group=None,
    count_quota=True,
):
    """The checks that read what concurrent writers change; run under the space lock.

    One query serves them all: the overlap check (this resource, with buffers), for desks
    the head count (every desk of the space), and the quotas (the member's own rows).
    `moving`: the booking being moved, which is not in its own way.
    `count_quota=False` is for equipment checked with its room before either is saved
    (a series' preview): the room's check counted them both.
    """
    is_desk = resource.kind == Resource.Kind.DESK
    latest = max(ends_at, blocked_until)
    # Quotas share a centre fairly among members; its hosts and staff book for the centre.
    counted = count_quota and not roles.works_here
    quota_since = _quota_since(space, starts_at, now) if counted else None
    rows = _CONTENDED.rows(
        space=space.pk,
        resource=resource.pk,
        desk_kind=Resource.Kind.DESK if is_desk else None,
        starts_at=starts_at,
        latest=latest,
        member=member.pk,
        quota_since=quota_since,
        moving=moving.pk if moving is not None else 0,
    )
    nearby = [
        (pk, resource_id, s, e, b)
        for pk, resource_id, s, e, b, _by, kind, _series, _group in rows
        if s < latest
        and b > starts_at
        and (kind == Resource.Kind.DESK if is_desk else resource_id == resource.pk)
    ]
    clash = next(
        (
            pk
            for pk, resource_id, s, _e, b in sorted(nearby, key=lambda row: row[2])
            if resource_id == resource.pk and s < blocked_until and b > starts_at
        ),
        None,
    )
    if clash is not None:
        taken = Booking.objects.select_related("booked_by").get(pk=clash)
        raise _conflict(resource, taken, holder_visible=roles.works_here)
    if is_desk:
        desk_intervals = [(s, e) for _pk, _r, s, e, _b in nearby if s < ends_at and e > starts_at]
        if _peak(desk_intervals, starts_at, ends_at) >= space.safety_capacity:
            raise RuleViolation(
                _("The centre is at its safety capacity of %(count)d people at that time.")
                % {"count": space.safety_capacity},
                code="safety_capacity",
                details={"safety_capacity": space.safety_capacity},
            )
    if quota_since is not None:
        mine = [
            (pk, s, e, series_id, grp, kind)
            for pk, _r, s, e, _b, by, kind, series_id, grp in rows
            if by == member.pk and e > quota_since
        ]
        if is_desk:
            _refuse_second_desk(space, mine, starts_at, ends_at)
        refuse(
            _quota_violations(
                space,
                [row[:5] for row in mine],
                starts_at,
                ends_at,
                now=now,
                series=series,
                group=group,
            )
        )


def _refuse_second_desk(space: Space, mine, starts_at, ends_at) -> None:
    """One person sits at one desk at a time; a host booking for them may give two."""
    held = next(
        (
            (s, e)
            for _pk, s, e, _series, _group, kind in mine
            if kind == Resource.Kind.DESK and s < ends_at and e > starts_at
        ),
        None,
    )
    if held is not None:
        raise RuleViolation(
            _("You already hold a desk from %(start)s to %(end)s; one person, one desk.")
            % {
                "start": local_text(held[0], space.zone),
                "end": local_text(held[1], space.zone, with_date=False),
            },
            code="second_desk",
        )


def member_refusals(*, space: Space, member, kind: str, starts_at, ends_at, now) -> list[str]:
    """Why `member` could book no resource of `kind` at `space` over the window, whatever
    is free: their quotas there and, for a desk, the desk they already hold then. Empty
    for someone who works at the space (they book for the centre).

    Read without the lock, for a search to say so before anything is chosen; a booking
    checks again under the lock (`check_contended`). One query, and the roles' only when
    something would refuse.
    """
    mine = list(
        Booking.objects.filter(
            space=space,
            booked_by=member,
            status__in=ACTIVE_STATUSES,
            ends_at__gt=_quota_since(space, starts_at, now),
        ).values_list("pk", "starts_at", "ends_at", "series_id", "group", "resource__kind")
    )
    refusals = []
    if kind == Resource.Kind.DESK:
        try:
            _refuse_second_desk(space, mine, starts_at, ends_at)
        except RuleViolation as refusal:
            refusals.append(refusal.message)
    violations = _quota_violations(space, [row[:5] for row in mine], starts_at, ends_at, now=now)
    refusals += [violation.message for violation in violations]
    if refusals and Roles.of(member, space).works_here:
        return []
    return refusals


def insert(booking: Booking, *, holder_visible: bool) -> Booking:
    """Save inside a savepoint; turn the exclusion constraint's refusal into a Conflict."""
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        raise overlap_conflict(booking, exc, holder_visible=holder_visible) from exc
    return booking


def overlap_conflict(booking: Booking, error: IntegrityError, *, holder_visible: bool):
    """The Conflict the exclusion constraint's refusal of `booking` means, naming the slot
    taken (read once the refused statement's transaction or savepoint is rolled back);
    any other refusal raised again."""
    if "booking_no_overlap" not in str(error):
        raise error
    taken = _overlapping(booking.resource, booking.starts_at, booking.blocked_until).first()
    if taken is None:  # the holder has gone since; still a conflict for this attempt
        return Conflict(_("That time was just taken."))
    return _conflict(booking.resource, taken, holder_visible=holder_visible)
