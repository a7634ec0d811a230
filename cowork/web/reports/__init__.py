"""Reports: the page (`page`), its CSV and XLSX exports (`exports`), from the same tables
(`tables`) of the report the filters ask for (`filters`); its indicator values as IATI XML
and a flat CSV for donors' systems (`indicators`)."""

# The URL configuration, shared by every area, names the views through the package.
from cowork.web.reports.exports import report_csv, report_xlsx
from cowork.web.reports.indicators import report_iati, report_indicators_csv
from cowork.web.reports.page import report_page

__all__ = ["report_csv", "report_iati", "report_indicators_csv", "report_page", "report_xlsx"]
