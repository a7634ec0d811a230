"""Suppression down the columns of a table, not only along its rows.

`suppress_row` keeps a hidden cell from being worked out from its row's total. A report also
publishes the column's total elsewhere: the women of every event of the period (the
"Gender" breakdown, the sentence for the whole period), and the women of each event. With
a training's 5 women shown and a round-table's 2 shown as "<5", 7 women in total gives the
round-table's 2 away. So each column is treated as a row of its own, its total taken as
the sum of its cells (people who came to two events make the published total smaller than
that sum, which tells a reader less, never more): a hidden cell alone in its column gets a
complement there, that complement is protected in its own row, and so on until neither
rows nor columns hide another cell.
"""

from collections.abc import Iterable, Sequence

from cowork.selectors.reports.people import PeopleSummary, summary_counts, summary_of
from cowork.selectors.reports.suppression import Cell, suppress_row


def remembering_suppress_row():
    """`suppress_row` that works out each row (counts and protected cells) once: a year's
    thousands of events, centres and tags give the same few small rows again and again.
    One per grid or set of summaries, dropped with it."""
    found: dict = {}

    def suppress(counts: Sequence[int], *, protect: Iterable[int] = ()) -> list[Cell]:
        key = (tuple(counts), frozenset(protect))
        cells = found.get(key)
        if cells is None:
            cells = found[key] = suppress_row(counts, protect=protect)
        return list(cells)

    return suppress


def _column_protection(
    counts: Sequence[Sequence[int]],
    cells: Sequence[Sequence[Cell]],
    done: dict | None = None,
    suppress=suppress_row,
):
    """(row, column) cells to hide so that no column gives away one of its hidden cells.

    `done`: the columns already suppressed, by column and hidden rows, kept between the
    rounds of one grid: a column whose hidden cells did not change since gives nothing new.
    """
    found = set()
    width = len(counts[0]) if counts else 0
    for column in range(width):
        hidden = frozenset(n for n, row in enumerate(cells) if row[column].hidden)
        if not hidden:
            continue
        key = (column, hidden)
        if done is not None and key in done:
            column_cells = done[key]
        else:
            column_cells = suppress([row[column] for row in counts], protect=hidden)
            if done is not None:
                done[key] = column_cells
        found |= {
            (n, column)
            for n, cell in enumerate(column_cells)
            if cell.hidden and not cells[n][column].hidden
        }
    return found


def suppress_grid(rows: Sequence[Sequence[int]]) -> list[list[Cell]]:
    """Each row suppressed (`suppress_row`), then hidden further until no hidden cell follows
    from its column's total and the column's shown cells either.

    Each round suppresses again only the rows given a new protected cell: a row's cells
    depend on its counts and its protected cells alone."""
    suppress = remembering_suppress_row()
    protect: list[set[int]] = [set() for _row in rows]
    cells = [suppress(counts) for counts in rows]
    done: dict = {}
    while True:
        more = _column_protection(rows, cells, done, suppress)
        if not more:
            return cells
        for n, column in more:
            protect[n].add(column)
        for n in {n for n, _column in more}:
            cells[n] = suppress(rows[n], protect=protect[n])


def people_summaries(
    groups: Sequence[Iterable[int]], people: dict, counts: list | None = None
) -> list[PeopleSummary]:
    """`people_summary` of each group (events, centres, tags of one report), hidden together:
    the gender splits as a grid, and the "with a disability" counts as one column.
    `counts`: the groups' `summary_counts`, when the caller has them already.

    Each round summarizes again only the groups given a new protected cell."""
    groups = [ids if isinstance(ids, set | frozenset) else set(ids) for ids in groups]
    if counts is None:
        counts = [summary_counts(ids, people) for ids in groups]
    suppress = remembering_suppress_row()
    splits = [split for split, _disability in counts]
    disabled = [[disability[0]] for _split, disability in counts]
    protect_split: list[set[int]] = [set() for _group in groups]
    protect_disability: list[set[int]] = [set() for _group in groups]

    def summary(n: int) -> PeopleSummary:
        return summary_of(
            len(groups[n]),
            *counts[n],
            protect_split=protect_split[n],
            protect_disability=protect_disability[n],
            suppress=suppress,
        )

    summaries = [summary(n) for n in range(len(groups))]
    split_done: dict = {}
    disability_done: dict = {}
    while True:
        split_more = _column_protection(
            splits, [list(s.split.values()) for s in summaries], split_done, suppress
        )
        disability_more = _column_protection(
            disabled, [[s.with_disability] for s in summaries], disability_done, suppress
        )
        if not split_more and not disability_more:
            return summaries
        for n, column in split_more:
            protect_split[n].add(column)
        for n, _column in disability_more:
            protect_disability[n].add(0)
        for n in {n for n, _column in split_more | disability_more}:
            summaries[n] = summary(n)
