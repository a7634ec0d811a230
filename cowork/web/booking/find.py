"""Find and book: the centres to book at, the search with its floor plan, the confirm step.

Each view parses its input with a form, calls one service (writes) or the selectors its
page shows (reads), and renders. A refusal from a service (DomainError) is shown as a
form error with the service's own message and the page's status; nothing has changed.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cowork.booking_rules import BookingPolicy, closures_of, periods_of, time_violations
from cowork.errors import DomainError
from cowork.models import BookingStatus, Resource
from cowork.selectors.availability import free_resources
from cowork.selectors.pricing import booking_quote
from cowork.selectors.spaces import spaces_by_country
from cowork.services.booking import booking_create, booking_create_with_equipment_counts
from cowork.services.booking.checks import member_refusals
from cowork.web.booking.common import done, price_label
from cowork.web.booking.repeat import series_book, series_preview_page
from cowork.web.common import active_space, error_status
from cowork.web.floor_plan import SpotState, plan_spots
from cowork.web.forms import BookingForm, SearchForm, equipment_field
from cowork.web.page_cache import kept_page


@kept_page
@require_GET
def book_centres(request):
    """Where to book: every active centre, by country."""
    return render(
        request, "cowork/booking/centres.html", {"groups": spaces_by_country(now=timezone.now())}
    )


@kept_page
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
    now = timezone.now()
    refusals = _time_refusals(space, data["starts_at"], data["ends_at"], now=now)
    of_kind = [r for r in space.resources.all() if r.kind == data["kind"]]
    mine = []
    if request.user.is_authenticated and not data["closed"]:
        # The searcher's own limits (quotas, one desk at a time) refuse every place alike.
        mine = member_refusals(
            space=space,
            member=request.user,
            kind=data["kind"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            now=now,
        )
    if not data["closed"] and of_kind and all(r.pk in refusals for r in of_kind):
        # Nothing of the kind can be booked then (a time already passed, too far ahead):
        # say why instead of listing places as free.
        context["unbookable"] = sorted({refusals[r.pk] for r in of_kind})
    elif mine:
        context.update(unbookable=mine, unbookable_for_you=True)
    elif not data["closed"]:
        window = {"space": space, "starts_at": data["starts_at"], "ends_at": data["ends_at"]}
        # Two reads of one selector: what is free at all (for Taken on the plan) and what
        # is free and matches the search (the list, and the plan's links).
        matching = [
            resource
            for resource in free_resources(
                **window,
                kind=data["kind"],
                accessible=True if data["accessible"] else None,
                equipment=data["equipment"],
            )
            if resource.pk not in refusals
        ]
        free_ids = {r.pk for r in free_resources(**window) if r.pk not in refusals}
        context.update(
            free=matching,
            spots=plan_spots(
                resources=list(space.resources.all()),
                free_ids=free_ids,
                matching_ids={resource.pk for resource in matching},
            ),
        )
    return render(request, "cowork/booking/search.html", context)


def _time_refusals(space, starts_at, ends_at, *, now) -> dict[int, str]:
    """Each resource of `space` the time rules refuse over the window, with the first
    reason: what the booking itself would be refused for, so nothing shows as free that
    cannot be booked. `space` comes with its hours, closures and resources."""
    hours, closures = periods_of(space), closures_of(space)
    refusals = {}
    for resource in space.resources.all():
        violations = time_violations(
            policy=BookingPolicy.for_resource(resource, space),
            hours=hours,
            closures=closures,
            starts_at=starts_at,
            ends_at=ends_at,
            now=now,
        )
        if violations:
            refusals[resource.pk] = violations[0].message
    return refusals


def _confirm_page(request, context, *, status=200):
    """The confirm step with what the member decides on: the price, the free equipment."""
    resource, window = context["resource"], context["window"]
    context["price"] = price_label(booking_quote(resource=resource, member=request.user, **window))
    if resource.kind == Resource.Kind.ROOM:
        free_ids = {
            item.pk
            for item in free_resources(space=resource.space, kind=Resource.Kind.EQUIPMENT, **window)
        }
        form = context["form"]
        context["equipment_choices"] = [
            (form[equipment_field(group)], sum(unit.pk in free_ids for unit in group.units))
            for group in form.equipment_groups
        ]
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
    valid = form.is_valid()
    if not valid and not form.window_is_valid():
        return render(request, "cowork/booking/confirm.html", context, status=400)
    data = form.cleaned_data
    window = {"starts_at": data["starts_at"], "ends_at": data["ends_at"]}
    context.update(
        window,
        window=window,
        back_query=urlencode({**form.window_query(), "kind": resource.kind}),
    )
    if not valid:  # the window is fine; the equipment or how it repeats is not: its errors
        return _confirm_page(request, context, status=400)
    if request.method == "GET":
        return _confirm_page(request, context)
    if data["rrule"]:
        # Every date is shown before any is booked; the preview's button says "book".
        if request.POST.get("step") == "book":
            return series_book(request, context, render_confirm=_confirm_page)
        return series_preview_page(request, context, render_confirm=_confirm_page)
    try:
        if quantities := form.equipment_quantities():
            booking = booking_create_with_equipment_counts(
                room=resource,
                quantities=quantities,
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
    return done(request, text % {"resource": resource.name_in(get_language())}, booking)
