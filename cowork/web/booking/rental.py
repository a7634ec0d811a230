"""A paid rental from the host's side: its price, the quote to send, the invoice (PDF), and
whether it was paid. The renter may open the quote and the invoice of their own booking."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cowork.dates import local_datetime, local_time
from cowork.errors import DomainError
from cowork.models import Booking, Invoice
from cowork.selectors.access import user_manages_space
from cowork.selectors.rentals import money, rental_of
from cowork.services.rentals import booking_mark_paid, booking_mark_unpaid, invoice_issue
from cowork.web.booking.common import say_done
from cowork.web.booking.invoice_pdf import invoice_pdf
from cowork.web.common import error_status


def _booking(request, slug: str, pk: int, *, renter_too: bool = False) -> tuple[Booking, bool]:
    """The priced booking of the centre, for its hosts (and, where allowed, its renter)."""
    booking = get_object_or_404(
        Booking.objects.select_related("resource", "space__organization", "booked_by"),
        pk=pk,
        space__slug=slug,
    )
    manages = user_manages_space(user=request.user, space=booking.space)
    if not manages and not (renter_too and booking.booked_by_id == request.user.pk):
        raise PermissionDenied(_("Only the centre's hosts handle its invoices and payments."))
    if not booking.price:
        raise Http404(_("This booking is free: there is nothing to pay."))
    return booking, manages


def _shown(booking: Booking) -> dict:
    """What the rental page and the quote both show: the rental, its price and its time."""
    zone = booking.space.zone
    rental = rental_of(booking=booking)
    return {
        "space": booking.space,
        "booking": booking,
        "rental": rental,
        "price": money(booking.price, booking.currency),
        "when": f"{local_datetime(booking.starts_at, zone)} – {local_time(booking.ends_at, zone)}",
        "paid_at": local_datetime(rental.payment.marked_at, zone) if rental.payment else "",
    }


def _render(request, booking: Booking, *, error: str = "", status: int = 200):
    quote_url = request.build_absolute_uri(
        reverse("web:rental-quote", args=[booking.space.slug, booking.pk])
    )
    context = {**_shown(booking), "quote_url": quote_url, "error": error}
    return render(request, "cowork/host/rental.html", context, status=status)


@login_required
@require_GET
def rental(request, slug, pk):
    booking, _manages = _booking(request, slug, pk)
    return _render(request, booking)


def _rental_action(action, done_text):
    """A host's POST on a rental: `action(booking=..., acting_user=...)`, then back to the
    rental page saying `done_text`, or the page again with the refusal."""

    @login_required
    @require_POST
    def act(request, slug, pk):
        booking, _manages = _booking(request, slug, pk)
        try:
            action(booking=booking, acting_user=request.user)
        except DomainError as refusal:
            return _render(request, booking, error=refusal.message, status=error_status(refusal))
        say_done(request, str(done_text))
        return redirect("web:rental", slug=slug, pk=pk)

    return act


issue_invoice = _rental_action(invoice_issue, gettext_lazy("The invoice is issued."))
mark_paid = _rental_action(booking_mark_paid, gettext_lazy("Marked paid."))
mark_unpaid = _rental_action(booking_mark_unpaid, gettext_lazy("The paid mark is undone."))


@login_required
@require_GET
def quote(request, slug, pk):
    """The quote as a page to print or send: what is rented, when, and for how much."""
    booking, manages = _booking(request, slug, pk, renter_too=True)
    context = {**_shown(booking), "manages": manages}
    return render(request, "cowork/host/quote.html", context)


@login_required
@require_GET
def invoice(request, slug, pk):
    """The invoice PDF, once issued; named by its number."""
    booking, _manages = _booking(request, slug, pk, renter_too=True)
    issued = get_object_or_404(
        Invoice.objects.select_related("organization", "space"), booking=booking
    )
    issued.booking = booking
    response = HttpResponse(invoice_pdf(issued), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="invoice-{issued.label}.pdf"'
    return response
