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


def _column_protection(
    counts: Sequence[Sequence[int]], cells: Sequence[Sequence[Cell]], done: dict | None = None
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
            column_cells = suppress_row([row[column] for row in counts], protect=hidden)
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
    protect: list[set[int]] = [set() for _row in rows]
    cells = [suppress_row(counts) for counts in rows]
    done: dict = {}
    while True:
        more = _column_protection(rows, cells, done)
        if not more:
            return cells
        for n, column in more:
            protect[n].add(column)
        for n in {n for n, _column in more}:
            cells[n] = suppress_row(rows[n], protect=protect[n])


def people_summaries(groups: Sequence[Iterable[int]], people: dict) -> list[PeopleSummary]:
    """`people_summary` of each group (events, centres, tags of one report), hidden together:
    the gender splits as a grid, and the "with a disability" counts as one column.

    Each round summarizes again only the groups given a new protected cell."""
    groups = [set(ids) for ids in groups]
    counts = [summary_counts(ids, people) for ids in groups]
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
        )

    summaries = [summary(n) for n in range(len(groups))]
    split_done: dict = {}
    disability_done: dict = {}
    while True:
        split_more = _column_protection(
            splits, [list(s.split.values()) for s in summaries], split_done
        )
        disability_more = _column_protection(
            disabled, [[s.with_disability] for s in summaries], disability_done
        )
        if not split_more and not disability_more:
            return summaries
        for n, column in split_more:
            protect_split[n].add(column)
        for n, _column in disability_more:
            protect_disability[n].add(0)
        for n in {n for n, _column in split_more | disability_more}:
            summaries[n] = summary(n)
