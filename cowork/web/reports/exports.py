"""The report as files: CSV (every table in one sheet) and XLSX (a sheet per table).

Dates and numbers stay as data (ISO dates, plain numbers), for spreadsheets and scripts.
"""

import csv
import io

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from cowork.selectors.reports.figures import Report
from cowork.web.reports.filters import ReportFilterForm, filtered_report
from cowork.web.reports.pause import collector_paused
from cowork.web.reports.tables import report_tables
from cowork.web.reports.xlsx import workbook_bytes


def _export_name(report: Report, extension: str) -> str:
    return f"cowork-report-{report.start.isoformat()}-{report.end.isoformat()}.{extension}"


def _safe(value):
    """Text a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _bad_filters(form: ReportFilterForm) -> HttpResponse:
    errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
    return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")


def _download(request, *, extension: str, content_type: str, body) -> HttpResponse:
    """The report the query asks for as a file, `body(report)` its content; 400 with the
    reasons for bad filters."""
    form, _choices, report = filtered_report(request)
    if report is None:
        return _bad_filters(form)
    response = HttpResponse(body(report), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{_export_name(report, extension)}"'
    return response


def _csv_body(report: Report) -> str:
    """Every table, one after another: its title, its header, its rows, a blank line."""
    out = io.StringIO()
    # A byte-order mark, so spreadsheet programs read the file as UTF-8.
    out.write("\ufeff")
    writer = csv.writer(out)
    for table in report_tables(report):
        writer.writerow([_safe(table.title)])
        writer.writerow([_safe(text) for text in table.header])
        for row in table.rows:
            writer.writerow(["" if value is None else _safe(value) for value in row])
        writer.writerow([])
    return out.getvalue()


def _width(table, index: int) -> int:
    """A column as wide as its longest value (header included), within 8 to 60."""
    width = max(
        [len(str(table.header[index]))] + [len(str(row[index] or "")) for row in table.rows]
    )
    return min(60, max(8, width + 2))


def _xlsx_body(report: Report) -> bytes:
    """One sheet per table, named as in `Table.sheet`, the header row bold and frozen.

    Written as XML straight away (`cowork.web.reports.xlsx`): a year's events and sentences
    are tens of thousands of cells. Column widths are set from the rows.
    """
    # Sheet names stay in English whatever the language: scripts find sheets by name.
    return workbook_bytes(
        [
            (
                table.sheet,
                [_safe(text) for text in table.header],
                [[_safe(value) for value in row] for row in table.rows],
                [_width(table, index) for index in range(len(table.header))],
            )
            for table in report_tables(report)
        ]
    )


def report_xlsx_bytes(report: Report) -> bytes:
    """The XLSX file of `report`, as the page's download gives it (for e-mailed reports)."""
    return _xlsx_body(report)


@login_required
@require_GET
@collector_paused
def report_csv(request):
    return _download(
        request, extension="csv", content_type="text/csv; charset=utf-8", body=_csv_body
    )


@login_required
@require_GET
@collector_paused
def report_xlsx(request):
    return _download(
        request,
        extension="xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        body=_xlsx_body,
    )
