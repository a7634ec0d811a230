"""A centre's week (opening hours) and the days it is closed (closures, public holidays)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cowork.booking_rules import Period
from cowork.models import Closure, Space
from cowork.selectors.holidays import holiday_translations, holidays_named
from cowork.services.centres.closures import ClosedDays, closure_remove, closures_add
from cowork.services.centres.hours import opening_hours_replace
from cowork.web.manage.common import cancelled_notice, managed_item, managed_space, page, submit
from cowork.web.manage.forms import ClosureForm, HolidaysForm, HoursForm


@login_required
@require_http_methods(["GET", "POST"])
def hours(request, slug):
    space = managed_space(request, slug)
    periods = [Period(h.weekday, h.opens, h.closes) for h in space.opening_hours.all()]
    form = HoursForm(request.POST or None, periods=periods)
    context, status = {}, 200
    if request.method == "POST":
        done = submit(
            request,
            form,
            lambda: opening_hours_replace(
                space=space,
                by=request.user,
                periods=[Period(*period) for period in form.periods],
                cancel_bookings=bool(request.POST.get("cancel_bookings")),
            ),
        )
        if done.saved:
            messages.success(request, _("Opening hours saved."))
            cancelled_notice(request, done.result)
            return redirect(request.path)
        context, status = done.context, done.status
    return page(
        request,
        space,
        "hours",
        "cowork/manage/hours.html",
        {"form": form, **context},
        status=status,
    )


def holidays_offered(space: Space, *, today: datetime.date) -> list[tuple[datetime.date, str]]:
    """The country's public holidays from today to the end of next year, in the visitor's
    language, without the days already closed."""
    named = holidays_named(
        space.country, years=[today.year, today.year + 1], language=get_language() or "en"
    )
    closed = [(c.starts_on, c.ends_on) for c in space.closures.filter(ends_on__gte=today)]
    return [
        (day, name)
        for day, name in sorted(named.items())
        if day >= today and not any(first <= day <= last for first, last in closed)
    ]


def _closures_page(request, space: Space, *, closure_form, holidays_form, context, status):
    today = space.local_now(timezone.now()).date()
    upcoming, seen_series = [], set()
    for closure in space.closures.filter(ends_on__gte=today).order_by("starts_on"):
        if closure.yearly_series is None or closure.yearly_series not in seen_series:
            upcoming.append(closure)
            seen_series.add(closure.yearly_series)
    return page(
        request,
        space,
        "closures",
        "cowork/manage/closures.html",
        {
            "closures": upcoming,
            "closure_form": closure_form,
            "holidays_form": holidays_form,
            **context,
        },
        status=status,
    )


def _closed_days(space, form, *, closure_form) -> list[ClosedDays]:
    """The days a valid closure form, or holidays form, closes the centre on."""
    if form is closure_form:
        data = form.cleaned_data
        return [ClosedDays(data["starts_on"], data["ends_on"], data["reason"], data["yearly"])]
    return [
        ClosedDays(
            day,
            day,
            name,
            translations=holiday_translations(country=space.country, day=day),
        )
        for day, name in form.chosen()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def closures(request, slug):
    space = managed_space(request, slug)
    today = space.local_now(timezone.now()).date()
    offered = holidays_offered(space, today=today)
    posted = request.POST.get("form") if request.method == "POST" else None
    closure_form = ClosureForm(request.POST if posted == "closure" else None)
    holidays_form = HolidaysForm(request.POST if posted == "holidays" else None, offered=offered)
    form = {"closure": closure_form, "holidays": holidays_form}.get(posted)
    context, status = {}, 200
    if form is not None:
        done = submit(
            request,
            form,
            lambda: closures_add(
                space=space,
                by=request.user,
                closures=_closed_days(space, form, closure_form=closure_form),
                cancel_bookings=bool(request.POST.get("cancel_bookings")),
            ),
        )
        if done.saved:
            messages.success(request, _("The centre is closed on those days."))
            return redirect(request.path)
        context, status = done.context, done.status
    return _closures_page(
        request,
        space,
        closure_form=closure_form,
        holidays_form=holidays_form,
        context=context,
        status=status,
    )


@login_required
@require_POST
def closure_delete(request, slug, pk):
    space, closure = managed_item(request, slug, Closure, pk)
    closure_remove(closure=closure, by=request.user)
    messages.success(request, _("The centre is open again on those days."))
    return redirect("web:manage-closures", slug=space.slug)
