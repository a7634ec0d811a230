"""A table of the report as the page and the exports both take it."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from cowork.models.spaces import WEEKDAYS


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


def weekday_hour_table(*, key, sheet, title, value_header, maps, labels, values) -> Table:
    """Heat maps as a table, a row a cell: the map's kind (named by `labels`), the weekday
    and the hour name the row; its value, headed `value_header`, is `values(map)[(weekday,
    hour)]`."""
    names = dict(WEEKDAYS)
    return Table(
        key=key,
        sheet=sheet,
        title=title,
        header=[_("Resources"), _("Weekday"), _("Hour"), value_header],
        rows=[
            [
                str(labels[each.kind]),
                str(names[weekday]),
                f"{hour:02d}:00",
                values(each)[(weekday, hour)],
            ]
            for each in maps
            for weekday in each.weekdays
            for hour in each.hours
        ],
        row_header_columns=3,
    )
