"""The report's "Use of the space": its tables (for the page and both exports) and its
busiest-hours heat maps, from `Report.use` (`cowork.selectors.reports.usage`); and the chart
of any map by weekday and hour, the share-booked heat maps' too."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cowork.models import Resource
from cowork.models.spaces import WEEKDAYS
from cowork.selectors.reports.dates import weekday_abbreviation
from cowork.selectors.reports.figures import Report
from cowork.selectors.reports.usage import UseRow
from cowork.web.charts import HeatMapChart, heat_map_chart
from cowork.web.reports.table import Table, weekday_hour_table

USE_KIND_LABELS = {
    Resource.Kind.DESK: gettext_lazy("Desks"),
    Resource.Kind.ROOM: gettext_lazy("Rooms"),
    Resource.Kind.EQUIPMENT: gettext_lazy("Equipment"),
}
USE_NOTE = gettext_lazy(
    "Booked: bookings due by now (not cancelled, declined or still awaiting approval); an"
    " event's room is not counted. Checked in: of those, the ones someone came to. No-shows:"
    " released unused, or over without a check-in. Weeks are named by their Monday."
)


def _use_header(first: list[str]) -> list[str]:
    return [
        *first,
        _("Resources"),
        _("Booked"),
        _("Checked in"),
        _("No-shows"),
        _("No-show rate (%)"),
    ]


def _use_values(row: UseRow) -> list:
    count = row.count
    return [
        str(USE_KIND_LABELS[row.kind]),
        count.booked,
        count.checked_in,
        count.no_shows,
        count.no_show_percent,
    ]


def _use_by_period(*, key, sheet, title, period_header, rows, period) -> Table:
    """Use per period and centre, the period named by `period(row.period)`."""
    return Table(
        key=key,
        sheet=sheet,
        title=title,
        header=_use_header([period_header, _("Centre")]),
        rows=[[period(row.period), row.centre, *_use_values(row)] for row in rows],
        row_header_columns=2,
        text_columns=frozenset({2}),
    )


def use_tables(report: Report) -> list:
    """The tables of the use of the space; none for a report without it (a donor's)."""
    use = report.use
    if use is None:
        return []
    return [
        Table(
            key="use_centres",
            sheet="Use of the space",
            title=_("Bookings and check-ins by centre"),
            header=_use_header([_("Centre")]),
            rows=[[row.centre or _("All centres"), *_use_values(row)] for row in use.centres],
            text_columns=frozenset({1}),
        ),
        _use_by_period(
            key="use_months",
            sheet="Use by month",
            title=_("Bookings and check-ins by month"),
            period_header=_("Month"),
            rows=use.months,
            period=lambda month: month.strftime("%Y-%m"),
        ),
        _use_by_period(
            key="use_weeks",
            sheet="Use by week",
            title=_("Bookings and check-ins by week"),
            period_header=_("Week of"),
            rows=use.weeks,
            period=lambda monday: monday.isoformat(),
        ),
        weekday_hour_table(
            key="busy",
            sheet="Busiest hours",
            title=_("Bookings checked in, by weekday and hour"),
            value_header=_("Checked in"),
            maps=use.busy,
            labels=USE_KIND_LABELS,
            values=lambda busy: busy.counts,
        ),
        Table(
            key="equipment",
            sheet="Equipment asked for",
            title=_("Equipment asked for and refused"),
            header=[
                _("Equipment"),
                _("Units asked for"),
                _("Units booked"),
                _("Units refused"),
                _("Requests refused"),
            ],
            rows=[
                [row.label, row.asked, row.booked, row.refused, row.refused_requests]
                for row in use.equipment
            ],
        ),
    ]


def weekday_heat_map(each, **chart) -> HeatMapChart:
    """`heat_map_chart(**chart)` of a map by weekday and hour (a heat or busy map): a row a
    weekday of it, named short and long, a column an hour of it."""
    names = dict(WEEKDAYS)
    return heat_map_chart(
        rows=[(weekday_abbreviation(w), str(names[w])) for w in each.weekdays],
        row_keys=each.weekdays,
        hours=each.hours,
        **chart,
    )


# The title (naming the kind of resource) and the description of each chart by kind.
KIND_CHART_TEXTS = {
    "heat": (
        gettext_lazy("%(resources)s: share of open time booked"),
        gettext_lazy(
            "Rows are weekdays, columns local hours; each cell gives the percentage"
            " of open time booked. The same numbers are in the table below."
        ),
    ),
    "busy": (
        gettext_lazy("%(resources)s: when they are busiest"),
        gettext_lazy(
            "Rows are weekdays, columns local hours; each cell gives the number of"
            " bookings checked in during that hour over the period, its colour the"
            " share of the busiest hour. The same numbers are in the table below."
        ),
    ),
}


def charts_by_kind(chart: str, maps, labels, cells) -> list:
    """(map, its chart) for maps by weekday and hour, one a kind of resource (named by
    `labels`): the chart `KIND_CHART_TEXTS[chart]` says, with the cells `cells(map)` gives
    (`weekday_heat_map`'s `value`, and `cell_text` and `cell_title` where cells count)."""
    title, description = KIND_CHART_TEXTS[chart]
    return [
        (
            each,
            weekday_heat_map(
                each,
                chart_id=f"{chart}-{each.kind}",
                title=title % {"resources": labels[each.kind]},
                description=str(description),
                **cells(each),
            ),
        )
        for each in maps
    ]


def _busy_cells(busy) -> dict:
    """A busy map's cells: coloured by their share of the busiest hour, each giving its count
    of bookings checked in."""
    peak = busy.peak or 1

    def title(day, hours, weekday, hour):
        count = busy.counts[(weekday, hour)]
        return ngettext(
            "%(day)s %(hours)s: %(count)d booking checked in",
            "%(day)s %(hours)s: %(count)d bookings checked in",
            count,
        ) % {"day": day, "hours": hours, "count": count}

    return {
        "value": lambda weekday, hour: 100 * busy.counts[(weekday, hour)] / peak,
        "cell_text": lambda weekday, hour: str(busy.counts[(weekday, hour)]),
        "cell_title": title,
    }


def busy_charts(report: Report) -> list:
    """(busy map, heat map chart) per resource kind with any check-in."""
    if report.use is None:
        return []
    return charts_by_kind("busy", report.use.busy, USE_KIND_LABELS, _busy_cells)
