"""A repeated booking from the confirm step: every date shown first, then the free ones booked.

Without JavaScript: the confirm form posts the repeat choices; the first post shows every
date (free, or refused and why) and asks to book the free ones; the second books them with
`series_create` skipping the refused, and says once what was booked and what was skipped.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cowork.dates import local_clock, local_day, local_weekday
from cowork.errors import DomainError
from cowork.services.series import ConflictMode, SeriesResult, series_create, series_preview
from cowork.web.booking.common import say_done
from cowork.web.common import error_status

REPEAT_WORDS = {
    "weekly": lambda: _("every week"),
    "fortnightly": lambda: _("every two weeks"),
    "monthly": lambda: _("every month"),
}


def _series_arguments(request, form, resource) -> dict:
    data = form.cleaned_data
    return {
        "resource": resource,
        "member": request.user,
        "first_starts_at": data["starts_at"],
        "duration_minutes": int((data["ends_at"] - data["starts_at"]).total_seconds() // 60),
        "rrule": data["rrule"],
        "equipment": _equipment_units(form),
    }


def _equipment_units(form) -> list:
    """The units a series brings into the room on every date: as many of each kind as asked
    for, the lowest-numbered ones (a date where one of them is taken is refused and says so)."""
    quantities = form.equipment_quantities()
    return [
        unit
        for group in form.equipment_groups
        for unit in group.units[: quantities.get(group.key, 0)]
    ]


def series_preview_page(request, context, *, render_confirm):
    """The confirm page with every date of the series and what would become of it."""
    form, resource = context["form"], context["resource"]
    try:
        planned = series_preview(**_series_arguments(request, form, resource))
    except DomainError as refusal:
        form.add_error(None, refusal.message)
        return render_confirm(request, context, status=error_status(refusal))
    zone = resource.space.zone
    context["preview"] = [
        {"day": local_day(item.starts_at, zone), "occurrence": item} for item in planned
    ]
    context["preview_free"] = sum(1 for item in planned if item.is_free)
    context["preview_refused"] = len(planned) - context["preview_free"]
    return render_confirm(request, context)


def series_book(request, context, *, render_confirm):
    """Book the free dates of the series; nothing if none is free."""
    form, resource = context["form"], context["resource"]
    try:
        result = series_create(
            **_series_arguments(request, form, resource),
            mode=ConflictMode.SKIP_CONFLICTS,
            purpose=form.cleaned_data["purpose"],
        )
    except DomainError as refusal:
        form.add_error(None, refusal.message)
        return render_confirm(request, context, status=error_status(refusal))
    say_done(request, series_summary(result, resource=resource, repeat=form.cleaned_data["repeat"]))
    if result.refused:
        _say_skipped(request, result, zone=resource.space.zone)
    return redirect(f"{reverse('web:my-bookings')}#booking-{result.bookings[0].pk}")


def series_summary(result: SeriesResult, *, resource, repeat: str) -> str:
    """ "Training room, Friday 10:00–12:00, every week: 8 dates booked, 2 skipped." """
    zone = resource.space.zone
    first = result.bookings[0]
    return _(
        "%(resource)s, %(weekday)s %(start)s–%(end)s, %(repeat)s: "
        "dates booked: %(booked)d, skipped: %(skipped)d."
    ) % {
        "resource": resource.name_in(get_language()),
        "weekday": local_weekday(first.starts_at, zone),
        "start": local_clock(first.starts_at, zone),
        "end": local_clock(first.ends_at, zone),
        "repeat": REPEAT_WORDS[repeat](),
        "booked": len(result.bookings),
        "skipped": len(result.refused),
    }


def _say_skipped(request, result: SeriesResult, *, zone) -> None:
    """The skipped dates and why, below the summary."""
    items = format_html_join(
        "",
        "<li>{}: {}</li>",
        ((local_day(item.starts_at, zone), item.message) for item in result.refused),
    )
    messages.warning(
        request,
        format_html('{}<ul class="skipped">{}</ul>', _("Skipped dates:"), items),
        extra_tags="notice notice-pending",
    )
