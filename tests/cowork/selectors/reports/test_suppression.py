"""Small counts hidden: in the attendee breakdowns of the hand-built network, and row by row."""

import pytest

from cowork.selectors.reports.suppression import suppress_row
from tests.cowork.selectors.reports.expected import (
    march_report,
    shown,
)

pytestmark = pytest.mark.django_db


def test_attendees_are_broken_down_with_small_counts_hidden(network, admin):
    gender, age_band, disability = march_report(admin).breakdowns
    assert [b.dimension for b in (gender, age_band, disability)] == [
        "gender",
        "age_band",
        "disability",
    ]
    assert {b.total for b in (gender, age_band, disability)} == {21}
    # Other (1) is the only small cell: male (5, the next smallest) is hidden with it, and
    # since "<5" + "x" = 6 could only be 1 + 5, not given (5) as well.
    assert shown(gender) == {
        "female": "10",
        "male": "x",
        "other": "<5",
        "undisclosed": "0",
        "not_given": "x",
    }
    # 35–44 (3) alone is small: the next smallest, not given (5), is hidden with it.
    assert shown(age_band) == {
        "u18": "0",
        "18-24": "6",
        "25-34": "7",
        "35-44": "<5",
        "45-54": "0",
        "55-64": "0",
        "65+": "0",
        "undisclosed": "0",
        "not_given": "x",
    }
    # Two small cells (2 and 2) would hide each other (4 could be 1 + 3, 2 + 2 or 3 + 1),
    # but not given (5) must go too: the same five people are "not given" above, and with
    # five not given there, female 10 and 21 in all, male and other could only be 5 and 1.
    # Nobody here answered the six Washington Group questions, so the old answer decides:
    # yes (2) is with disability, no (12) without, "prefer not to say" (2) not known.
    assert shown(disability) == {"with": "<5", "without": "12", "unknown": "<5", "not_given": "x"}
    # Only people who came in March count: u18 (P28, P29 registered for the cancelled
    # event) and 65+ (P14 cancelled, P25 stayed away, P30 came in April) stay empty; and
    # the five without consent are "not given", never guessed.
    assert age_band.cells[0].shown == "0" and age_band.cells[6].shown == "0"
    # A hidden count never reaches the report object at all.
    assert all(cell.value is None for b in (gender, age_band) for cell in b.cells if cell.hidden)


# --- Suppression, on its own ------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([0, 0, 0], ["0", "0", "0"]),
        ([12, 7, 5], ["12", "7", "5"]),
        # One small cell: the next smallest non-zero one goes with it.
        ([3, 40, 0, 0], ["<5", "x", "0", "0"]),
        ([3, 9, 20], ["<5", "x", "20"]),
        # Two small cells protect each other when their sum leaves a choice …
        ([2, 3, 40], ["<5", "<5", "40"]),
        # … but 1 + 1 = 2 does not, nor does "<5" + "x" = 6 (only 1 + 5).
        ([1, 1, 40], ["<5", "<5", "x"]),
        ([1, 5, 40], ["<5", "x", "x"]),
        # A row whose total is itself small cannot be protected cell by cell.
        ([3, 0, 0], ["x", "x", "x"]),
    ],
)
def test_small_cells_and_their_complements_are_hidden(counts, expected):
    assert [cell.shown for cell in suppress_row(counts)] == expected


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # A protected cell alone would be total minus the rest: the smallest goes with it.
        ([10, 7, 24], ["10", "x", "x"]),
        # With two small cells beside it, 2 + 2 + x = 9 leaves x anywhere from 0 to 7.
        ([2, 12, 2, 5], ["<5", "12", "<5", "x"]),
        # A protected zero needs company as much as any other count.
        ([10, 7, 0], ["10", "x", "x"]),
    ],
)
def test_a_protected_cell_is_hidden_and_cannot_be_worked_out(counts, expected):
    last = len(counts) - 1
    assert [cell.shown for cell in suppress_row(counts, protect=[last])] == expected
