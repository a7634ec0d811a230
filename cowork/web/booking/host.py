"""The host's pages: the calendar of a centre (day and week, approve and decline) and
the sheet of QR codes to stick on its desks and rooms."""

import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cowork.booking_rules import periods_of
from cowork.errors import DomainError
from cowork.models import Booking, BookingStatus, Space
from cowork.selectors.access import space_roles_of, spaces_staffed_by, user_manages_space
from cowork.selectors.availability import space_bookings
from cowork.selectors.rules import rules_attached, rules_columns
from cowork.selectors.waits import space_waits
from cowork.services.booking import booking_approve, booking_decline
from cowork.web.booking.common import named, say_done
from cowork.web.common import active_space, error_status, qr_svg
from cowork.web.forms import DATE_FORMAT, CalendarForm, DeclineForm, local_today
from cowork.web.host_calendar import day_bounds, day_grid, week_days, week_start

# The calendar shows what holds or held a resource; cancelled and declined ones are gone.
CALENDAR_STATUSES = (
    BookingStatus.PENDING,
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.COMPLETED,
)


def _staffed_space(request, slug: str) -> Space:
    """The centre with its opening hours, as columns of its row, and its resources."""
    now = timezone.now()
    spaces = (
        Space.objects.filter(is_active=True)
        .annotate(**rules_columns(around=now))
        .prefetch_related("resources")
    )
    space = get_object_or_404(spaces, slug=slug)
    rules_attached(space, around=now, row=space)
    if not space_roles_of(user=request.user).works_at(space):  # once for the page and header
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
        "waits": space_waits(
            space=space, starts_at=day_bounds(first, zone)[0], ends_at=day_bounds(last, zone)[1]
        ),
        "can_decide": space_roles_of(user=request.user).manages(space),
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
    say_done(request, text % named(booking))
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
@require_GET
def qr_codes(request, slug):
    """One printable QR code per resource of the centre, for the host to stick on it."""
    space = active_space(slug, with_calendar=True)
    if not user_manages_space(user=request.user, space=space):
        raise PermissionDenied(_("Only the centre's hosts print its QR codes."))
    codes = []
    for resource in sorted(space.resources.all(), key=lambda r: (r.kind != "room", r.kind, r.name)):
        url = request.build_absolute_uri(reverse("web:qr-check-in", args=[resource.pk]))
        codes.append((resource, url, qr_svg(url, title=resource.name_in(get_language()), scale=4)))
    return render(request, "cowork/host/qr_codes.html", {"space": space, "codes": codes})
