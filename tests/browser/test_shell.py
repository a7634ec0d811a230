"""The shell every visitor meets: the list of centres, signing in, the language switch.

Each test drives Chromium against daphne serving one demo centre in each country; axe_check
runs on every page a test visits. That all 26 of the demo are listed is
tests/cowork/web/test_centre_pages.py's to show.
"""

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from cowork.management.commands.seed_demo import DEMO_PASSWORDS
from cowork.models import Space
from cowork.selectors.spaces import space_is_open_at

# The centres served: one of the demo's in each country, and the clock each country keeps.
CENTRES = ("ganja-information", "kramatorsk-it", "tashkent-coworking")
CENTRES_PER_COUNTRY = {"Azerbaijan": 1, "Ukraine": 1, "Uzbekistan": 1}
ZONE_OF_COUNTRY = {
    "Azerbaijan": zoneinfo.ZoneInfo("Asia/Baku"),
    "Ukraine": zoneinfo.ZoneInfo("Europe/Kyiv"),
    "Uzbekistan": zoneinfo.ZoneInfo("Asia/Tashkent"),
}
GANJA = "Ganja Community Information Centre"


@pytest.fixture
def demo_network(demo_centres) -> None:
    """The demo network as these pages need it: a centre in each country, every person."""
    demo_centres(*CENTRES)


def _sign_in(page: Page, username: str, password: str) -> None:
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_home_page_lists_every_centre_by_country_with_its_local_time_and_open_label(
    page, live_server_url, demo_network, axe_check
):
    before = timezone.now()
    page.goto(live_server_url)
    after = timezone.now()
    axe_check(page)

    countries = {}
    open_now = 0
    for section in page.locator("section.country").all():
        heading = section.get_by_role("heading", level=2).inner_text()
        country, listed = re.fullmatch(r"(.+) \((\d+)\)", heading).groups()
        cards = section.locator("li.space-card").all()
        assert int(listed) == len(cards), heading
        countries[country] = len(cards)
        for card in cards:
            name = card.get_by_role("heading", level=3).inner_text()
            clock = card.locator(".local-time time")
            shown_at = datetime.datetime.fromisoformat(clock.get_attribute("datetime"))
            assert before <= shown_at <= after, name
            # The centre's own wall clock, not the server's or the visitor's.
            local = shown_at.astimezone(ZONE_OF_COUNTRY[country])
            assert shown_at.utcoffset() == local.utcoffset(), name
            assert clock.inner_text() == local.strftime("%H:%M"), name

            # Beside "Open now", a centre with something free says what ("Free now: …").
            label = card.locator(".badge-open, .badge-closed").inner_text().lstrip("●○ ")
            space = Space.objects.prefetch_related("opening_hours", "closures").get(
                slug=card.get_attribute("data-space")
            )
            if space_is_open_at(space=space, moment=shown_at):
                assert label == "Open now", name
                open_now += 1
            else:
                assert label.startswith("Closed"), name
                expect(card.locator(".badge-free")).to_have_count(0)

    assert countries == CENTRES_PER_COUNTRY
    expect(page.locator("p.lead")).to_have_text(
        f"{open_now} of {len(CENTRES)} centres are open now."
    )


def test_home_page_fits_a_phone_screen_without_scrolling_sideways(
    phone_page, live_server_url, demo_network, axe_check
):
    phone_page.goto(live_server_url)
    axe_check(phone_page)

    expect(phone_page.locator("li.space-card")).to_have_count(len(CENTRES))
    # The header is one line; signing in is in its menu, in sight once the menu opens.
    assert phone_page.locator("header.site-header").bounding_box()["height"] <= 64
    phone_page.get_by_text("Menu", exact=True).click()
    expect(phone_page.get_by_role("link", name="Sign in", exact=True)).to_be_in_viewport()
    scroll_width, client_width = phone_page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width, f"{scroll_width}px of page on a {client_width}px screen"


def test_member_signs_in_with_the_form_and_lands_home_under_their_name(
    page, live_server_url, demo_network, axe_check
):
    page.goto(live_server_url)
    axe_check(page)
    page.get_by_role("link", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{live_server_url}/login/")
    axe_check(page)

    _sign_in(page, "member", DEMO_PASSWORDS["member"])

    expect(page).to_have_url(f"{live_server_url}/")
    expect(page.get_by_text("Signed in as Dmytro Shevchuk", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    axe_check(page)


def test_wrong_password_is_refused_with_an_error_and_the_visitor_stays_signed_out(
    page, live_server_url, demo_network, axe_check
):
    page.goto(f"{live_server_url}/login/")
    axe_check(page)

    _sign_in(page, "member", "not-the-password")

    expect(page.get_by_role("alert")).to_contain_text(
        "Please enter a correct username and password."
    )
    expect(page).to_have_url(f"{live_server_url}/login/")
    axe_check(page)

    page.goto(live_server_url)
    axe_check(page)
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)


def test_choosing_russian_translates_the_pages_and_the_choice_stays(
    page, live_server_url, demo_network, axe_check
):
    # Whatever the compiled Russian catalogue says today, the server must say the same.
    with translation.override("ru"):
        sign_in = translation.gettext("Sign in")
        community_centres = translation.gettext("Community centres")
        main_navigation = translation.gettext("Main")

    page.goto(live_server_url)
    axe_check(page)
    page.get_by_label("Language", exact=True).select_option(label="Русский")
    page.get_by_role("button", name="Change", exact=True).click()

    expect(page.locator("html")).to_have_attribute("lang", "ru")
    axe_check(page)
    expect(page.locator("#language-select")).to_have_value("ru")
    expect(page.get_by_role("heading", level=1)).to_have_text(community_centres)
    navigation = page.get_by_role("navigation", name=main_navigation)
    navigation.get_by_role("link", name=sign_in, exact=True).click()

    expect(page).to_have_url(f"{live_server_url}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    axe_check(page)


def test_centre_page_opens_from_the_list_with_its_floor_plan_and_opening_hours(
    page, live_server_url, demo_network, axe_check
):
    page.goto(live_server_url)
    axe_check(page)
    page.get_by_role("link", name=GANJA, exact=True).click()

    expect(page).to_have_url(f"{live_server_url}/centres/ganja-information/")
    axe_check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(GANJA)
    expect(page.get_by_role("img", name=f"Floor plan of {GANJA}")).to_be_visible()
    hours = page.get_by_role("region", name="Opening hours").get_by_role("listitem")
    expect(hours.first).to_have_text("Monday: 09:00–18:00")
    expect(hours.filter(has_text="Saturday")).to_have_text("Saturday: 10:00–15:00")
