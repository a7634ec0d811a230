"""The booking pages: find and book, my bookings, the host's calendar, QR check-in.

Each view parses its input with a form, calls one service (writes) or the selectors its
page shows (reads), and renders. A refusal from a service (DomainError) is shown as a
form error with the service's own message and the page's status; nothing has changed.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cowork.booking_rules import periods_of
from cowork.errors import DomainError
from cowork.models import Booking, BookingStatus, Resource, Space
from cowork.selectors.access import spaces_staffed_by, user_manages_space, user_works_at_space
from cowork.selectors.availability import free_resources, member_bookings, space_bookings
from cowork.selectors.pricing import Quote, booking_quote
from cowork.selectors.spaces import spaces_by_country
from cowork.services.booking import (
    booking_approve,
    booking_cancel,
    booking_check_in,
    booking_check_in_by_qr,
    booking_check_out,
    booking_create,
    booking_create_with_equipment,
    booking_decline,
)
from cowork.web.common import active_space, error_status, qr_svg
from cowork.web.floor_plan import SpotState, plan_spots
from cowork.web.forms import (
    DATE_FORMAT,
    BookingForm,
    CalendarForm,
    CancelForm,
    DeclineForm,
    SearchForm,
    local_today,
)
from cowork.web.host_calendar import day_bounds, day_grid, week_days, week_start

# "Recent" on My bookings: what ended in the last month.
RECENT = datetime.timedelta(days=30)
# The calendar shows what holds or held a resource; cancelled and declined ones are gone.
CALENDAR_STATUSES = (
    BookingStatus.PENDING,
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.COMPLETED,
)


def price_label(quote: Quote) -> str:
    if quote.amount:
        return f"{formats.number_format(quote.amount, 2)} {quote.currency}"
    if quote.free_reason == "partner_ngo":
        return _("Free — partner NGO member")
    return pgettext("price", "Free")


def _booking_price(booking: Booking) -> str:
    if booking.price:
        return f"{formats.number_format(booking.price, 2)} {booking.currency}"
    return pgettext("price", "Free")


# --- Find and book ----------------------------------------------------------------------


@require_GET
def book_centres(request):
    """Where to book: every active centre, by country."""
    return render(
        request, "cowork/booking/centres.html", {"groups": spaces_by_country(now=timezone.now())}
    )


@require_GET
def booking_search(request, slug):
    space = active_space(slug, with_calendar=True)
    form = SearchForm.from_query(request.GET, space=space, now=timezone.now())
    context = {"space": space, "form": form, "searched": False}
    if not form.is_valid():
        return render(request, "cowork/booking/search.html", context, status=400)
    data = form.cleaned_data
    context.update(
        searched=True,
        closed=data["closed"],
        closure_reason=data["closure_reason"],
        window_query=urlencode(form.window_query()),
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        kind_label=Resource.Kind(data["kind"]).label,
        show_plan=data["kind"] != Resource.Kind.EQUIPMENT,
        state_labels=SpotState.DESCRIPTIONS,
    )
    if not data["closed"]:
        window = {"space": space, "starts_at": data["starts_at"], "ends_at": data["ends_at"]}
        # Two reads of one selector: what is free at all (for Taken on the plan) and what
        # is free and matches the search (the list, and the plan's links).
        matching = free_resources(
            **window,
            kind=data["kind"],
            accessible=True if data["accessible"] else None,
            equipment=data["equipment"],
        )
        free_ids = {resource.pk for resource in free_resources(**window)}
        context.update(
            free=matching,
            spots=plan_spots(
                resources=list(space.resources.all()),
                free_ids=free_ids,
                matching_ids={resource.pk for resource in matching},
            ),
        )
    return render(request, "cowork/booking/search.html", context)


def _confirm_page(request, context, *, status=200):
    """The confirm step with what the member decides on: the price, the free equipment."""
    resource, window = context["resource"], context["window"]
    context["price"] = price_label(booking_quote(resource=resource, member=request.user, **window))
    if resource.kind == Resource.Kind.ROOM:
        context["free_equipment"] = free_resources(
            space=resource.space, kind=Resource.Kind.EQUIPMENT, **window
        )
    return render(request, "cowork/booking/confirm.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def booking_confirm(request, slug, resource_id):
    space = active_space(slug, with_calendar=True)
    resource = get_object_or_404(
        Resource.objects.select_related("space"), pk=resource_id, space=space
    )
    form = BookingForm(request.POST if request.method == "POST" else request.GET, resource=resource)
    context = {"space": space, "resource": resource, "form": form}
    if not form.is_valid():
        return render(request, "cowork/booking/confirm.html", context, status=400)
    data = form.cleaned_data
    window = {"starts_at": data["starts_at"], "ends_at": data["ends_at"]}
    context.update(
        window,
        window=window,
        back_query=urlencode({**form.window_query(), "kind": resource.kind}),
    )
    if request.method == "GET":
        return _confirm_page(request, context)
    try:
        if data.get("equipment"):
            booking = booking_create_with_equipment(
                room=resource,
                equipment=list(data["equipment"]),
                member=request.user,
                purpose=data["purpose"],
                **window,
            )[0]
        else:
            booking = booking_create(
                resource=resource, member=request.user, purpose=data["purpose"], **window
            )
    except DomainError as refusal:
        form.add_error(None, refusal.message)
        return _confirm_page(request, context, status=error_status(refusal))
    if booking.status == BookingStatus.PENDING:
        text = _("%(resource)s is requested; a host of the centre will approve or decline it.")
    else:
        text = _("%(resource)s is booked.")
    return _done(request, text % {"resource": resource.name}, booking)


# --- My bookings ------------------------------------------------------------------------


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
        price=_booking_price(booking),
        can_cancel=booking.can_cancel(now),
        can_check_in=booking.can_check_in(now),
        can_check_out=booking.can_check_out(now),
        error=error,
    )


def _say_done(request, text: str) -> None:
    """Say once, on the page the redirect leads to, what was done; the shell (base.html)
    shows it. The tick and the classes are the look these pages gave their notices."""
    messages.success(
        request,
        format_html('<span aria-hidden="true">✓</span> {}', text),
        extra_tags="notice notice-ok",
    )


def _done(request, text: str, booking: Booking):
    """Back to My bookings, at the booking just changed, saying what was done."""
    _say_done(request, text)
    return redirect(f"{reverse('web:my-bookings')}#booking-{booking.pk}")


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
        },
        status=status,
    )


@login_required
@require_GET
def my_bookings(request):
    return _render_my_bookings(request)


def _named(booking: Booking) -> dict[str, str]:
    """What a notice names: the resource, and the person who holds the booking."""
    holder = booking.booked_by
    return {
        "resource": booking.resource.name,
        "name": holder.get_full_name() or holder.get_username(),
    }


def _own_booking(request, pk: int) -> Booking:
    # Only the member's own: anyone else's booking does not exist on these pages.
    return get_object_or_404(
        Booking.objects.select_related("resource", "space"), pk=pk, booked_by=request.user
    )


@login_required
@require_POST
def cancel(request, pk):
    booking = _own_booking(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _render_my_bookings(
            request, errors={booking.pk: " ".join(form.errors["reason"])}, status=400
        )
    try:
        booking_cancel(
            booking=booking, acting_user=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as refusal:
        return _render_my_bookings(
            request, errors={booking.pk: refusal.message}, status=error_status(refusal)
        )
    return _done(
        request, _("Your booking of %(resource)s is cancelled.") % _named(booking), booking
    )


@login_required
@require_POST
def check_in(request, pk):
    booking = _own_booking(request, pk)
    try:
        booking_check_in(booking=booking, acting_user=request.user)
    except DomainError as refusal:
        return _render_my_bookings(
            request, errors={booking.pk: refusal.message}, status=error_status(refusal)
        )
    return _done(request, _("You are checked in at %(resource)s.") % _named(booking), booking)


@login_required
@require_POST
def check_out(request, pk):
    booking = _own_booking(request, pk)
    try:
        booking_check_out(booking=booking, acting_user=request.user)
    except DomainError as refusal:
        return _render_my_bookings(
            request, errors={booking.pk: refusal.message}, status=error_status(refusal)
        )
    return _done(request, _("You are checked out of %(resource)s.") % _named(booking), booking)


# --- Host calendar ----------------------------------------------------------------------


def _staffed_space(request, slug: str) -> Space:
    space = active_space(slug, with_calendar=True)
    if not user_works_at_space(user=request.user, space=space):
        raise PermissionDenied(_("Only the centre's hosts and staff see its calendar."))
    return space


@login_required
@require_GET
def calendars(request):
    """The calendar link of the navigation: straight to it for a host of one centre."""
    spaces = list(spaces_staffed_by(user=request.user).filter(is_active=True).order_by("name"))
    if len(spaces) == 1:
        return redirect("web:host-calendar", slug=spaces[0].slug)
    if not spaces:
        raise PermissionDenied(_("Only hosts and staff of a centre have a calendar."))
    return render(request, "cowork/host/calendars.html", {"spaces": spaces})


def _render_calendar(request, space: Space, *, query, errors=None, status=200):
    now = timezone.now()
    form = CalendarForm.from_query(query, space=space, now=now)
    if form.is_valid():
        day, view, kind = (form.cleaned_data[key] for key in ("date", "view", "kind"))
    else:
        day, view, kind = local_today(space, now), "day", ""
        status = 400
    zone = space.zone
    first = day if view == "day" else week_start(day)
    days = 1 if view == "day" else 7
    last = first + datetime.timedelta(days=days - 1)
    step = datetime.timedelta(days=days)
    bookings = space_bookings(
        space=space,
        starts_at=day_bounds(first, zone)[0],
        ends_at=day_bounds(last, zone)[1],
        statuses=CALENDAR_STATUSES,
    )
    resources = [r for r in space.resources.all() if not kind or r.kind == kind]
    pending = [b for b in bookings if b.status == BookingStatus.PENDING]
    pending_ids = {b.pk for b in pending}

    def link(to_day, to_view=view):
        return "?" + urlencode(
            {
                "date": to_day.strftime(DATE_FORMAT),
                "view": to_view,
                **({"kind": kind} if kind else {}),
            }
        )

    context = {
        "space": space,
        "form": form,
        "view": view,
        "day": day,
        "first": first,
        "last": last,
        "return_query": {"date": day.strftime(DATE_FORMAT), "view": view, "kind": kind},
        "previous_link": link(day - step),
        "next_link": link(day + step),
        "today_link": link(local_today(space, now)),
        "day_link": link(day, "day"),
        "week_link": link(day, "week"),
        "pending": pending,
        # A refusal about a booking no longer pending (approved twice) has no card to sit in.
        "other_errors": [text for pk, text in (errors or {}).items() if pk not in pending_ids],
        "bookings": bookings,
        "can_decide": user_manages_space(user=request.user, space=space),
        "decline_form": DeclineForm(),
        "errors": errors or {},
    }
    if view == "day":
        context["grid"] = day_grid(
            day=day,
            zone=zone,
            grid_minutes=space.booking_grid_minutes,
            periods=periods_of(space),
            resources=resources,
            bookings=[b for b in bookings if not kind or b.resource.kind == kind],
        )
    else:
        context["week"] = week_days(
            first_day=first,
            zone=zone,
            bookings=[b for b in bookings if not kind or b.resource.kind == kind],
        )
    return render(request, "cowork/host/calendar.html", context, status=status)


@login_required
@require_GET
def host_calendar(request, slug):
    space = _staffed_space(request, slug)
    return _render_calendar(request, space, query=request.GET)


def _decide(request, slug, pk, *, approve: bool):
    space = _staffed_space(request, slug)
    booking = get_object_or_404(Booking.objects.select_related("resource"), pk=pk, space=space)
    back = reverse("web:host-calendar", args=[space.slug])
    kept = {key: request.POST[key] for key in ("date", "view", "kind") if request.POST.get(key)}
    if kept:
        back += "?" + urlencode(kept)
    try:
        if approve:
            booking = booking_approve(booking=booking, host=request.user)
            text = _("Approved: %(resource)s for %(name)s.")
        else:
            form = DeclineForm(request.POST)
            if not form.is_valid():
                return _render_calendar(
                    request,
                    space,
                    query=request.POST,
                    errors={booking.pk: " ".join(form.errors["reason"])},
                    status=400,
                )
            booking = booking_decline(
                booking=booking, host=request.user, reason=form.cleaned_data["reason"]
            )
            text = _("Declined: %(resource)s for %(name)s. They are told the reason.")
    except DomainError as refusal:
        return _render_calendar(
            request,
            space,
            query=request.POST,
            errors={booking.pk: refusal.message},
            status=error_status(refusal),
        )
    _say_done(request, text % _named(booking))
    return redirect(back)


@login_required
@require_POST
def approve(request, slug, pk):
    return _decide(request, slug, pk, approve=True)


@login_required
@require_POST
def decline(request, slug, pk):
    return _decide(request, slug, pk, approve=False)


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


@login_required
@require_GET
def qr_codes(request, slug):
    """One printable QR code per resource of the centre, for the host to stick on it."""
    space = active_space(slug, with_calendar=True)
    if not user_manages_space(user=request.user, space=space):
        raise PermissionDenied(_("Only the centre's hosts print its QR codes."))
    codes = []
    for resource in sorted(space.resources.all(), key=lambda r: (r.kind != "room", r.kind, r.name)):
        url = request.build_absolute_uri(reverse("web:qr-check-in", args=[resource.pk]))
        codes.append((resource, url, qr_svg(url, title=resource.name, scale=4)))
    return render(request, "cowork/host/qr_codes.html", {"space": space, "codes": codes})
