"""My bookings (cancel, check in, check out) and check-in by a resource's QR code.

A button is shown when the booking allows it (`Booking.can_cancel` and the like), the same
rule the service refuses by. A refusal is shown on the booking's card, with its status.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cowork.errors import DomainError
from cowork.models import Booking, Resource
from cowork.selectors.availability import member_bookings
from cowork.selectors.waits import member_waits
from cowork.services.booking import (
    booking_cancel,
    booking_check_in,
    booking_check_in_by_qr,
    booking_check_out,
)
from cowork.web.booking.common import booking_price, done, named
from cowork.web.common import error_status
from cowork.web.forms import CancelForm

# "Recent" on My bookings: what ended in the last month.
RECENT = datetime.timedelta(days=30)


@dataclass(frozen=True)
class BookingRow:
    booking: Booking
    price: str
    can_cancel: bool
    can_check_in: bool
    can_check_out: bool
    error: str


def _booking_row(booking: Booking, now: datetime.datetime, error: str) -> BookingRow:
    return BookingRow(
        booking=booking,
        price=booking_price(booking),
        can_cancel=booking.can_cancel(now),
        can_check_in=booking.can_check_in(now),
        can_check_out=booking.can_check_out(now),
        error=error,
    )


def _render_my_bookings(request, *, errors: dict[int, str] | None = None, status: int = 200):
    now = timezone.now()
    errors = errors or {}
    bookings = member_bookings(member=request.user, since=now - RECENT)
    rows = [_booking_row(booking, now, errors.get(booking.pk, "")) for booking in bookings]
    return render(
        request,
        "cowork/booking/my_bookings.html",
        {
            "upcoming": [row for row in rows if row.booking.ends_at > now],
            "recent": [row for row in reversed(rows) if row.booking.ends_at <= now],
            "waits": member_waits(member=request.user, now=now),
        },
        status=status,
    )


@login_required
@require_GET
def my_bookings(request):
    return _render_my_bookings(request)


def _own_booking(request, pk: int) -> Booking:
    # Only the member's own: anyone else's booking does not exist on these pages.
    return get_object_or_404(
        Booking.objects.select_related("resource", "space", "booked_by"),
        pk=pk,
        booked_by=request.user,
    )


def _act(request, pk: int, write, text: str, **extra):
    """Call `write` (a service) on the member's booking `pk`: then back to My bookings
    saying `text`, or, refused, this page with the refusal on the booking's card."""
    booking = _own_booking(request, pk)
    try:
        write(booking=booking, acting_user=request.user, **extra)
    except DomainError as refusal:
        return _render_my_bookings(
            request, errors={booking.pk: refusal.message}, status=error_status(refusal)
        )
    return done(request, text % named(booking), booking)


@login_required
@require_POST
def cancel(request, pk):
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _render_my_bookings(
            request,
            errors={_own_booking(request, pk).pk: " ".join(form.errors["reason"])},
            status=400,
        )
    text = _("Your booking of %(resource)s is cancelled.")
    return _act(request, pk, booking_cancel, text, reason=form.cleaned_data["reason"])


@login_required
@require_POST
def check_in(request, pk):
    return _act(request, pk, booking_check_in, _("You are checked in at %(resource)s."))


@login_required
@require_POST
def check_out(request, pk):
    return _act(request, pk, booking_check_out, _("You are checked out of %(resource)s."))


# --- QR codes ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def qr_check_in(request, resource_id):
    """Where the QR code on a desk or room leads: check in to my booking of it, now."""
    resource = get_object_or_404(
        Resource.objects.select_related("space"), pk=resource_id, space__is_active=True
    )
    context = {"resource": resource, "space": resource.space}
    if request.method == "GET":
        return render(request, "cowork/booking/qr_check_in.html", context)
    try:
        context["booking"] = booking_check_in_by_qr(resource=resource, member=request.user)
    except DomainError as refusal:
        context["error"] = refusal.message
        return render(
            request, "cowork/booking/qr_check_in.html", context, status=error_status(refusal)
        )
    return render(request, "cowork/booking/qr_check_in.html", context)
