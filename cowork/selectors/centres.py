"""Reads of centre management: the centres someone manages, and the bookings a change would
strand (a closure, shorter hours, a retired resource) so the host sees them first."""

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from cowork.booking_rules import Period
from cowork.models import Booking, BookingStatus, Resource, Space, SpaceRole
from cowork.phones import phone_to_e164
from cowork.selectors.access import spaces_managed_by

# What a change can strand: bookings still to come that a cancellation may end. A booking
# already checked in is under way; the host deals with it at the desk.
CANCELLABLE = (BookingStatus.PENDING, BookingStatus.CONFIRMED)


def centres_managed_by(*, user) -> QuerySet[Space]:
    """The centres `user` manages, inactive ones too, with their organization."""
    return spaces_managed_by(user=user).select_related("organization").order_by("name")


def space_roles(*, space: Space) -> QuerySet[SpaceRole]:
    return space.roles.select_related("user", "user__member").order_by("role", "user__username")


def _upcoming(space: Space, now: datetime.datetime) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(space=space, status__in=CANCELLABLE, ends_at__gt=now)
        .select_related("resource", "booked_by", "event_session__event")
        .order_by("starts_at", "resource__name")
    )


def _inside(booking: Booking, zone, periods: Iterable[Period]) -> bool:
    """Whether the booking lies inside one period of its local day, as the rules require."""
    starts, ends = booking.starts_at.astimezone(zone), booking.ends_at.astimezone(zone)
    return ends.date() == starts.date() and any(
        period.weekday == starts.weekday()
        and period.opens <= starts.time().replace(tzinfo=None)
        and ends.time().replace(tzinfo=None) <= period.closes
        for period in periods
    )


def bookings_stranded_by_hours(
    *, space: Space, periods: list[Period], now: datetime.datetime
) -> list[Booking]:
    """Upcoming bookings inside today's hours that the new `periods` would leave outside.

    A booking a host made outside the hours on purpose was outside before too: not stranded.
    """
    before = [Period(h.weekday, h.opens, h.closes) for h in space.opening_hours.all()]
    return [
        booking
        for booking in _upcoming(space, now)
        if _inside(booking, space.zone, before) and not _inside(booking, space.zone, periods)
    ]


def bookings_stranded_by_closure(
    *, space: Space, days: list[tuple[datetime.date, datetime.date]], now: datetime.datetime
) -> list[Booking]:
    """Upcoming bookings touching any of the closed `days` ranges (both ends included)."""
    stranded = []
    for booking in _upcoming(space, now):
        first = booking.starts_at.astimezone(space.zone).date()
        last = booking.ends_at.astimezone(space.zone).date()
        if any(first <= ends_on and starts_on <= last for starts_on, ends_on in days):
            stranded.append(booking)
    return stranded


def bookings_stranded_by_retiring(*, resource: Resource, now: datetime.datetime) -> list[Booking]:
    """Every upcoming booking of a resource about to be taken out of service."""
    return list(_upcoming(resource.space, now).filter(resource=resource))


def event_of(booking: Booking):
    """The event whose session holds this booking, or None for a plain booking."""
    session = booking.held_session()
    return session.event if session is not None else None


def person_to_add(*, text: str, space: Space):
    """The active account whose phone (read in the centre's country) or username is exactly
    `text`, or None. Exact only: nobody is listed or searched for."""
    people = get_user_model().objects.filter(is_active=True)
    text = text.strip()
    try:
        phone = phone_to_e164(text, region=space.country)
    except ValidationError:
        phone = None
    if phone:
        found = people.filter(member__phone=phone).first()
        if found is not None:
            return found
    return people.filter(username=text).first()
