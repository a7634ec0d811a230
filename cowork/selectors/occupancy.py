"""What a centre looks like now: each desk and room's state, the head count, today's visits.

These are the reads behind the live dashboard, room displays and the network view. They
return plain data; realtime/protocol.py turns it into messages.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, Q

from cowork.models import ACTIVE_STATUSES, Booking, BookingStatus, Resource, Space

FREE = "free"
BOOKED = "booked"
OCCUPIED = "occupied"
RELEASED = "released"
OUT_OF_SERVICE = "out_of_service"

# How far ahead "next booking" looks.
NEXT_HORIZON = datetime.timedelta(days=7)


def _booking_view(booking: Booking, *, zone, with_names: bool) -> dict:
    view = {
        "id": booking.pk,
        "starts_at": booking.starts_at.astimezone(zone).isoformat(),
        "ends_at": booking.ends_at.astimezone(zone).isoformat(),
        "status": booking.status,
    }
    if with_names:
        view["holder"] = booking.booked_by.get_full_name() or booking.booked_by.get_username()
        view["purpose"] = booking.purpose
    return view


def _state_of(resource: Resource, bookings: list[Booking], now, *, zone, with_names) -> dict:
    """One resource's state now, from its bookings that end after `now` (sorted by start)."""
    current = next((b for b in bookings if b.starts_at <= now < b.ends_at), None)
    upcoming = next(
        (b for b in bookings if b.starts_at > now and b.status in ACTIVE_STATUSES), None
    )
    if resource.out_of_service:
        state = OUT_OF_SERVICE
    elif current is None:
        state = FREE
    elif current.status == BookingStatus.CHECKED_IN:
        state = OCCUPIED
    elif current.status == BookingStatus.RELEASED:
        state = RELEASED
    else:
        state = BOOKED
    return {
        "id": resource.pk,
        "name": resource.name,
        "kind": resource.kind,
        "capacity": resource.capacity,
        "state": state,
        "plan": (
            [resource.plan_x, resource.plan_y, resource.plan_width, resource.plan_height]
            if resource.on_plan
            else None
        ),
        "current": _booking_view(current, zone=zone, with_names=with_names) if current else None,
        "next": _booking_view(upcoming, zone=zone, with_names=with_names) if upcoming else None,
    }


def _bookings_by_resource(space_id: int, now, resource_ids=None) -> dict[int, list[Booking]]:
    bookings = Booking.objects.filter(
        space_id=space_id,
        status__in=(*ACTIVE_STATUSES, BookingStatus.RELEASED),
        ends_at__gt=now,
        starts_at__lt=now + NEXT_HORIZON,
    ).select_related("booked_by")
    if resource_ids is not None:
        bookings = bookings.filter(resource_id__in=resource_ids)
    grouped: dict[int, list[Booking]] = defaultdict(list)
    for booking in bookings.order_by("starts_at"):
        grouped[booking.resource_id].append(booking)
    return grouped


def _local_day_bounds(space: Space, now) -> tuple[datetime.datetime, datetime.datetime]:
    local = now.astimezone(space.zone)
    start = datetime.datetime.combine(local.date(), datetime.time(0), tzinfo=space.zone)
    return start, start + datetime.timedelta(days=1)


def space_figures(*, space: Space, now: datetime.datetime) -> dict:
    """Head count against safety capacity, and today's visits and unique visitors."""
    day_start, day_end = _local_day_bounds(space, now)
    totals = Booking.objects.filter(space=space).aggregate(
        present=Count(
            "pk",
            filter=Q(status=BookingStatus.CHECKED_IN, starts_at__lte=now),
        ),
        visits=Count("pk", filter=Q(checked_in_at__gte=day_start, checked_in_at__lt=day_end)),
        visitors=Count(
            "booked_by",
            distinct=True,
            filter=Q(checked_in_at__gte=day_start, checked_in_at__lt=day_end),
        ),
    )
    return {
        "head_count": totals["present"],
        "safety_capacity": space.safety_capacity,
        "visits_today": totals["visits"],
        "unique_visitors_today": totals["visitors"],
    }


def occupancy_snapshot(*, space: Space, now: datetime.datetime, with_names: bool) -> dict:
    """Every resource of the space with its state, current and next booking, and the figures.

    `with_names` only for people who work at the space: others see states, never who.
    """
    resources = list(space.resources.order_by("kind", "name"))
    by_resource = _bookings_by_resource(space.pk, now)
    return {
        "space": {"id": space.pk, "name": space.name, "time_zone": space.time_zone},
        "seq": space.event_seq,
        "at": now.astimezone(space.zone).isoformat(),
        "resources": [
            _state_of(r, by_resource.get(r.pk, []), now, zone=space.zone, with_names=with_names)
            for r in resources
        ],
        **space_figures(space=space, now=now),
    }


def resource_occupancy(*, resource: Resource, now: datetime.datetime) -> tuple[dict, dict]:
    """One resource's state now, with names and without, from one read of its bookings."""
    bookings = _bookings_by_resource(resource.space_id, now, resource_ids=[resource.pk]).get(
        resource.pk, []
    )
    zone = resource.space.zone
    return (
        _state_of(resource, bookings, now, zone=zone, with_names=True),
        _state_of(resource, bookings, now, zone=zone, with_names=False),
    )


def network_occupancy(*, now: datetime.datetime) -> list[dict]:
    """Every active centre's desks in use, head count and visits, in a fixed few queries."""
    spaces = list(Space.objects.filter(is_active=True).order_by("country", "city"))
    desk_counts = dict(
        Resource.objects.filter(kind=Resource.Kind.DESK, out_of_service=False)
        .values_list("space")
        .annotate(count=Count("pk"))
    )
    busy = dict(
        Booking.objects.filter(
            resource__kind=Resource.Kind.DESK,
            status__in=ACTIVE_STATUSES,
            starts_at__lte=now,
            ends_at__gt=now,
        )
        .values_list("space")
        .annotate(count=Count("pk"))
    )
    # Every centre's local "today" lies within a day and a half of now.
    recent = Booking.objects.filter(
        Q(status=BookingStatus.CHECKED_IN, starts_at__lte=now)
        | Q(checked_in_at__gte=now - datetime.timedelta(hours=36))
    ).values_list("space_id", "booked_by_id", "status", "starts_at", "checked_in_at")
    present: dict[int, int] = defaultdict(int)
    visits: dict[int, list[int]] = defaultdict(list)
    bounds = {space.pk: _local_day_bounds(space, now) for space in spaces}
    for space_id, member_id, status, starts_at, checked_in_at in recent:
        if space_id not in bounds:
            continue
        if status == BookingStatus.CHECKED_IN and starts_at <= now:
            present[space_id] += 1
        day_start, day_end = bounds[space_id]
        if checked_in_at and day_start <= checked_in_at < day_end:
            visits[space_id].append(member_id)
    return [
        {
            "id": space.pk,
            "name": space.name,
            "city": space.city,
            "country": space.country,
            "seq": space.event_seq,
            "desks": desk_counts.get(space.pk, 0),
            "desks_in_use": busy.get(space.pk, 0),
            "head_count": present[space.pk],
            "safety_capacity": space.safety_capacity,
            "visits_today": len(visits[space.pk]),
            "unique_visitors_today": len(set(visits[space.pk])),
        }
        for space in spaces
    ]


def network_centre(*, space: Space, now: datetime.datetime, figures: dict | None = None) -> dict:
    """One centre's row of the network view, after a change there (`figures`: its
    `space_figures` at `now`, if read already)."""
    desks = Resource.objects.filter(space=space, kind=Resource.Kind.DESK, out_of_service=False)
    in_use = Booking.objects.filter(
        space=space,
        resource__kind=Resource.Kind.DESK,
        status__in=ACTIVE_STATUSES,
        starts_at__lte=now,
        ends_at__gt=now,
    )
    return {
        "id": space.pk,
        "name": space.name,
        "city": space.city,
        "country": space.country,
        "seq": space.event_seq,
        "desks": desks.count(),
        "desks_in_use": in_use.count(),
        **(figures if figures is not None else space_figures(space=space, now=now)),
    }
