"""What the booking pages share: how a price reads, and saying what was done."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from cowork.models import Booking
from cowork.selectors.pricing import Quote


def price_label(quote: Quote) -> str:
    if quote.amount:
        return f"{formats.number_format(quote.amount, 2)} {quote.currency}"
    if quote.free_reason == "partner_ngo":
        return _("Free — partner NGO member")
    if quote.free_reason == "centre_own":
        return _("Free — the centre's own use")
    return pgettext("price", "Free")


def booking_price(booking: Booking) -> str:
    if booking.price:
        return f"{formats.number_format(booking.price, 2)} {booking.currency}"
    return pgettext("price", "Free")


def named(booking: Booking) -> dict[str, str]:
    """What a notice names: the resource, and the person who holds the booking."""
    holder = booking.booked_by
    return {
        "resource": booking.resource.name_in(get_language()),
        "name": holder.get_full_name() or holder.get_username(),
    }


def say_done(request, text: str) -> None:
    """Say once, on the page the redirect leads to, what was done; the shell (base.html)
    shows it. The tick and the classes are the look these pages gave their notices."""
    messages.success(
        request,
        format_html('<span aria-hidden="true">✓</span> {}', text),
        extra_tags="notice notice-ok",
    )


def done(request, text: str, booking: Booking):
    """Back to My bookings, at the booking just changed, saying what was done."""
    say_done(request, text)
    return redirect(f"{reverse('web:my-bookings')}#booking-{booking.pk}")
