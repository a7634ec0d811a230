"""Paid rentals read back: one booking's money, and the income of centres over a period."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from babel.numbers import format_decimal
from django.db.models import Count, Q, Sum

from cowork.dates import current_locale
from cowork.models import Booking, Invoice, Payment
from cowork.selectors.pricing import booking_quote

# A rental counts as income once agreed; see cowork.services.rentals.OWED_STATUSES.
INCOME_STATUSES = ("confirmed", "checked_in", "completed", "released")


def money(amount: Decimal, currency: str) -> str:
    """An amount as the reader's language writes numbers, with the ISO code: "2,400.00 UAH",
    "2 400,00 UAH". The code, not a sign: ₼ and so'm are missing from many fonts and SMS."""
    return f"{format_decimal(amount, format='#,##0.00', locale=current_locale())} {currency}"


@dataclass(frozen=True)
class Rental:
    booking: Booking
    invoice: Invoice | None
    payment: Payment | None
    rate: str  # "hour" or "day": how the price was reached, as priced today
    days: int
    hours: Decimal

    @property
    def is_paid(self) -> bool:
        return self.payment is not None


def rental_of(*, booking: Booking) -> Rental:
    """The booking's price, invoice and paid mark; the rate is read again from the prices."""
    invoice = (
        Invoice.objects.filter(booking=booking).select_related("organization", "issued_by").first()
    )
    payment = Payment.objects.filter(booking=booking).select_related("marked_by").first()
    quote = booking_quote(
        resource=booking.resource,
        member=booking.booked_by,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
    )
    # The rate is what today's prices say; the amount is the booking's own, agreed then.
    return Rental(booking, invoice, payment, quote.rate or "hour", quote.days, quote.hours)


@dataclass
class IncomeRow:
    space_id: int
    space_name: str
    currency: str
    rentals: int = 0
    paid: Decimal = Decimal("0.00")
    unpaid: Decimal = Decimal("0.00")

    @property
    def total(self) -> Decimal:
        return self.paid + self.unpaid


@dataclass
class RentalIncome:
    rows: list[IncomeRow] = field(default_factory=list)
    # Per currency: centres in different countries are never added up into one figure.
    totals: list[IncomeRow] = field(default_factory=list)


def rental_income(*, spaces, start: datetime.date, end: datetime.date) -> RentalIncome:
    """Rental income of `spaces` from bookings starting on the local days [start, end]: paid
    (a host marked it) and not yet paid, per centre and per currency. One query.

    Free bookings (partner NGOs, the centre's own use) have no price and count nowhere.
    """
    income = RentalIncome()
    if not spaces:
        return income
    in_period = Q()
    for space in spaces:
        first = datetime.datetime.combine(start, datetime.time(0), tzinfo=space.zone)
        after = datetime.datetime.combine(
            end + datetime.timedelta(days=1), datetime.time(0), tzinfo=space.zone
        )
        in_period |= Q(space_id=space.pk, starts_at__gte=first, starts_at__lt=after)
    owed = Booking.objects.filter(in_period, status__in=INCOME_STATUSES, price__gt=0)
    grouped = (
        owed.values("space_id", "space__name", "currency")
        .annotate(
            rentals=Count("id"),
            total=Sum("price"),
            paid=Sum("price", filter=Q(payment__isnull=False)),
        )
        .order_by("space__name", "currency")
    )
    totals: dict[str, IncomeRow] = defaultdict(lambda: IncomeRow(0, "", ""))
    for entry in grouped:
        paid = entry["paid"] or Decimal("0.00")
        row = IncomeRow(
            entry["space_id"],
            entry["space__name"],
            entry["currency"],
            entry["rentals"],
            paid,
            entry["total"] - paid,
        )
        income.rows.append(row)
        total = totals[row.currency]
        total.currency = row.currency
        total.rentals += row.rentals
        total.paid += row.paid
        total.unpaid += row.unpaid
    income.totals = [totals[currency] for currency in sorted(totals)]
    return income
