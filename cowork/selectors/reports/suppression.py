"""Small-cell suppression of the published counts.

Attendees are broken down (`cowork.selectors.reports.people`) with small-cell suppression
(`suppress_row`): a count from 1 to 4 is shown as "<5", and further cells are hidden (as
"x") while a hidden count could still be worked out from the row's total, which the report
publishes. Participants who gave no consent are counted as "not given", never inferred;
that cell is hidden in every breakdown or in none (`people_tables`).

Suppression protects each published table against subtraction within it and across the
three breakdowns; `grid` carries it down the columns (events, centres, tags, whose cells
add up to the period's). It cannot stop differencing between two reports a viewer asks for
(all centres, then all but one): for donors, `rounding` gives every count of people at a
multiple of 5, so no difference reads 1 to 4; hosts and network admins, whose filters are
their own records, read exact figures.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

# Counts from 1 to SMALL_CELL - 1 are never shown.
SMALL_CELL = 5
SMALL_MARK = "<5"
# A cell hidden so that a small one cannot be worked out from the total and the others.
HIDDEN_MARK = "x"
NOT_GIVEN = "not_given"
NOT_GIVEN_LABEL = gettext_lazy("Not given")


@dataclass(frozen=True)
class Cell:
    """One published count: `value` is None when the count is hidden."""

    value: int | None
    shown: str

    @property
    def hidden(self) -> bool:
        return self.value is None


def _feasible_rest(rest: int, small: int, others: int) -> bool:
    """Can `small` hidden small counts (1–4 each) and `others` hidden other counts (0 or ≥ 5
    each) add up to `rest`?"""
    low, high = small, (SMALL_CELL - 1) * small
    if low <= rest <= high:
        return True
    return others > 0 and rest >= low + SMALL_CELL


def _one_value(values, feasible) -> bool:
    """Whether exactly one of `values` is feasible (stops looking at the second)."""
    found = 0
    for value in values:
        if feasible(value):
            found += 1
            if found > 1:
                return False
    return found == 1


def _recoverable(counts: Sequence[int], small: set[int], hidden: set[int], protected) -> bool:
    """Whether a hidden small or protected count follows from the total and the shown cells.

    A reader knows the sum of the hidden cells (total minus the shown ones), that a "<5"
    cell holds 1 to 4, and that an "x" cell holds 0 or at least 5. Cells of one sort are
    alike to the reader, so one test serves each sort: is only one value possible?
    """
    hidden_sum = sum(counts[i] for i in hidden)
    n_small, n_other = len(small), len(hidden) - len(small)
    if small and _one_value(
        range(1, SMALL_CELL),
        lambda value: _feasible_rest(hidden_sum - value, n_small - 1, n_other),
    ):
        return True
    return bool(set(protected) - small) and _one_value(
        [0, *range(SMALL_CELL, hidden_sum + 1)],
        lambda value: _feasible_rest(hidden_sum - value, n_small, n_other - 1),
    )


def suppress_row(counts: Sequence[int], *, protect: Iterable[int] = ()) -> list[Cell]:
    """The cells of one row of a breakdown (whose total is published), safe to publish.

    Counts from 1 to 4 show as "<5". Complementary suppression: if exactly one cell is
    hidden, the next smallest cell is hidden too (as "x"), or the total minus the others
    would give it away. The same reasoning is applied in general: hiding goes on, smallest
    non-zero cell first, while any hidden small count could still be worked out (two "<5"
    cells that must both be 1, a "<5" and an "x" that can only be 1 and 5). A row that
    cannot be protected, because its total is itself small, is hidden whole.

    `protect`: cells (by index) to hide whatever their count, and to keep from being worked
    out like a small one — a count another table gives away otherwise.
    """
    small = {i for i, count in enumerate(counts) if 0 < count < SMALL_CELL}
    protected = set(protect)
    hidden = small | protected
    candidates = sorted(
        (i for i in range(len(counts)) if i not in hidden),
        key=lambda i: (counts[i] == 0, counts[i], i),
    )
    while hidden and candidates and _recoverable(counts, small, hidden, protected):
        hidden.add(candidates.pop(0))
    if hidden and _recoverable(counts, small, hidden, protected):
        return [Cell(None, HIDDEN_MARK) for _count in counts]
    return [
        Cell(None, SMALL_MARK)
        if i in small
        else Cell(None, HIDDEN_MARK)
        if i in hidden
        else Cell(count, str(count))
        for i, count in enumerate(counts)
    ]


@dataclass(frozen=True)
class Breakdown:
    """Unique attendees by one dimension; the cells add up to `total`, shown elsewhere."""

    dimension: str
    title: str
    categories: list[tuple[str, str]]
    cells: list[Cell]
    total: int

    @property
    def rows(self) -> list[tuple[str, str, Cell]]:
        pairs = zip(self.categories, self.cells, strict=True)
        return [(code, label, cell) for (code, label), cell in pairs]
