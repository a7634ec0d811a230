"""Which resources are free for a window, and the bookings of a space or a member."""

import datetime

from django.db.models import Exists, OuterRef, QuerySet

from cowork.booking_rules import require_window
from cowork.models import ACTIVE_STATUSES, Booking, BookingStatus, Resource
from cowork.selectors.spaces import resources_matching


def _taken_during(starts_at, ends_at):
    # A booking blocks [starts_at, blocked_until): its buffer keeps the room from being
    # offered right after it.
    return Booking.objects.filter(
        resource=OuterRef("pk"),
        status__in=ACTIVE_STATUSES,
        starts_at__lt=ends_at,
        blocked_until__gt=starts_at,
    )


def free_resources(
    *,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    space=None,
    kind: str | None = None,
    accessible: bool | None = None,
    equipment: tuple[str, ...] | list[str] = (),
    min_capacity: int | None = None,
) -> list[Resource]:
    """Resources in service that no active booking holds during [starts_at, ends_at).

    Without `space`, the whole network's active centres are searched. Free here means not
    held; the booking rules (opening hours, quotas) are checked when booking.
    """
    require_window(starts_at, ends_at)
    queryset: QuerySet[Resource] = Resource.objects.filter(
        out_of_service=False, space__is_active=True
    ).select_related("space")
    if space is not None:
        queryset = queryset.filter(space=space)
    return resources_matching(
        queryset.exclude(Exists(_taken_during(starts_at, ends_at))).order_by(
            "space__country", "space__city", "kind", "name"
        ),
        kind=kind,
        accessible=accessible,
        equipment=equipment,
        min_capacity=min_capacity,
    )


def space_bookings(
    *, space, starts_at: datetime.datetime, ends_at: datetime.datetime, statuses=ACTIVE_STATUSES
) -> list[Booking]:
    """Bookings of every resource of a space in a window, for the host's calendar."""
    return list(
        Booking.objects.filter(
            space=space, status__in=statuses, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        # The payment: the calendar says whether a rental was paid.
        .select_related("resource", "booked_by", "payment")
        .order_by("starts_at", "resource__name")
    )


def member_bookings(*, member, since: datetime.datetime | None = None) -> list[Booking]:
    """A member's bookings, newest start last; from `since` on when given."""
    # The invoice: a renter downloads it from their booking.
    queryset = Booking.objects.filter(booked_by=member).select_related(
        "resource", "space", "invoice"
    )
    if since is not None:
        queryset = queryset.filter(ends_at__gt=since)
    return list(queryset.order_by("starts_at"))


def checked_in_here(*, resource: Resource, member, now: datetime.datetime) -> Booking | None:
    """The member's booking of `resource` they are checked in to at `now`, if any."""
    return (
        Booking.objects.filter(
            resource=resource,
            booked_by=member,
            status=BookingStatus.CHECKED_IN,
            starts_at__lte=now,
            ends_at__gt=now,
        )
        .select_related("space")
        .first()
    )


def booking_to_check_in(*, resource: Resource, member, now: datetime.datetime) -> Booking | None:
    """The member's confirmed booking of `resource` that check-in is open for at `now`."""
    upcoming = Booking.objects.filter(
        resource=resource, booked_by=member, status=BookingStatus.CONFIRMED, ends_at__gt=now
    ).select_related("space")
    return next((b for b in upcoming.order_by("starts_at") if b.can_check_in(now)), None)
