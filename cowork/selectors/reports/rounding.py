"""A donor's figures rounded to base 5, so that two reports cannot be subtracted to a small
count.

A donor may ask for any period, centre, country, kind or tag within their scope. Two such
reports that differ by a few people (all centres, then one country; March 1–31, then
March 2–31) would give those people away by subtraction, however well each report hides
its own small cells. So every count of people a donor reads is rounded to a multiple of 5:
registrations, attendances, participants, first-time and returning participants,
no-shows, each shown cell of the breakdowns, of the gender splits and of the sentences,
and each total, rounded on its own (a total is not the sum of its rounded cells).
Whatever two published counts are subtracted, the difference is a multiple of 5: 0, or 5
and more, never a count from 1 to 4, and it tells only that the true difference lies
within a few of it.

The method: random rounding with a fixed key. A count that is a multiple of 5 stays; any
other goes up to the next multiple with a probability of its remainder in fifths (8 goes
up with 3/5, down with 2/5), so rounding is unbiased over many cells. The draw is a keyed
hash (the project's secret key) of what is counted and the true count, so asking again,
or in another report, gives the same figure: repeating a question cannot average the noise
away. A non-zero count never shows as 0 (1 to 4 show as 5), so an event with people never
reads as empty. Cells hidden as "<5" or "x" stay hidden; counts of events (held,
cancelled) are not counts of people and stay exact.

Network admins and hosts read exact figures: their filters are their own centres' records
(`cowork.selectors.reports.suppression`).
"""

import dataclasses
from collections.abc import Sequence

from django.utils.crypto import salted_hmac

from cowork.selectors.reports.figures import CentreRow, EventRow, Figures, MonthFigures, Report
from cowork.selectors.reports.people import PeopleSummary
from cowork.selectors.reports.suppression import Breakdown, Cell

BASE = 5
_PEOPLE_FIGURES = (
    "registrations",
    "attendances",
    "unique_participants",
    "returning_participants",
    "first_time_participants",
    "no_shows",
    "no_show_base",
)
# The counts of people on an event's row and on a month's line, each with what it counts:
# the key of its draw, so a count of the same thing rounds alike wherever it stands.
_EVENT_ROW_COUNTS = {
    "registrations": "registrations",
    "attendances": "attendances",
    "participants": "unique_participants",
}
_MONTH_COUNTS = {
    "attendances": "attendances",
    "participants": "unique_participants",
    "first_time": "first_time_participants",
}


def rounded(count: int, what: str) -> int:
    """`count` of `what` at a multiple of BASE: down or up as the keyed draw says; a
    non-zero count at least BASE."""
    remainder = count % BASE
    if remainder == 0:
        return count
    down = count - remainder
    if down == 0:
        return BASE
    digest = salted_hmac("cowork.reports.rounding", f"{what}:{count}", algorithm="sha256")
    draw = int.from_bytes(digest.digest()[:4], "big") % BASE
    return down + BASE if draw < remainder else down


def _cell(cell: Cell, what: str) -> Cell:
    if cell.hidden:
        return cell
    value = rounded(cell.value, what)
    return Cell(value, str(value))


def _counts_rounded(row, counts: dict[str, str]) -> dict[str, int]:
    """The fields of `row` that `counts` names, each rounded as a count of what it names."""
    return {field: rounded(getattr(row, field), what) for field, what in counts.items()}


def _cells(cells: list[Cell], keys: Sequence, dimension: str) -> list[Cell]:
    """A row of cells, one a key of `dimension` in order, each rounded as `dimension:key`."""
    return [_cell(cell, f"{dimension}:{key}") for key, cell in zip(keys, cells, strict=True)]


def _figures(figures: Figures) -> Figures:
    return dataclasses.replace(
        figures, **_counts_rounded(figures, {name: name for name in _PEOPLE_FIGURES})
    )


def _summary(summary: PeopleSummary | None) -> PeopleSummary | None:
    if summary is None:
        return None
    return PeopleSummary(
        participants=rounded(summary.participants, "unique_participants"),
        split={key: _cell(cell, f"gender:{key}") for key, cell in summary.split.items()},
        with_disability=_cell(summary.with_disability, "disability:with"),
    )


def _breakdown(breakdown: Breakdown) -> Breakdown:
    return dataclasses.replace(
        breakdown,
        cells=_cells(
            breakdown.cells, [code for code, _label in breakdown.categories], breakdown.dimension
        ),
        total=rounded(breakdown.total, "unique_participants"),
    )


def rounded_event_row(row: EventRow) -> EventRow:
    return dataclasses.replace(
        row,
        **_counts_rounded(row, _EVENT_ROW_COUNTS),
        gender_split=_cells(row.gender_split, ("men", "women", "rest"), "gender"),
        people=_summary(row.people),
    )


def _month(month: MonthFigures) -> MonthFigures:
    return dataclasses.replace(month, **_counts_rounded(month, _MONTH_COUNTS))


def _centre(row: CentreRow) -> CentreRow:
    return dataclasses.replace(row, figures=_figures(row.figures), people=_summary(row.people))


def rounded_for_donor(report: Report) -> Report:
    """`report` with every count of people rounded to base 5 (this module's method)."""
    return dataclasses.replace(
        report,
        total=_figures(report.total),
        centres=[_centre(row) for row in report.centres],
        breakdowns=[_breakdown(b) for b in report.breakdowns],
        domains=[_breakdown(b) for b in report.domains],
        months=[_month(month) for month in report.months],
        events=[rounded_event_row(row) for row in report.events],
        people=_summary(report.people),
        tags=[dataclasses.replace(tag, people=_summary(tag.people)) for tag in report.tags],
        rounded_to=BASE,
    )
