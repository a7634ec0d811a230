"""What a booking costs, shown before confirming and recorded on the booking."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model

from cowork.booking_rules import require_window
from cowork.models import Member, Resource, ServicePrice
from cowork.selectors.access import user_works_at_space

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Quote:
    amount: Decimal
    currency: str
    free_reason: str  # "" when the booking is paid
    # How a paid amount was reached: "hour" (hours × the hourly price) or "day" (days × the
    # centre's day rate of rooms, where that was less).
    rate: str = ""
    hours: Decimal = Decimal(0)
    days: int = 0


def booking_quote(
    *, resource: Resource, member, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> Quote:
    """Outside renters pay the resource's hourly price, or for a room the centre's day rate
    per local day where that is less; members of partner NGOs book free, and so do the
    centre's own hosts and staff (their events and meetings are the centre's own use)."""
    require_window(starts_at, ends_at)
    space = resource.space
    currency = space.currency
    if not resource.price_per_hour:
        return Quote(Decimal("0.00"), currency, "free_resource")
    profile = _profile(member)
    if profile and profile.organization and profile.organization.is_partner:
        return Quote(Decimal("0.00"), currency, "partner_ngo")
    if user_works_at_space(user=member, space=space):
        return Quote(Decimal("0.00"), currency, "centre_own")
    hours = Decimal((ends_at - starts_at).total_seconds()) / Decimal(3600)
    hourly = (resource.price_per_hour * hours).quantize(CENT, rounding=ROUND_HALF_UP)
    day_rate = room_day_rate(space=space) if resource.kind == Resource.Kind.ROOM else None
    if day_rate is not None:
        days = local_days(starts_at, ends_at, zone=space.zone)
        by_day = (day_rate * days).quantize(CENT, rounding=ROUND_HALF_UP)
        if by_day < hourly:
            return Quote(by_day, currency, "", rate="day", hours=hours, days=days)
    return Quote(hourly, currency, "", rate="hour", hours=hours)


def room_day_rate(*, space) -> Decimal | None:
    """The centre's day rate of rooms (the lowest, if several are marked), or None."""
    return (
        ServicePrice.objects.filter(space=space, unit=ServicePrice.Unit.DAY, is_room_day_rate=True)
        .order_by("amount")
        .values_list("amount", flat=True)
        .first()
    )


def local_days(starts_at: datetime.datetime, ends_at: datetime.datetime, *, zone) -> int:
    """How many of the centre's calendar days [starts_at, ends_at) touches."""
    first = starts_at.astimezone(zone).date()
    last = (ends_at - datetime.timedelta(microseconds=1)).astimezone(zone).date()
    return (last - first).days + 1


def _profile(user) -> Member | None:
    """The user's member profile with its organization: as read with the user if it was."""
    if get_user_model().member.is_cached(user):
        return getattr(user, "member", None)
    return Member.objects.filter(user=user).select_related("organization").first()
