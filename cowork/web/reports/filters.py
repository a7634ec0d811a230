"""The report's filters: the form read from the query string, and the report it asks for.

The page and both exports go through `filtered_report`, so they refuse and answer alike.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django import forms
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from cowork.errors import NotAllowed
from cowork.models import Event
from cowork.models.spaces import COUNTRIES
from cowork.selectors.reports.figures import Report
from cowork.selectors.reports.report import event_report
from cowork.selectors.reports.scope import ReportChoices, report_choices, report_scope
from cowork.web.forms import DATE_FORMAT

# Longer periods make slow pages and say little; a year or two is what donors ask for.
MAX_PERIOD_DAYS = 731
DEFAULT_MONTHS = 3
COUNTRY_NAMES = dict(COUNTRIES)


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last three months, today included."""
    return today - relativedelta(months=DEFAULT_MONTHS) + datetime.timedelta(days=1), today


class ReportFilterForm(forms.Form):
    """The period and the filters, from the query string; a missing or empty date is the
    default period's."""

    start = forms.DateField(
        label=gettext_lazy("From"),
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
    )
    end = forms.DateField(
        label=gettext_lazy("Until"),
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
    )
    centre = forms.TypedChoiceField(
        label=gettext_lazy("Centre"), required=False, coerce=int, empty_value=None
    )
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind of event"), required=False)
    tag = forms.TypedChoiceField(
        label=gettext_lazy("Project or donor"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, query, *, choices: ReportChoices, today: datetime.date):
        first, last = default_period(today)
        data = {"start": first.strftime(DATE_FORMAT), "end": last.strftime(DATE_FORMAT)}
        data.update({key: value for key, value in query.items() if value})
        super().__init__(data)
        self.fields["centre"].choices = [("", _("All centres"))] + [
            (space.pk, f"{space.name_in(get_language())} ({space.city})")
            for space in choices.centres
        ]
        self.fields["country"].choices = [("", _("All countries"))] + [
            (code, COUNTRY_NAMES.get(code, code)) for code in choices.countries
        ]
        self.fields["kind"].choices = [("", _("All kinds")), *Event.Kind.choices]
        self.fields["tag"].choices = [("", _("All projects and donors"))] + [
            (tag.pk, str(tag)) for tag in choices.tags
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(
                    _("The period must end on or after its first day."), code="bad_period"
                )
            if (end - start).days + 1 > MAX_PERIOD_DAYS:
                raise forms.ValidationError(
                    _("Choose a period of at most %(days)d days.") % {"days": MAX_PERIOD_DAYS},
                    code="period_too_long",
                )
        return data

    def report_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "start": data["start"],
            "end": data["end"],
            "space_ids": [data["centre"]] if data.get("centre") else None,
            "countries": [data["country"]] if data.get("country") else None,
            "kinds": [data["kind"]] if data.get("kind") else None,
            "tag_ids": [data["tag"]] if data.get("tag") else None,
        }


def _choices_or_403(request) -> ReportChoices:
    if report_scope(user=request.user) is None:
        raise PermissionDenied(_("Reports are for network admins, hosts, staff and donors."))
    return report_choices(viewer=request.user)


def _asks_outside_scope(form: ReportFilterForm) -> bool:
    """A centre or tag named by its number that is not among the viewer's choices."""
    return any(
        form.has_error(name, code="invalid_choice") and str(form.data.get(name, "")).isdigit()
        for name in ("centre", "tag")
    )


def filtered_report(request) -> tuple[ReportFilterForm, ReportChoices, Report | None]:
    """The form and the report; 403 for a centre or tag the viewer may not report on, so
    that asking about one gives no figures, not even an empty report."""
    choices = _choices_or_403(request)
    form = ReportFilterForm(request.GET, choices=choices, today=timezone.localdate())
    if not form.is_valid():
        if _asks_outside_scope(form):
            raise PermissionDenied(_("You may not report on this centre or tag."))
        return form, choices, None
    try:
        report = event_report(viewer=request.user, **form.report_arguments())
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal
    return form, choices, report
