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
from cowork.web.reports.tables import report_tables


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


@login_required
@require_GET
def report_csv(request):
    """Every table, one after another: its title, its header, its rows, a blank line."""
    form, _choices, report = filtered_report(request)
    if report is None:
        return _bad_filters(form)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(report, "csv")}"'
    # A byte-order mark, so spreadsheet programs read the file as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    for table in report_tables(report):
        writer.writerow([_safe(table.title)])
        writer.writerow([_safe(text) for text in table.header])
        for row in table.rows:
            writer.writerow(["" if value is None else _safe(value) for value in row])
        writer.writerow([])
    return response


@login_required
@require_GET
def report_xlsx(request):
    """One sheet per table, named as in `Table.sheet`, the header row bold and frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    form, _choices, report = filtered_report(request)
    if report is None:
        return _bad_filters(form)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in report_tables(report):
        # Sheet names stay in English whatever the language: scripts find sheets by name.
        sheet = workbook.create_sheet(table.sheet)
        sheet.append([_safe(text) for text in table.header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_safe(value) for value in row])
        sheet.freeze_panes = "A2"
        for index, text in enumerate(table.header):
            width = max([len(str(text))] + [len(str(row[index] or "")) for row in table.rows])
            sheet.column_dimensions[sheet.cell(1, index + 1).column_letter].width = min(
                60, max(8, width + 2)
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name(report, "xlsx")}"'
    return response
