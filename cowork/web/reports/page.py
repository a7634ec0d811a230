"""The report page: figures, charts and tables, and the sentences donors paste."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cowork.selectors.reports.dates import day_label, period_label
from cowork.selectors.reports.figures import Report
from cowork.selectors.reports.scope import ReportChoices
from cowork.selectors.reports.sentences import donor_sentences
from cowork.selectors.reports.suppression import HIDDEN_MARK, SMALL_MARK
from cowork.web.charts import bar_chart
from cowork.web.reports.filters import filtered_report
from cowork.web.reports.pause import collector_paused
from cowork.web.reports.tables import KIND_LABELS, MARKS, notes_of, report_tables
from cowork.web.reports.usage import busy_charts, charts_by_kind

# The events a page lists (as sentences and as a table); the files hold every one.
EVENTS_PER_PAGE = 100
EVENTS_PAGE = "events_page"


def _by_month_chart(report: Report, key: str, title: str, figure: str):
    """A bar a month of the month's `figure`, as the table "By month" has it."""
    return bar_chart(
        chart_id=f"chart-{key}",
        title=title,
        description=_("Bar chart; the same numbers are in the table “By month”."),
        points=[(month.label, getattr(month, figure)) for month in report.months],
    )


def report_charts(report: Report) -> dict:
    return {
        "events": _by_month_chart(report, "events", _("Events held per month"), "events"),
        "attendances": _by_month_chart(
            report, "attendances", _("Attendances per month"), "attendances"
        ),
        "people": _by_month_chart(
            report, "people", _("People per month, each counted once"), "participants"
        ),
        "visits": bar_chart(
            chart_id="chart-visits",
            title=_("Visits per day"),
            description=_("Bar chart; the same numbers are in the table “Visits per day”."),
            points=[(day_label(d.day), d.visits) for d in report.daily_visits],
            show_values=len(report.daily_visits) <= 31,
            width=720,
        )
        if report.shows_use
        else None,
        "heat_maps": charts_by_kind(
            "heat",
            [heat for heat in report.heat_maps if not heat.empty],
            KIND_LABELS,
            lambda heat: {"value": lambda weekday, hour: heat.percent[(weekday, hour)]},
        ),
        "busy": busy_charts(report),
    }


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


def _sentences_with_language_names(sentences) -> list[tuple[str, list[tuple]]]:
    """Each sentence as (kind, [(language code, language name, text)])."""
    names = dict(settings.LANGUAGES)
    return [
        (sentence.kind, [(code, names.get(code, code), text) for code, text in sentence.texts])
        for sentence in sentences
    ]


def _events_page(request, report: Report):
    """The page of the report's events the page shows (`events_page` in the query): a
    year of a network's events is thousands of rows and sentences, which the CSV and XLSX
    hold whole."""
    return Paginator(report.events, EVENTS_PER_PAGE).get_page(request.GET.get(EVENTS_PAGE))


def _query(request, **changes) -> str:
    query = request.GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return query.urlencode()


@login_required
@require_GET
@collector_paused
def report_page(request):
    form, choices, report = filtered_report(request)
    context = {"form": form, "report": report}
    if report is None:
        return render(request, "cowork/reports/report.html", context, status=400)
    events = _events_page(request, report)
    sentences = donor_sentences(report, events.object_list)
    tables = {table.key: table for table in report_tables(report, events.object_list, sentences)}
    context.update(
        tables=tables,
        charts=report_charts(report),
        # The events table's summaries: each event's sentence in the active language.
        sentences=[row[-1] for row in tables["events"].rows],
        donor_sentences=_sentences_with_language_names(sentences),
        events_page=events,
        previous_events_query=_query(request, **{EVENTS_PAGE: str(events.number - 1)})
        if events.has_previous()
        else None,
        next_events_query=_query(request, **{EVENTS_PAGE: str(events.number + 1)})
        if events.has_next()
        else None,
        scope_label=_scope_label(report, choices),
        period=period_label(report.start, report.end),
        export_query=_query(request, **{EVENTS_PAGE: None}),
        marks=MARKS,
        notes=notes_of(report),
        small_mark=SMALL_MARK,
        hidden_mark=HIDDEN_MARK,
    )
    return render(request, "cowork/reports/report.html", context)
