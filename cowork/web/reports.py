"""Reports: the page, and its CSV and XLSX exports, of the same figures.

The page and both exports build their tables with one function (`report_tables`), from one
call of the selector, so a number on the page is the number in the files. The tables hold
only aggregates and event titles: never a participant's name or phone, nor an organizer's.
Hidden small counts arrive from the selector as "<5" or "x"; nothing here can see them.
"""

import csv
import datetime
import io
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from cowork.errors import NotAllowed
from cowork.models import Event
from cowork.models.spaces import COUNTRIES, WEEKDAYS
from cowork.selectors.reports.figures import Report
from cowork.selectors.reports.report import event_report
from cowork.selectors.reports.scope import ReportChoices, report_choices, report_scope
from cowork.selectors.reports.sentences import event_sentence
from cowork.selectors.reports.suppression import HIDDEN_MARK, SMALL_MARK
from cowork.web.charts import bar_chart, heat_map_chart
from cowork.web.forms import DATE_FORMAT

# Longer periods make slow pages and say little; a year or two is what donors ask for.
MAX_PERIOD_DAYS = 731
DEFAULT_MONTHS = 3
COUNTRY_NAMES = dict(COUNTRIES)
KIND_LABELS = {"room": gettext_lazy("Rooms"), "desk": gettext_lazy("Desks")}


# --- The filter form --------------------------------------------------------------------


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
            (space.pk, f"{space.name} ({space.city})") for space in choices.centres
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


# --- The tables, shared by the page and the exports -------------------------------------


@dataclass(frozen=True)
class Table:
    """Rows of plain values: int, float, str ("<5", "x", a title) or None (no value)."""

    key: str
    sheet: str
    title: str
    header: list[str]
    rows: list[list]
    # The first this many columns name the row (rendered as row headers).
    row_header_columns: int = 1
    # Other columns of text rather than numbers (by index), aligned as text.
    text_columns: frozenset[int] = frozenset()


def _hours(value: float) -> float:
    return round(value, 1)


def _totals_rows(report: Report) -> list[list]:
    figures = report.total
    rows = [
        [_("First day"), report.start.isoformat()],
        [_("Last day"), report.end.isoformat()],
        [_("Events held"), figures.events_held],
        [_("Events cancelled"), figures.events_cancelled],
        [_("Registrations"), figures.registrations],
        [_("Attendances"), figures.attendances],
        [_("Unique participants"), figures.unique_participants],
        [_("Confirmed registrations of past events"), figures.no_show_base],
        [_("No-shows"), figures.no_shows],
        [_("No-show rate (%)"), figures.no_show_percent],
    ]
    if report.shows_use:
        rows += [
            [_("Desk hours booked"), _hours(figures.desks.booked_hours)],
            [_("Desk hours open"), _hours(figures.desks.open_hours)],
            [_("Desk utilization (%)"), figures.desks.percent],
            [_("Room hours booked"), _hours(figures.rooms.booked_hours)],
            [_("Room hours open"), _hours(figures.rooms.open_hours)],
            [_("Room utilization (%)"), figures.rooms.percent],
            [_("Visits (check-ins)"), figures.visits],
            [_("Days open"), figures.open_days],
            [_("Visits per day open"), figures.visits_per_open_day],
        ]
    return rows


def _centre_row(name, city, country, figures, *, shows_use: bool) -> list:
    row = [
        name,
        city,
        country,
        figures.events_held,
        figures.events_cancelled,
        figures.registrations,
        figures.attendances,
        figures.unique_participants,
        figures.no_show_percent,
    ]
    if shows_use:
        # None (an empty cell) for a centre whose use is not the viewer's to see.
        row += [
            figures.desks.percent if figures.desks else None,
            figures.rooms.percent if figures.rooms else None,
            figures.visits,
            figures.visits_per_open_day,
        ]
    return row


def report_tables(report: Report) -> list[Table]:
    """Every table of the report, in the order of the XLSX sheets and the CSV sections."""
    weekday_names = dict(WEEKDAYS)
    shows_use = report.shows_use
    centres = [
        _centre_row(
            row.name,
            row.city,
            str(COUNTRY_NAMES.get(row.country, "")),
            row.figures,
            shows_use=shows_use,
        )
        for row in report.centres
    ]
    centres.append(_centre_row(_("All centres"), None, None, report.total, shows_use=shows_use))
    use_header = [
        _("Desk utilization (%)"),
        _("Room utilization (%)"),
        _("Visits"),
        _("Visits per day open"),
    ]
    tables = [
        Table(
            key="totals",
            sheet="Totals",
            title=_("Totals"),
            header=[_("Figure"), _("Value")],
            rows=_totals_rows(report),
        ),
        Table(
            key="centres",
            sheet="Centres",
            title=_("Centres"),
            header=[
                _("Centre"),
                _("City"),
                _("Country"),
                _("Events held"),
                _("Events cancelled"),
                _("Registrations"),
                _("Attendances"),
                _("Unique participants"),
                _("No-show rate (%)"),
                *(use_header if shows_use else []),
            ],
            rows=centres,
            text_columns=frozenset({1, 2}),
        ),
        Table(
            key="breakdown",
            sheet="Breakdown",
            title=_("Attendees by gender, age band and disability"),
            header=[_("Breakdown"), _("Answer"), _("Attendees")],
            rows=[
                [breakdown.title, label, cell.value if not cell.hidden else cell.shown]
                for breakdown in report.breakdowns
                for _code, label, cell in breakdown.rows
            ],
            row_header_columns=2,
        ),
        Table(
            key="events",
            sheet="Events",
            title=_("Events"),
            header=[
                _("Event"),
                _("Kind"),
                _("Centre"),
                _("City"),
                _("First day"),
                _("Last day"),
                _("Registrations"),
                _("Attendances"),
                _("Participants"),
                _("Men"),
                _("Women"),
                _("Others or not stated"),
                _("Summary"),
            ],
            rows=[
                [
                    row.title,
                    str(row.kind_label),
                    row.centre,
                    row.city,
                    row.first_day.isoformat(),
                    row.last_day.isoformat(),
                    row.registrations,
                    row.attendances,
                    row.participants,
                    *[cell.value if not cell.hidden else cell.shown for cell in row.gender_split],
                    event_sentence(row),
                ]
                for row in report.events
            ],
            text_columns=frozenset({1, 2, 3, 4, 5, 12}),
        ),
        Table(
            key="months",
            sheet="Months",
            title=_("By month"),
            header=[_("Month"), _("Events held"), _("Attendances")],
            rows=[[m.month.strftime("%Y-%m"), m.events, m.attendances] for m in report.months],
        ),
        Table(
            key="visits",
            sheet="Daily visits",
            title=_("Visits per day"),
            header=[_("Day"), _("Visits")],
            rows=[[d.day.isoformat(), d.visits] for d in report.daily_visits],
        ),
        Table(
            key="heat",
            sheet="Heat map",
            title=_("Share of open time booked, by weekday and hour"),
            header=[_("Resources"), _("Weekday"), _("Hour"), _("Booked (%)")],
            rows=[
                [
                    str(KIND_LABELS[heat.kind]),
                    str(weekday_names[weekday]),
                    f"{hour:02d}:00",
                    heat.percent[(weekday, hour)],
                ]
                for heat in report.heat_maps
                for weekday in heat.weekdays
                for hour in heat.hours
            ],
            row_header_columns=3,
        ),
        Table(
            key="notes",
            sheet="Notes",
            title=_("Notes"),
            header=[_("Mark"), _("Meaning")],
            rows=[[mark, str(meaning)] for mark, meaning in MARKS],
            text_columns=frozenset({1}),
        ),
    ]
    # Visits and the heat maps are centre use, which a donor's report leaves out whole.
    return [table for table in tables if shows_use or table.key not in ("visits", "heat")]


MARKS = [
    (SMALL_MARK, gettext_lazy("between 1 and 4, hidden to protect the people counted")),
    (
        HIDDEN_MARK,
        gettext_lazy(
            "hidden too, so that a hidden small number cannot be worked out from the total"
        ),
    ),
]


# --- Charts -----------------------------------------------------------------------------


def _short_weekday(weekday: int) -> str:
    # 1 January 2024 was a Monday.
    return date_format(datetime.date(2024, 1, 1 + weekday), "D")


def report_charts(report: Report) -> dict:
    weekday_names = dict(WEEKDAYS)
    charts = {
        "events": bar_chart(
            chart_id="chart-events",
            title=_("Events held per month"),
            description=_("Bar chart; the same numbers are in the table “By month”."),
            points=[(m.label, m.events) for m in report.months],
        ),
        "attendances": bar_chart(
            chart_id="chart-attendances",
            title=_("Attendances per month"),
            description=_("Bar chart; the same numbers are in the table “By month”."),
            points=[(m.label, m.attendances) for m in report.months],
        ),
        "visits": bar_chart(
            chart_id="chart-visits",
            title=_("Visits per day"),
            description=_("Bar chart; the same numbers are in the table “Visits per day”."),
            points=[(date_format(d.day, "j M"), d.visits) for d in report.daily_visits],
            show_values=len(report.daily_visits) <= 31,
            width=720,
        )
        if report.shows_use
        else None,
        "heat_maps": [],
    }
    for heat in report.heat_maps:
        if heat.empty:
            continue
        charts["heat_maps"].append(
            (
                heat,
                heat_map_chart(
                    chart_id=f"heat-{heat.kind}",
                    title=_("%(resources)s: share of open time booked")
                    % {"resources": KIND_LABELS[heat.kind]},
                    description=_(
                        "Rows are weekdays, columns local hours; each cell gives the percentage"
                        " of open time booked. The same numbers are in the table below."
                    ),
                    rows=[(_short_weekday(w), str(weekday_names[w])) for w in heat.weekdays],
                    row_keys=heat.weekdays,
                    hours=heat.hours,
                    value=lambda weekday, hour, heat=heat: heat.percent[(weekday, hour)],
                ),
            )
        )
    return charts


# --- Views ------------------------------------------------------------------------------


def _choices_or_403(request) -> ReportChoices:
    if report_scope(user=request.user) is None:
        raise PermissionDenied(_("Reports are for network admins, hosts, staff and donors."))
    return report_choices(viewer=request.user)


def _scope_label(report: Report, choices: ReportChoices) -> str:
    if report.scope.every_centre:
        return _("Every centre of the network.")
    if report.scope.donor_only:
        names = ", ".join(tag.name for tag in choices.tags)
        return _(
            "Events tagged %(tags)s: who came and how many. The use of the centres' desks and "
            "rooms is not part of a donor's report."
        ) % {"tags": names}
    return _("The centres you work at.")


def _asks_outside_scope(form: ReportFilterForm) -> bool:
    """A centre or tag named by its number that is not among the viewer's choices."""
    return any(
        form.has_error(name, code="invalid_choice") and str(form.data.get(name, "")).isdigit()
        for name in ("centre", "tag")
    )


def _filtered_report(request) -> tuple[ReportFilterForm, ReportChoices, Report | None]:
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


@login_required
@require_GET
def report_page(request):
    form, choices, report = _filtered_report(request)
    context = {"form": form, "report": report}
    if report is None:
        return render(request, "cowork/reports/report.html", context, status=400)
    tables = {table.key: table for table in report_tables(report)}
    context.update(
        tables=tables,
        charts=report_charts(report),
        sentences=[event_sentence(row) for row in report.events],
        scope_label=_scope_label(report, choices),
        export_query=request.GET.urlencode(),
        marks=MARKS,
        small_mark=SMALL_MARK,
        hidden_mark=HIDDEN_MARK,
    )
    return render(request, "cowork/reports/report.html", context)


def _export_name(report: Report, extension: str) -> str:
    return f"cowork-report-{report.start.isoformat()}-{report.end.isoformat()}.{extension}"


def _safe(value):
    """Text a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _bad_filters(form: ReportFilterForm) -> HttpResponse:
    errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
    return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def report_csv(request):
    """Every table, one after another: its title, its header, its rows, a blank line."""
    form, _choices, report = _filtered_report(request)
    if report is None:
        return _bad_filters(form)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(report, "csv")}"'
    # A byte-order mark, so spreadsheet programs read the file as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    for table in report_tables(report):
        writer.writerow([_safe(table.title)])
        writer.writerow([_safe(text) for text in table.header])
        for row in table.rows:
            writer.writerow(["" if value is None else _safe(value) for value in row])
        writer.writerow([])
    return response


@login_required
@require_GET
def report_xlsx(request):
    """One sheet per table, named as in `Table.sheet`, the header row bold and frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    form, _choices, report = _filtered_report(request)
    if report is None:
        return _bad_filters(form)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in report_tables(report):
        # Sheet names stay in English whatever the language: scripts find sheets by name.
        sheet = workbook.create_sheet(table.sheet)
        sheet.append([_safe(text) for text in table.header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_safe(value) for value in row])
        sheet.freeze_panes = "A2"
        for index, text in enumerate(table.header):
            width = max([len(str(text))] + [len(str(row[index] or "")) for row in table.rows])
            sheet.column_dimensions[sheet.cell(1, index + 1).column_letter].width = min(
                60, max(8, width + 2)
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name(report, "xlsx")}"'
    return response
