"""What a booking costs, shown before confirming and recorded on the booking."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model

from cowork.booking_rules import require_window
from cowork.models import Member, Resource


@dataclass(frozen=True)
class Quote:
    amount: Decimal
    currency: str
    free_reason: str  # "" when the booking is paid


def booking_quote(
    *, resource: Resource, member, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> Quote:
    """Outside renters pay the resource's hourly price; members of partner NGOs book free."""
    require_window(starts_at, ends_at)
    currency = resource.space.currency
    if not resource.price_per_hour:
        return Quote(Decimal("0.00"), currency, "free_resource")
    profile = _profile(member)
    if profile and profile.organization and profile.organization.is_partner:
        return Quote(Decimal("0.00"), currency, "partner_ngo")
    hours = Decimal((ends_at - starts_at).total_seconds()) / Decimal(3600)
    amount = (resource.price_per_hour * hours).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Quote(amount, currency, "")


def _profile(user) -> Member | None:
    """The user's member profile with its organization: as read with the user if it was."""
    if get_user_model().member.is_cached(user):
        return getattr(user, "member", None)
    return Member.objects.filter(user=user).select_related("organization").first()
