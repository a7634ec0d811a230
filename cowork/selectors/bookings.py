"""Reads of bookings, scoped to who asks.

Each lookup raises NotFound for what the viewer may not see, so an id outside their
tenancy reads exactly like an id that does not exist.
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from cowork.errors import NotAllowed, NotFound
from cowork.models import Booking, BookingStatus, Series, Space
from cowork.selectors.access import spaces_managed_by, spaces_staffed_by, user_works_at_space


def user_to_book_for(*, viewer, space: Space, user_id: int | None):
    """Whom a booking at `space` is for: the viewer, or someone a host or staff names.

    Only people who work at the centre may name someone else, and they are told so before
    the id is looked at, so members cannot probe which user ids exist.
    """
    if user_id is None or user_id == viewer.pk:
        return viewer
    if not user_works_at_space(user=viewer, space=space):
        raise NotAllowed(_("Only the centre's hosts and staff book for someone else."))
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound(_("No such member."), details={"member": user_id})
    return user


def _visible_bookings(viewer) -> QuerySet[Booking]:
    return Booking.objects.filter(
        Q(booked_by=viewer) | Q(space__in=spaces_staffed_by(user=viewer))
    ).select_related("resource", "space", "booked_by")


def bookings_listed(
    *,
    viewer,
    space: Space | None = None,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    statuses: Iterable[str] = (),
) -> QuerySet[Booking]:
    """The viewer's own bookings, or every booking of `space` for those who work there.

    `since`/`until` keep bookings that overlap the window.
    """
    if space is None:
        bookings = Booking.objects.filter(booked_by=viewer)
    elif user_works_at_space(user=viewer, space=space):
        bookings = Booking.objects.filter(space=space)
    else:
        raise NotAllowed(
            _("Only the centre's hosts and staff see its bookings."), details={"space": space.pk}
        )
    if since is not None:
        bookings = bookings.filter(ends_at__gt=since)
    if until is not None:
        bookings = bookings.filter(starts_at__lt=until)
    statuses = list(statuses)
    if statuses:
        bookings = bookings.filter(status__in=statuses)
    return bookings.select_related("resource", "space", "booked_by").order_by("starts_at", "id")


def booking_for(*, viewer, booking_id: int) -> Booking:
    """A booking the viewer made, or one at a centre they work at."""
    booking = _visible_bookings(viewer).filter(pk=booking_id).first()
    if booking is None:
        raise NotFound(_("No such booking."), details={"booking": booking_id})
    return booking


def series_for(*, viewer, series_id: int) -> Series:
    """A series the viewer booked, or one at a centre they work at."""
    series = (
        Series.objects.filter(
            Q(booked_by=viewer) | Q(resource__space__in=spaces_staffed_by(user=viewer)),
            pk=series_id,
        )
        .select_related("resource__space")
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=Booking.objects.select_related("resource", "space", "booked_by").order_by(
                    "starts_at"
                ),
            )
        )
        .first()
    )
    if series is None:
        raise NotFound(_("No such series."), details={"series": series_id})
    return series


def approvals_pending(*, host, space: Space | None = None) -> QuerySet[Booking]:
    """Pending bookings at the centres `host` manages, soonest first."""
    bookings = Booking.objects.filter(
        status=BookingStatus.PENDING, space__in=spaces_managed_by(user=host)
    )
    if space is not None:
        bookings = bookings.filter(space=space)
    return bookings.select_related("resource", "space", "booked_by").order_by("starts_at", "id")


def booking_to_decide(*, host, booking_id: int) -> Booking:
    """A booking a host asks to approve or decline.

    Someone who manages no centre at all is refused before the id is looked at, so members
    cannot probe ids here; a host learns only that a booking exists elsewhere (the service
    then refuses with 403, because approving is about their role, not about the booking).
    """
    if not spaces_managed_by(user=host).exists():
        raise NotAllowed(_("Only the centre's hosts approve or decline bookings."))
    booking = (
        Booking.objects.filter(pk=booking_id)
        .select_related("resource", "space", "booked_by")
        .first()
    )
    if booking is None:
        raise NotFound(_("No such booking."), details={"booking": booking_id})
    return booking


def staffed_space_ids(*, viewer) -> frozenset[int]:
    """Ids of the centres the viewer works at; rendering asks this once per request."""
    return frozenset(spaces_staffed_by(user=viewer).values_list("pk", flat=True))
