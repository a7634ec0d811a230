"""The report's "Use of the space" in a real browser, on a phone in Russian and on a desktop
in English: its tables, its busiest-hours heat map, and axe.

The network is the hand-built one of tests/cowork/selectors/reports/network.py (Ganja's
desks: 3 booked, 2 checked in, 1 no-show; Tashkent's: 1 booked and checked in).
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import switch_language
from tests.cowork.selectors.reports.network import build_network
from tests.factories import network_admin
from tests.snapshots import seeded

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
MARCH = "start=2025-03-01&end=2025-03-31"
WORDS = {
    "en": {
        "section": "Use of the space",
        "by_centre": "Bookings and check-ins by centre",
        "busy": "Desks: when they are busiest",
        "by_week": "By week",
        "week_table": "Bookings and check-ins by week",
        "no_equipment": "No equipment was asked for in this period.",
        "desks": "Desks",
        "ganja": ["3", "2", "1", "33.3"],
    },
    "ru": {
        "section": "Использование пространства",
        "by_centre": "Бронирования и приходы по центрам",
        "busy": "Рабочие места: когда загрузка выше всего",
        "by_week": "По неделям",
        "week_table": "Бронирования и приходы по неделям",
        "no_equipment": "За этот период оборудование не запрашивали.",
        "desks": "Рабочие места",
        "ganja": ["3", "2", "1", "33,3"],
    },
}


@pytest.fixture
def network(transactional_db):
    return seeded("reports network", build_network)


@pytest.mark.parametrize(("screen", "language"), [("phone_page", "ru"), ("page", "en")])
def test_admin_reads_the_use_of_the_space(
    screen, language, request, live_server_url, network, axe_check
):
    page = request.getfixturevalue(screen)
    words = WORDS[language]
    admin = network_admin()
    page.goto(f"{live_server_url}/login/?next=/reports/%3F{MARCH.replace('&', '%26')}")
    page.get_by_label("Username", exact=True).fill(admin.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    if language != "en":
        switch_language(page, language)
    axe_check(page)

    expect(page.get_by_role("heading", name=words["section"], level=2)).to_be_visible()
    by_centre = page.get_by_role("table", name=words["by_centre"])
    expect(by_centre.get_by_role("row")).to_have_count(4)  # header, Ganja, Tashkent, all
    ganja = by_centre.get_by_role("row", name="Ganja Centre")
    expect(ganja.get_by_role("cell")).to_have_text([words["desks"], *words["ganja"]])
    chart = page.get_by_role("img", name=words["busy"])
    expect(chart).to_be_visible()
    assert chart.evaluate("node => node.tagName") == "svg"
    # Monday 10:00 in Ganja: two desks in use at once, the busiest hour of the month.
    cells = chart.locator(".heat-cell text")
    assert "2" in cells.all_text_contents()

    page.get_by_text(words["by_week"], exact=True).click()
    weeks = page.get_by_role("table", name=words["week_table"])
    expect(weeks).to_be_visible()
    expect(weeks.get_by_role("row")).to_have_count(3)  # header, 3 March, 17 March
    expect(page.get_by_text(words["no_equipment"])).to_be_visible()
    axe_check(page)
    width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width <= client_width
