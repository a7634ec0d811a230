"""Paid rentals: issuing a booking's invoice under its number, marking it paid, undoing that.

Only bookings with a price are rentals: members of partner NGOs and the centre's own
hosts and staff book free (`cowork.selectors.pricing.booking_quote`), so their bookings
are never invoiced. The events are recorded without a space: a payment changes nothing
that live occupancy shows.
"""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.db import insert_unless_exists
from cowork.errors import NotAllowed, RuleViolation
from cowork.models import Booking, BookingStatus, DomainEventKind, Invoice, InvoiceCounter, Payment
from cowork.selectors.access import user_manages_space
from cowork.services.locking import lock_named
from cowork.services.outbox import domain_event_record

# A rental is owed once agreed: pending, cancelled and declined bookings are not invoiced
# or paid. A no-show (released) still owes what was agreed.
OWED_STATUSES = (
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.COMPLETED,
    BookingStatus.RELEASED,
)


def invoice_issue(
    *, booking: Booking, acting_user, now: datetime.datetime | None = None
) -> Invoice:
    """Give the booking its invoice with the organization's next number for the year.

    Numbers run without gaps per organization and local year of issue: the number is taken
    under the lock named for that pair and the counter row is moved on in the same
    transaction, so a refusal or a rollback gives no number away and two hosts issuing at
    once get consecutive numbers. A booking has one invoice; issuing again returns it.
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked(booking, acting_user=acting_user)
        existing = Invoice.objects.filter(booking=booking).select_related("organization").first()
        if existing is not None:
            return existing
        _require_owed(booking)
        space = booking.space
        year = now.astimezone(space.zone).year
        lock_named(f"invoice-number:{space.organization_id}:{year}")
        insert_unless_exists(
            InvoiceCounter(organization_id=space.organization_id, year=year, last_number=0)
        )
        counter = InvoiceCounter.objects.filter(organization_id=space.organization_id, year=year)
        counter.update(last_number=F("last_number") + 1)
        number = counter.values_list("last_number", flat=True).get()
        holder = booking.booked_by
        invoice = Invoice.objects.create(
            organization=space.organization,
            space=space,
            booking=booking,
            year=year,
            number=number,
            amount=booking.price,
            currency=booking.currency,
            billed_to=(holder.get_full_name() or holder.get_username())[:200],
            issued_at=now,
            issued_by=acting_user,
        )
        domain_event_record(
            kind=DomainEventKind.INVOICE_ISSUED,
            aggregate=invoice,
            space=None,
            payload={
                "booking": booking.pk,
                "space": space.pk,
                "number": invoice.label,
                "amount": str(invoice.amount),
                "currency": invoice.currency,
                "by": acting_user.pk,
            },
        )
    return invoice


def booking_mark_paid(
    *, booking: Booking, acting_user, now: datetime.datetime | None = None
) -> Payment:
    """Record that the renter paid the booking's price: who marked it and when."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked(booking, acting_user=acting_user)
        existing = Payment.objects.filter(booking=booking).first()
        if existing is not None:
            return existing
        _require_owed(booking)
        payment = Payment.objects.create(
            booking=booking,
            amount=booking.price,
            currency=booking.currency,
            marked_at=now,
            marked_by=acting_user,
        )
        _record_payment(DomainEventKind.BOOKING_PAID, booking, payment, by=acting_user)
    return payment


def booking_mark_unpaid(*, booking: Booking, acting_user) -> None:
    """Undo a paid mark made by mistake; the outbox keeps who marked and who undid it."""
    with transaction.atomic():
        booking = _locked(booking, acting_user=acting_user)
        payment = Payment.objects.filter(booking=booking).first()
        if payment is None:
            raise RuleViolation(_("This booking is not marked paid."), code="not_paid")
        _record_payment(DomainEventKind.BOOKING_PAYMENT_UNDONE, booking, payment, by=acting_user)
        payment.delete()


def _locked(booking: Booking, *, acting_user) -> Booking:
    """The booking re-read under its row lock, once the acting person may handle its money."""
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("space__organization", "booked_by")
        .get(pk=booking.pk)
    )
    if not user_manages_space(user=acting_user, space=booking.space):
        raise NotAllowed(_("Only the centre's hosts handle its invoices and payments."))
    return booking


def _require_owed(booking: Booking) -> None:
    if not booking.price:
        raise RuleViolation(_("This booking is free: there is nothing to pay."), code="free")
    if booking.status not in OWED_STATUSES:
        raise RuleViolation(
            _("Only a confirmed booking is invoiced or paid; this one is %(status)s.")
            % {"status": booking.get_status_display().lower()},
            code="not_owed",
        )


def _record_payment(kind: DomainEventKind, booking: Booking, payment: Payment, *, by) -> None:
    domain_event_record(
        kind=kind,
        aggregate=booking,
        space=None,
        payload={
            "booking": booking.pk,
            "space": booking.space_id,
            "amount": str(payment.amount),
            "currency": payment.currency,
            "marked_at": payment.marked_at.isoformat(),
            "marked_by": payment.marked_by_id,
            "by": by.pk,
        },
    )
