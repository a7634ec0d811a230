"""My bookings (cancel, check in, check out) and check-in by a resource's QR code.

A button is shown when the booking allows it (`Booking.can_cancel` and the like), the same
rule the service refuses by. A refusal is shown on the booking's card, with its status.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cowork.errors import DomainError
from cowork.models import Booking, BookingStatus, Closure, Resource
from cowork.selectors.availability import booking_to_check_in, checked_in_here, member_bookings
from cowork.selectors.equipment import equipment_groups
from cowork.selectors.free_today import book_now_window
from cowork.selectors.waits import member_waits
from cowork.services.booking import (
    booking_cancel,
    booking_check_in,
    booking_check_in_by_qr,
    booking_check_in_now,
    booking_check_out,
)
from cowork.web.booking.common import booking_price, done, named
from cowork.web.common import error_status, qr_svg
from cowork.web.forms import CancelForm, equipment_field
from cowork.web.page_cache import kept_page

# Bookings that take place (or took place): the ones a calendar should hold.
HAPPENING_STATUSES = (
    BookingStatus.PENDING,
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.COMPLETED,
)
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
    # The booking form's query string for the same place and hours again; "" when none.
    again_query: str
    has_ticket: bool
    in_calendar: bool


def _booking_row(
    booking: Booking, now: datetime.datetime, error: str, equipment: Sequence[Resource] = ()
) -> BookingRow:
    return BookingRow(
        booking=booking,
        price=booking_price(booking),
        can_cancel=booking.can_cancel(now),
        can_check_in=booking.can_check_in(now),
        can_check_out=booking.can_check_out(now),
        error=error,
        again_query=again_query(booking, now, equipment=equipment),
        has_ticket=booking.status in (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)
        and booking.ends_at > now,
        in_calendar=booking.status in HAPPENING_STATUSES,
    )


# How far "book the same again" looks for a day the centre is open at the booking's hours.
AGAIN_DAYS = 14


def again_query(
    booking: Booking, now: datetime.datetime, *, equipment: Sequence[Resource] = ()
) -> str:
    """The same place and wall-clock hours on the next day after the booking (and not past)
    inside the centre's opening hours, as the booking form's query; the form and the
    service check the rest. A room brings as many of each kind of `equipment` (booked with
    it) again; equipment on its own row gets no link: it goes with its room."""
    if booking.resource.kind == Resource.Kind.EQUIPMENT:
        return ""
    zone = booking.space.zone
    start, end = booking.starts_at.astimezone(zone), booking.ends_at.astimezone(zone)
    opens_at, closes_at = start.time(), end.time()
    # After the booking itself when it is still to come: the same again, not the same twice.
    first = max(now.astimezone(zone).date(), start.date() + datetime.timedelta(days=1))
    for offset in range(AGAIN_DAYS + 1):
        day = first + datetime.timedelta(days=offset)
        if datetime.datetime.combine(day, opens_at, tzinfo=zone) <= now:
            continue
        if any(c.starts_on <= day <= c.ends_on for c in booking.space.closures.all()):
            continue
        if any(
            p.weekday == day.weekday() and p.opens <= opens_at and closes_at <= p.closes
            for p in booking.space.opening_hours.all()
        ):
            return urlencode(
                {
                    "date": day.isoformat(),
                    "start": opens_at.strftime("%H:%M"),
                    "end": closes_at.strftime("%H:%M"),
                    **{
                        equipment_field(group): len(group.units)
                        for group in equipment_groups(equipment)
                    },
                }
            )
    return ""


def _render_my_bookings(request, *, errors: dict[int, str] | None = None, status: int = 200):
    now = timezone.now()
    errors = errors or {}
    bookings = member_bookings(member=request.user, since=now - RECENT)
    # For "book the same again": two queries, whatever the number of bookings.
    prefetch_related_objects(
        [booking.space for booking in bookings],
        "opening_hours",
        Prefetch("closures", queryset=Closure.objects.filter(ends_on__gte=now.date())),
    )
    # Equipment booked with a room shares its group; all of it is the member's, so here.
    with_room: dict = {}
    for booking in bookings:
        if booking.group is not None and booking.resource.kind == Resource.Kind.EQUIPMENT:
            with_room.setdefault(booking.group, []).append(booking.resource)
    rows = [
        _booking_row(
            booking,
            now,
            errors.get(booking.pk, ""),
            with_room.get(booking.group, []) if booking.group is not None else [],
        )
        for booking in bookings
    ]
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


@kept_page
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


def _qr_context(request, resource: Resource, now) -> dict:
    """What the QR page offers this member now: they are checked in already, a booking to
    check in to, or a free place to book until its free window ends and check in at once."""
    context = {"resource": resource, "space": resource.space}
    here = checked_in_here(resource=resource, member=request.user, now=now)
    if here is not None:
        context["booking"] = here
    elif booking_to_check_in(resource=resource, member=request.user, now=now) is None:
        window = None if resource.needs_approval else book_now_window(resource=resource, now=now)
        if window is not None:
            context["book_until"] = window.ends_at
        else:  # nothing to check in to, and not bookable now (closed, taken, approval)
            context["not_now"] = True
    return context


@login_required
@require_http_methods(["GET", "POST"])
def qr_check_in(request, resource_id):
    """Where the QR code on a desk or room leads: check in to my booking of it, now; or,
    when it is free and I have none, book it until its free window ends and check in."""
    resource = get_object_or_404(
        Resource.objects.select_related("space").prefetch_related(
            "space__opening_hours", "space__closures"
        ),
        pk=resource_id,
        space__is_active=True,
    )
    now = timezone.now()
    if request.method == "GET":
        return render(
            request, "cowork/booking/qr_check_in.html", _qr_context(request, resource, now)
        )
    write = booking_check_in_now if request.POST.get("action") == "book" else booking_check_in_by_qr
    try:
        booking = write(resource=resource, member=request.user, now=now)
    except DomainError as refusal:
        context = _qr_context(request, resource, now)
        context["error"] = refusal.message
        return render(
            request, "cowork/booking/qr_check_in.html", context, status=error_status(refusal)
        )
    context = {"resource": resource, "space": resource.space, "booking": booking}
    return render(request, "cowork/booking/qr_check_in.html", context)


@login_required
@require_GET
def ticket(request, pk):
    """A booking's check-in ticket: the QR code of its place, to scan there or show a host."""
    booking = _own_booking(request, pk)
    url = request.build_absolute_uri(reverse("web:qr-check-in", args=[booking.resource_id]))
    return render(
        request,
        "cowork/booking/ticket.html",
        {
            "booking": booking,
            "qr": qr_svg(
                url,
                title=_("QR code to check in at %(name)s")
                % {"name": booking.resource.name_in(get_language())},
            ),
            "check_in_url": url,
            "can_check_in": booking.can_check_in(timezone.now()),
        },
    )
