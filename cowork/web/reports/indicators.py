"""The report's indicator values as files donors load into their own systems:

- IATI 2.03 activity results (`report_iati`): an `iati-activity` per project or donor tag,
  its `result` holding an `indicator measure="1"` per figure, a `period` per month, and an
  `actual` per value, broken down by `dimension name="sex"`, "age" or "disability";
- a flat CSV (`report_indicators_csv`), a row per indicator, period, centre and breakdown,
  with the columns of `FLAT_COLUMNS`, for ActivityInfo and KoboToolbox imports.

A hidden count stays hidden: the IATI `actual` then has no value and says why in its
comment; the CSV leaves `value` empty, sets `suppressed` and gives the mark ("<5" or "x").
"""

import csv
import io
import xml.etree.ElementTree as ET

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cowork.errors import NotAllowed
from cowork.selectors.reports.indicators import (
    INDICATOR_DESCRIPTIONS,
    INDICATORS,
    Activity,
    IndicatorValue,
    report_indicators,
)
from cowork.web.reports.exports import _bad_filters, _safe
from cowork.web.reports.filters import ReportFilterForm, _asks_outside_scope, _choices_or_403

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# IATI codelists: ActivityStatus 2 implementation; ActivityDateType 2 actual start;
# OrganisationRole 1 funding, 4 implementing; ResultType 1 output; IndicatorMeasure 1 unit.
ACTIVITY_STATUS = "2"
ACTUAL_START = "2"
FUNDING, IMPLEMENTING = "1", "4"
OUTPUT = "1"
UNIT = "1"

# The flat file's columns, in order. Their names are the format: never translated.
FLAT_COLUMNS = [
    "activity_identifier",
    "activity_title",
    "indicator_code",
    "indicator_name",
    "period_start",
    "period_end",
    "centre",
    "sex",
    "age_band",
    "disability",
    "value",
    "suppressed",
    "shown_as",
]


def _indicators(request) -> tuple[ReportFilterForm, list[Activity] | None]:
    choices = _choices_or_403(request)
    form = ReportFilterForm(request.GET, choices=choices, today=timezone.localdate())
    if not form.is_valid():
        if _asks_outside_scope(form):
            raise PermissionDenied(_("You may not report on this centre or tag."))
        return form, None
    try:
        return form, report_indicators(viewer=request.user, **form.report_arguments())
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal


def _narrative(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    ET.SubElement(element, "narrative").text = text
    return element


def _actual(period: ET.Element, value: IndicatorValue) -> None:
    attributes = {} if value.cell.hidden else {"value": str(value.cell.value)}
    actual = ET.SubElement(period, "actual", attributes)
    for name, code in value.dimensions:
        ET.SubElement(actual, "dimension", {"name": name, "value": code})
    if value.cell.hidden:
        _narrative(
            actual,
            "comment",
            _(
                "Hidden (%(mark)s) to protect the people counted: between 1 and 4, or a count"
                " from which a hidden one could be worked out."
            )
            % {"mark": value.cell.shown},
        )


def _result(activity_element: ET.Element, activity: Activity, language: str) -> None:
    result = ET.SubElement(activity_element, "result", {"type": OUTPUT})
    _narrative(result, "title", _("People reached by the events"))
    for code, name in INDICATORS.items():
        indicator = ET.SubElement(result, "indicator", {"measure": UNIT, "ascending": "1"})
        _narrative(indicator, "title", str(name))
        _narrative(indicator, "description", str(INDICATOR_DESCRIPTIONS[code]))
        periods: dict[tuple, list[IndicatorValue]] = {}
        for value in activity.values:
            # Only the values over all centres: a centre is not an IATI location of ours.
            if value.indicator == code and not value.centre:
                periods.setdefault((value.period_start, value.period_end), []).append(value)
        for (first, last), values in periods.items():
            period = ET.SubElement(indicator, "period")
            ET.SubElement(period, "period-start", {"iso-date": first.isoformat()})
            ET.SubElement(period, "period-end", {"iso-date": last.isoformat()})
            for value in values:
                _actual(period, value)


def iati_xml(activities: list[Activity], *, now=None) -> bytes:
    """The IATI 2.03 activity file of `activities`, in the active language."""
    now = now or timezone.now()
    stamp = now.replace(microsecond=0).isoformat()
    language = (get_language() or "en").split("-")[0]
    root = ET.Element("iati-activities", {"version": IATI_VERSION, "generated-datetime": stamp})
    for activity in activities:
        element = ET.SubElement(
            root,
            "iati-activity",
            {XML_LANG: language, "last-updated-datetime": stamp, "hierarchy": "1"},
        )
        ET.SubElement(element, "iati-identifier").text = activity.identifier
        _narrative(
            element,
            "reporting-org",
            activity.organisation_name,
        ).attrib.update({"ref": activity.organisation_ref, "type": settings.IATI_ORGANISATION_TYPE})
        _narrative(element, "title", activity.title)
        _narrative(
            element,
            "description",
            _("Events, trainings and meetings held at community centres, and who came to them."),
        ).set("type", "1")
        _narrative(element, "participating-org", activity.organisation_name).attrib.update(
            {"ref": activity.organisation_ref, "role": IMPLEMENTING}
        )
        if activity.funder:
            _narrative(element, "participating-org", activity.funder).set("role", FUNDING)
        ET.SubElement(element, "activity-status", {"code": ACTIVITY_STATUS})
        started = activity.started_on or min(
            (value.period_start for value in activity.values), default=now.date()
        )
        ET.SubElement(
            element, "activity-date", {"type": ACTUAL_START, "iso-date": started.isoformat()}
        )
        _result(element, activity, language)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def flat_rows(activities: list[Activity]) -> list[list]:
    """The rows of the flat file, `FLAT_COLUMNS` each."""
    return [
        [
            activity.identifier,
            activity.title,
            value.indicator,
            value.name,
            value.period_start.isoformat(),
            value.period_end.isoformat(),
            value.centre,
            value.sex,
            value.age,
            value.disability,
            "" if value.cell.hidden else value.cell.value,
            "true" if value.cell.hidden else "false",
            value.cell.shown,
        ]
        for activity in activities
        for value in activity.values
    ]


def flat_csv(activities: list[Activity]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FLAT_COLUMNS)
    for row in flat_rows(activities):
        writer.writerow([_safe(value) for value in row])
    return out.getvalue()


def _file(request, *, name: str, extension: str, content_type: str, body) -> HttpResponse:
    form, activities = _indicators(request)
    if activities is None:
        return _bad_filters(form)
    data = form.cleaned_data
    response = HttpResponse(body(activities), content_type=content_type)
    period = f"{data['start'].isoformat()}-{data['end'].isoformat()}"
    filename = f"cowork-{name}-{period}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def report_iati(request):
    return _file(
        request,
        name="iati",
        extension="xml",
        content_type="application/xml; charset=utf-8",
        body=iati_xml,
    )


@login_required
@require_GET
def report_indicators_csv(request):
    return _file(
        request,
        name="indicators",
        extension="csv",
        content_type="text/csv; charset=utf-8",
        body=flat_csv,
    )
