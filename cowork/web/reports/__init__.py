"""Reports: the page (`page`), its CSV and XLSX exports (`exports`), from the same tables
(`tables`) of the report the filters ask for (`filters`)."""

# The URL configuration, shared by every area, names the views through the package.
from cowork.web.reports.exports import report_csv, report_xlsx
from cowork.web.reports.page import report_page

__all__ = ["report_csv", "report_page", "report_xlsx"]
