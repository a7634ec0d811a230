"""Paid rentals: the invoice of a booking, its number, and whether it was paid."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cowork.models.bookings import Booking
from cowork.models.spaces import Organization, Space


class InvoiceCounter(models.Model):
    """The last invoice number an organization gave in a year.

    `invoice_issue` moves it on by one under the row's lock, so numbers run 1, 2, 3…
    without gaps per organization and year, and one given is never given again, even if
    its invoice row were removed.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice counter")
        verbose_name_plural = _("invoice counters")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], name="invoice_counter_unique_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.organization_id}/{self.year}: {self.last_number}"


class Invoice(models.Model):
    """The invoice of one paid booking, numbered per organization and year.

    What it says (amount, currency, who is billed) is copied when it is issued: a later
    change of the booking or of a price does not rewrite an invoice already sent.
    """

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("organization"),
    )
    space = models.ForeignKey(
        Space, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("space")
    )
    booking = models.OneToOneField(
        Booking, on_delete=models.PROTECT, related_name="invoice", verbose_name=_("booking")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    billed_to = models.CharField(_("billed to"), max_length=200)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta:
        ordering = ["organization", "year", "number"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "number"], name="invoice_number_unique"
            ),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="invoice_number_from_1"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The number as printed: the organization's slug, the year and the number."""
        return f"{self.organization.slug.upper()}-{self.year}-{self.number:04d}"


class Payment(models.Model):
    """A host's mark that a booking was paid: by whom and when. Undoing it removes the row;
    the outbox keeps both the mark and its undoing."""

    booking = models.OneToOneField(
        Booking, on_delete=models.CASCADE, related_name="payment", verbose_name=_("booking")
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    marked_at = models.DateTimeField(_("marked paid at"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("marked paid by"),
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return f"{self.booking_id}: {self.amount} {self.currency}"
