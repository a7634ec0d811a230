"""The report's table of walk-ins by sex and by age band (each visit counted, suppressed)."""

from django.utils.translation import gettext as _

from cowork.selectors.reports.figures import Report


def walk_in_table_rows(report: Report) -> list[list]:
    """(breakdown, answer, visits) rows; hidden small counts arrive as "<5" or "x"."""
    return [
        [breakdown.title, label, cell.value if not cell.hidden else cell.shown]
        for breakdown in report.walk_in_breakdowns
        for _code, label, cell in breakdown.rows
    ]


def walk_in_table_header() -> list[str]:
    return [_("Breakdown"), _("Answer"), _("Walk-in visits")]
