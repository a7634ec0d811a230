"""The reports page in a real browser: its server-drawn charts, its tables, and axe.

The network is the hand-built one of tests/cowork/selectors/reports/network.py, committed
through the services (transactional DB) so that daphne, in its own process, reads it.
"""

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from tests.cowork.selectors.reports.network import build_network, donor
from tests.factories import network_admin
from tests.snapshots import seeded

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
MARCH = "start=2025-03-01&end=2025-03-31"


@pytest.fixture
def network(transactional_db):
    return seeded("reports network", build_network)


def _sign_in(page: Page, username: str) -> None:
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    # Signed in once the form has sent the browser on: a reload before then would race the
    # form's own navigation.
    page.wait_for_url(lambda url: "/login/" not in url)


def test_admin_filters_the_report_and_sees_its_charts_and_tables(
    page, live_server_url, network, axe_check
):
    admin = network_admin()
    page.goto(f"{live_server_url}/reports/")
    axe_check(page)  # the sign-in page the report sends an anonymous visitor to
    _sign_in(page, admin.username)
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    axe_check(page)

    page.get_by_label("From", exact=True).fill("2025-03-01")
    page.get_by_label("Until", exact=True).fill("2025-03-31")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page).to_have_url(f"{live_server_url}/reports/?{MARCH}&centre=&country=&kind=&tag=")
    axe_check(page)

    for name in ("Events held per month", "Attendances per month", "Visits per day"):
        chart = page.get_by_role("img", name=name)
        expect(chart).to_be_visible()
        assert chart.evaluate("node => node.tagName") == "svg"
    # Rooms and desks: share of open time booked; desks: the busiest hours.
    expect(page.locator("svg.heat-map")).to_have_count(3)
    expect(page.get_by_role("img", name="Rooms: share of open time booked")).to_be_visible()
    totals = page.get_by_role("table", name="Totals")
    expect(totals.get_by_role("row", name="Attendances")).to_contain_text("24")
    expect(
        page.get_by_role("table", name="Gender").get_by_role("row", name="Other")
    ).to_contain_text("<5")
    expect(page.locator(".sentences li").nth(1)).to_have_text(
        "Round-table on e-government, Ganja, March 12: 10 participants,"
        " fewer than 5 with a disability"
    )

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert ["Attendances", "24", "each time"] in rows
    assert ["Unique participants", "21", "people, once each"] in rows

    page.get_by_role("combobox", name="Centre").select_option(label="Tashkent Centre (Tashkent)")
    page.get_by_role("button", name="Show", exact=True).click()
    axe_check(page)
    centres = page.get_by_role("table", name="Centres")
    expect(centres.get_by_role("row")).to_have_count(3)  # header, Tashkent, all centres


def test_donor_on_a_phone_sees_only_their_events(phone_page, live_server_url, network, axe_check):
    page = phone_page
    user = donor(network.youth)
    page.goto(f"{live_server_url}/login/?next=/reports/%3F{MARCH.replace('&', '%26')}")
    axe_check(page)
    _sign_in(page, user.username)
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    axe_check(page)
    expect(page.locator(".sentences li")).to_have_text(
        ["Digital skills, Ganja, March 4\u2009–\u20096: 5 participants"]
    )
    expect(page.get_by_role("img", name="Events held per month")).to_be_visible()
    # The sentence to paste, in English for the donor and in the centre's language
    # (Azerbaijani for Ganja), people counted once.
    event = page.locator('.donor-sentences li[data-kind="event"]')
    expect(event.locator('p[lang="en"]')).to_have_text(
        "Digital skills, Ganja, March 4\u2009–\u20096: 5 participants"
    )
    expect(event.locator('p[lang="az"]')).to_have_text(
        "Azerbaijani: Digital skills, Ganja, 4–6 mart: 5 iştirakçı"
    )
    expect(page.locator('.donor-sentences li[data-kind="tag"] p[lang="az"]')).to_contain_text(
        "Youth, 1\u2009–\u200931 mar 2025: 5 iştirakçı"
    )
    expect(page.get_by_role("table", name="Attendees by Washington Group domain")).to_be_visible()
    # A phone scrolls the wide tables and heat maps inside their own frames, not the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
