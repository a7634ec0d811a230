"""Suppression that holds against subtraction: a total less the other rows of one export,
and one report less another that a donor can ask for, never give a count from 1 to 4."""

import datetime
import itertools

import pytest

from cowork.models import Event
from cowork.selectors.reports.report import event_report
from cowork.selectors.reports.scope import report_choices
from cowork.selectors.reports.suppression import SMALL_CELL, suppress_row
from tests.cowork.selectors.reports.expected import march_report
from tests.cowork.selectors.reports.network import (
    MARCH,
    REPORT_NOW,
    attended,
    donor,
    make_event,
)
from tests.factories import HostFactory, RoomFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def worked_out(rows, row_totals, column_totals) -> dict[tuple[int, int], int]:
    """What a reader works out of a table by subtraction alone: a line (row or column) with
    a known total and one unknown cell gives that cell, over and over while any does.

    `rows`: cells as published (an int, or a mark for a hidden one); a total None is not
    published."""
    known = {
        (r, c): value
        for r, row in enumerate(rows)
        for c, value in enumerate(row)
        if isinstance(value, int)
    }
    found = {}
    lines = [
        ([(r, c) for c in range(len(rows[r]))], total) for r, total in enumerate(row_totals)
    ] + [([(r, c) for r in range(len(rows))], total) for c, total in enumerate(column_totals)]
    grown = True
    while grown:
        grown = False
        for cells, total in lines:
            unknown = [cell for cell in cells if cell not in known]
            if total is not None and len(unknown) == 1:
                value = total - sum(known[cell] for cell in cells if cell in known)
                known[unknown[0]] = found[unknown[0]] = value
                grown = True
    return found


@pytest.fixture
def training_and_round_table():
    """A training of 5 women and a round-table of 2 women and 5 men: 7 women in total."""
    space = SpaceFactory(city="Ganja")
    host = HostFactory(space=space).user
    room = RoomFactory(space=space)
    training = make_event(
        space, room, host, "Training", Event.Kind.TRAINING, [("2025-03-04", "10:00", "12:00")]
    )
    round_table = make_event(
        space, room, host, "Round-table", Event.Kind.ROUND_TABLE, [("2025-03-12", "10:00", "12:00")]
    )
    for n in range(5):
        attended(training, n, gender="female", host=host, phone=200 + n)
    for n in range(5, 7):
        attended(round_table, n, gender="female", host=host, phone=200 + n)
    for n in range(7, 12):
        attended(round_table, n, gender="male", host=host, phone=200 + n)
    return space


def _gender_totals(report) -> list[int | None]:
    """The events table's columns (men, women, everyone else) as the "Gender" breakdown
    publishes them; None where it does not."""
    cells = {code: cell for code, _label, cell in report.breakdowns[0].rows}
    men, women = cells["male"], cells["female"]
    rest = None
    if not men.hidden and not women.hidden:
        rest = report.breakdowns[0].total - men.value - women.value
    return [
        None if men.hidden else men.value,
        None if women.hidden else women.value,
        rest,
    ]


def test_each_row_alone_would_give_the_round_tables_women_away(training_and_round_table):
    """The attack as it worked before the columns were protected, to show the test bites:
    7 women less the training's 5 leaves the round-table's "<5" as 2."""
    rows = [suppress_row(counts) for counts in ([0, 5, 0], [5, 2, 0])]
    published = [[cell.value if not cell.hidden else cell.shown for cell in row] for row in rows]
    assert published[1][1] == "<5"
    assert worked_out(published, [5, 7], [5, 7, 0]) == {(1, 0): 5, (1, 1): 2}


def test_the_total_less_the_other_events_gives_no_hidden_count(training_and_round_table, admin):
    report = march_report(admin)
    rows = [[cell.value if not cell.hidden else cell.shown for cell in row.gender_split]
            for row in report.events]  # fmt: skip
    assert [row.title for row in report.events] == ["Training", "Round-table"]
    assert rows[1][1] == "<5" and rows[0][1] == "x"
    found = worked_out(rows, [row.participants for row in report.events], _gender_totals(report))
    assert found == {}
    # The sentences' splits, against the period's: nothing either.
    split_rows = [
        [cell.value if not cell.hidden else cell.shown for cell in row.people.split.values()]
        for row in report.events
    ]
    period = [cell.value if not cell.hidden else None for cell in report.people.split.values()]
    found = worked_out(split_rows, [row.people.participants for row in report.events], period)
    assert all(not 0 < value < SMALL_CELL for value in found.values())
    assert not {cell for cell in found if not isinstance(split_rows[cell[0]][cell[1]], int)}


def published_counts(report) -> dict[tuple, int]:
    """Every count of people a report publishes, by what it counts."""
    counts = {}
    people = (
        "registrations",
        "attendances",
        "unique_participants",
        "returning_participants",
        "first_time_participants",
        "no_shows",
        "no_show_base",
    )
    for name in people:
        counts[("total", name)] = getattr(report.total, name)
    for row in report.centres:
        for name in people:
            counts[("centre", row.name, name)] = getattr(row.figures, name)
    for breakdown in [*report.breakdowns, *report.domains]:
        for code, _label, cell in breakdown.rows:
            if not cell.hidden:
                counts[("breakdown", breakdown.dimension, code)] = cell.value
    for month in report.months:
        for name in ("attendances", "participants", "first_time"):
            counts[("month", month.month, name)] = getattr(month, name)
    for row in report.events:
        for name in ("registrations", "attendances", "participants"):
            counts[("event", row.event_id, name)] = getattr(row, name)
        for n, cell in enumerate(row.gender_split):
            if not cell.hidden:
                counts[("event", row.event_id, "gender", n)] = cell.value
    summaries = [("period", report.people)]
    summaries += [(("centre", row.name), row.people) for row in report.centres]
    summaries += [(("tag", tag.tag_id), tag.people) for tag in report.tags]
    summaries += [(("event", row.event_id), row.people) for row in report.events]
    for key, summary in summaries:
        counts[("summary", key, "participants")] = summary.participants
        for code, cell in summary.split.items():
            if not cell.hidden:
                counts[("summary", key, code)] = cell.value
        if not summary.with_disability.hidden:
            counts[("summary", key, "with_disability")] = summary.with_disability.value
    return counts


def _filter_sets(viewer):
    """Every report the viewer can ask for through the filters, over three periods."""
    choices = report_choices(viewer=viewer)
    centres = [None, *([space.pk] for space in choices.centres)]
    countries = [None, *([code] for code in choices.countries)]
    kinds = [None, [Event.Kind.ROUND_TABLE]]
    tags = [None, *([tag.pk] for tag in choices.tags)]
    periods = [
        MARCH,
        {"start": datetime.date(2025, 3, 13), "end": MARCH["end"]},
        {"start": MARCH["start"], "end": datetime.date(2025, 3, 12)},
    ]
    for space_ids, country, kind, tag, period in itertools.product(
        centres, countries, kinds, tags, periods
    ):
        yield {
            "space_ids": space_ids,
            "countries": country,
            "kinds": kind,
            "tag_ids": tag,
            **period,
        }


def small_differences(viewer) -> list:
    """Where two of the viewer's reports publish counts of one thing 1 to SMALL_CELL - 1
    apart: (what, a count, the next count above it) for each such pair of neighbours among
    the counts the reports publish for it; empty if no two reports differ that little.

    Two reports differ by that little on a thing if and only if, among the counts the
    reports publish for it, two next to each other in order do: a gap between any two is
    the sum of the gaps between neighbours. So each thing's counts are sorted once, instead
    of every pair of reports being compared (a million comparisons over the filters)."""
    counts_by_key: dict[tuple, set[int]] = {}
    for filters in _filter_sets(viewer):
        report = event_report(viewer=viewer, now=REPORT_NOW, **filters)
        for key, count in published_counts(report).items():
            counts_by_key.setdefault(key, set()).add(count)
    small = []
    for key, counts in counts_by_key.items():
        ordered = sorted(counts)
        for lower, higher in itertools.pairwise(ordered):
            if higher - lower < SMALL_CELL:
                small.append((key, lower, higher))
    return small


def test_a_hosts_exact_reports_subtract_to_small_counts(network):
    """What a donor's rounding guards against, shown on exact figures (a host's, whose
    filters are their own centre's records): the test finds such differences."""
    assert small_differences(network.host_b)


def test_no_two_reports_a_donor_can_ask_for_subtract_to_a_small_count(network):
    eu_donor = donor(network.eu, network.youth)
    assert small_differences(eu_donor) == []
    # Within one report, a donor's totals less their rows are multiples of 5 too.
    report = march_report(eu_donor)
    total = report.total
    for name in ("attendances", "unique_participants", "registrations"):
        rest = getattr(total, name) - sum(getattr(row.figures, name) for row in report.centres[1:])
        assert rest % SMALL_CELL == 0
    assert report.people.participants % SMALL_CELL == 0
