"""Screens that fit: the lobby display on a landscape screen, the phone header's menu, pages
no wider than a phone, the booking list before the plan, the host's plan with names, the
network's local times, and pages in the signed-in person's language.

Each point at 390×844 and at a desktop size (1280×800), axe-checked, in two languages.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page, expect

from cowork.management.commands.seed_demo import DEMO_PASSWORDS
from cowork.models import Resource, Space
from cowork.services.displays import display_token_create
from tests.browser import test_live
from tests.browser.conftest import PHONE, fits_the_screen, set_language_cookie, sign_in
from tests.browser.test_live import KRAMATORSK, LIVE_MS, _book_now_and_check_in

# Kramatorsk open all day, every day, as the live pages' tests have it.
kramatorsk = test_live.kramatorsk

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
SIZES = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture(params=["phone", "desktop"])
def screen(request, browser, axe_ledger) -> Page:
    """A fresh page at a phone's size and at a desktop's (the test runs at both)."""
    from tests.browser.conftest import _open_page

    yield from _open_page(browser, request, axe_ledger, **SIZES[request.param])


def _open_as(username: str, language: str, page: Page, base: str, path: str, axe_check) -> None:
    """Opens `path` as the demo's `username`, who chose `language`, and checks it for
    accessibility."""
    sign_in(page, base, username, axe_check)
    set_language_cookie(page, base, language)
    page.goto(f"{base}{path}")
    axe_check(page)


def _desk(space: Space, name: str) -> Resource:
    return Resource.objects.get(space=space, name=name)


# --- The lobby display -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "rooms_word", "page_words"),
    [("en", "Rooms", "Page 1 of 3"), ("uk", "Зали", "Сторінка 1 з 3")],
)
def test_lobby_display_fits_a_landscape_screen_and_pages_through_its_rooms(
    page, live_server_url, kramatorsk, axe_check, language, rooms_word, page_words
):
    from tests.factories import RoomFactory

    # Eight rooms: more than one page's worth beside the plan.
    for number in range(6):
        RoomFactory(space=kramatorsk, name=f"Seminar room {number + 1}")
    host = get_user_model().objects.get(username="host")
    _token, key = display_token_create(space=kramatorsk, host=host, name="Lobby")
    page.set_viewport_size(DESKTOP["viewport"])
    set_language_cookie(page, live_server_url, language)
    page.goto(f"{live_server_url}/displays/{key}/")
    axe_check(page)
    expect(page.locator("[data-live-status]")).to_have_attribute(
        "data-status", "live", timeout=LIVE_MS
    )
    height = DESKTOP["viewport"]["height"]
    scroll = page.evaluate("() => document.documentElement.scrollHeight")
    assert scroll <= height, f"the lobby display is {scroll}px tall on {height}px"
    fits_the_screen(page)
    expect(page.get_by_role("heading", name=rooms_word, exact=True)).to_be_visible()
    expect(page.get_by_text(page_words)).to_be_attached()
    # The first page's rooms stand fully on the screen; the track pages by itself.
    bottoms = (
        page.locator(".room-page")
        .first.locator(".live-room")
        .evaluate_all("cards => cards.map(c => c.getBoundingClientRect().bottom)")
    )
    assert len(bottoms) == 3 and max(bottoms) <= height
    animation = page.locator(".room-pages-track").evaluate("t => getComputedStyle(t).animationName")
    assert animation == "room-pages"
    plan = page.locator("svg.live-plan").bounding_box()
    assert plan["y"] + plan["height"] <= height

    # Still live: a check-in turns the desk occupied without a reload; no name is shown.
    _book_now_and_check_in(kramatorsk, "Desk 09")
    spot = page.locator(f'svg.live-plan [data-resource="{_desk(kramatorsk, "Desk 09").pk}"]')
    expect(spot).to_have_attribute("data-state", "occupied", timeout=LIVE_MS)
    assert "Shevchuk" not in page.content() and "Dmytro" not in page.content()


def test_lobby_display_on_a_phone_follows_down_the_page(
    phone_page, live_server_url, kramatorsk, axe_check
):
    host = get_user_model().objects.get(username="host")
    _token, key = display_token_create(space=kramatorsk, host=host, name="Lobby")
    set_language_cookie(phone_page, live_server_url, "ru")
    phone_page.goto(f"{live_server_url}/displays/{key}/")
    axe_check(phone_page)
    fits_the_screen(phone_page)
    expect(phone_page.get_by_role("heading", name="Залы", exact=True)).to_be_visible()


# --- The host's plan names who holds a desk ------------------------------------------------


@pytest.mark.parametrize(("language", "occupied"), [("en", "Occupied"), ("uk", "Зайнято")])
def test_host_plan_names_who_holds_a_desk_live(
    screen, live_server_url, kramatorsk, axe_check, language, occupied
):
    page = screen
    _open_as("host", language, page, live_server_url, f"/centres/{KRAMATORSK}/live/", axe_check)
    expect(page.locator("[data-live-status]")).to_have_attribute(
        "data-status", "live", timeout=LIVE_MS
    )
    spot = page.locator(f'svg.live-plan [data-resource="{_desk(kramatorsk, "Desk 09").pk}"]')
    expect(spot.locator('[data-part="holder"]')).to_have_text("")

    _book_now_and_check_in(kramatorsk, "Desk 09")

    expect(spot.locator('[data-part="holder"]')).to_have_text("Dmytro S.", timeout=LIVE_MS)
    expect(spot).to_have_attribute("aria-label", re.compile(rf"{occupied}.*Dmytro Shevchuk"))
    fits_the_screen(page)
    axe_check(page)

    # Reloaded, the name comes from the page itself.
    page.reload()
    axe_check(page)
    expect(spot.locator('[data-part="holder"]')).to_have_text("Dmytro S.")


# --- Network live --------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "open_words"), [("en", "Open now"), ("ru", "Сейчас открыто")])
def test_network_live_shows_each_centres_local_time_and_whether_it_is_open(
    screen, live_server_url, kramatorsk, axe_check, language, open_words
):
    page = screen
    _open_as("admin", language, page, live_server_url, "/network/live/", axe_check)
    fits_the_screen(page)
    card = page.locator(f'[data-centre="{kramatorsk.pk}"]')
    clock = card.locator("[data-zone-clock]")
    expect(clock).to_have_attribute("data-zone-clock", kramatorsk.time_zone)
    local = timezone.now().astimezone(kramatorsk.zone)
    shown = clock.inner_text()
    assert re.fullmatch(r"\d\d:\d\d", shown)
    assert abs(int(shown[:2]) * 60 + int(shown[3:]) - (local.hour * 60 + local.minute)) <= 2
    # Kramatorsk is open all day for these tests.
    expect(card.get_by_text(open_words)).to_be_visible()


# --- The header on a phone -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "menu", "sign_out"), [("en", "Menu", "Sign out"), ("az", "Menyu", "Çıxış")]
)
def test_signed_in_header_is_one_line_with_a_menu_on_a_phone(
    phone_page, live_server_url, demo_centres, axe_check, language, menu, sign_out
):
    page = phone_page
    demo_centres(KRAMATORSK)
    _open_as("host", language, page, live_server_url, "/", axe_check)
    header = page.locator("header.site-header")
    assert header.bounding_box()["height"] <= 64
    nav = page.get_by_role("navigation")
    sign_out_button = page.get_by_role("button", name=sign_out)
    expect(sign_out_button).to_be_hidden()
    page.get_by_text(menu, exact=True).click()
    expect(sign_out_button).to_be_visible()
    assert nav.get_by_role("link").count() >= 8  # a host's links, every one in the menu
    axe_check(page)
    fits_the_screen(page)
    # Closed again from the keyboard.
    page.locator("details.site-menu > summary").focus()
    page.keyboard.press("Enter")
    expect(sign_out_button).to_be_hidden()


def test_the_menu_opens_without_javascript(
    browser, request, axe_ledger, live_server_url, demo_centres
):
    from tests.browser.conftest import _open_page

    demo_centres(KRAMATORSK)
    opened = _open_page(browser, request, axe_ledger, java_script_enabled=False, **PHONE)
    page = next(opened)
    page.goto(f"{live_server_url}/")
    axe_ledger.checked(page)  # axe needs scripts; the same page is checked with them above
    page.get_by_text("Menu", exact=True).click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    opened.close()


@pytest.mark.parametrize(("language", "sign_out"), [("en", "Sign out"), ("ru", "Выйти")])
def test_signed_in_header_shows_every_link_inline_on_a_desktop(
    page, live_server_url, demo_centres, axe_check, language, sign_out
):
    demo_centres(KRAMATORSK)
    page.set_viewport_size(DESKTOP["viewport"])
    _open_as("member", language, page, live_server_url, "/", axe_check)
    expect(page.locator("details.site-menu > summary")).to_be_hidden()
    expect(page.get_by_role("button", name=sign_out)).to_be_visible()
    assert page.locator("header.site-header").bounding_box()["height"] <= 120


# --- Pages in the signed-in person's language ----------------------------------------------


def test_pages_open_in_the_saved_language_until_the_person_switches(
    screen, live_server_url, demo_centres, axe_check
):
    page = screen
    demo_centres(KRAMATORSK)
    page.context.clear_cookies()  # nobody chose a language on this browser
    page.goto(f"{live_server_url}/login/")
    axe_check(page)
    page.get_by_label("Username", exact=True).fill("host")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORDS["host"])
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    axe_check(page)
    # Olena's profile says Ukrainian; the browser asks for English.
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    page.goto(f"{live_server_url}/bookings/")
    axe_check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Мої бронювання")

    summary = page.locator("details.site-menu > summary")
    if summary.is_visible():
        summary.click()
    page.get_by_label("Мова").select_option("en")
    page.get_by_role("button", name="Змінити").click()
    page.wait_for_load_state()
    axe_check(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"{live_server_url}/")
    axe_check(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")


# --- The booking page: the list first ------------------------------------------------------


@pytest.mark.parametrize(("language", "plan_word"), [("en", "Floor plan"), ("az", "Mərtəbə planı")])
def test_booking_page_lists_free_places_before_the_plan(
    screen, live_server_url, demo_centres, axe_check, language, plan_word
):
    page = screen
    demo_centres(KRAMATORSK)
    _open_as("member", language, page, live_server_url, f"/centres/{KRAMATORSK}/book/", axe_check)
    fits_the_screen(page)
    free = page.locator("#free-list").bounding_box()
    plan = page.get_by_role("heading", name=plan_word).bounding_box()
    width = page.viewport_size["width"]
    if width < 700:
        assert free["y"] < plan["y"], "on a phone the list comes first"
    else:
        assert plan["x"] > free["x"] + free["width"] - 1, "on a desktop the plan is beside it"


# --- No page wider than a phone ----------------------------------------------------------

# Links that change something, download a file, or leave the pages people read.
NOT_A_PAGE = re.compile(
    r"(logout|\.ics|\.csv|\.xlsx|\.xml|\.pdf|\.json|/admin/|/api/|/static/|check-in|cancel|/ics/|/i18n/)"
)


def _every_page_fits_a_phone(page: Page, base: str, axe_check, limit: int = 70) -> list[str]:
    """Follow every link a person sees from the home page, one page per kind of address
    (digits stand for any number), and check each: no sideways scrolling, axe-clean."""
    seen_kinds, queue, visited = set(), ["/"], []
    while queue and len(visited) < limit:
        path = queue.pop(0)
        kind = re.sub(r"\d+", "N", path.split("?")[0])
        if kind in seen_kinds:
            continue
        seen_kinds.add(kind)
        response = page.goto(base + path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        axe_check(page)
        fits_the_screen(page)
        visited.append(path)
        for href in page.eval_on_selector_all(
            "a[href]", "as => as.map(a => a.getAttribute('href'))"
        ):
            if href.startswith("/") and not href.startswith("//") and not NOT_A_PAGE.search(href):
                queue.append(href.split("#")[0])
    return visited


@pytest.mark.parametrize(("username", "language"), [("member", "en"), ("host", "uk")])
def test_no_page_a_member_or_host_sees_is_wider_than_a_phone(
    phone_page, live_server_url, demo_centres, axe_check, username, language
):
    page = phone_page
    demo_centres(KRAMATORSK)
    sign_in(page, live_server_url, username, axe_check)
    set_language_cookie(page, live_server_url, language)
    # The calendar link page shows its long address once a link exists.
    page.goto(f"{live_server_url}/profile/calendar/")
    axe_check(page)
    create = page.locator("main form button[type=submit]").first
    if create.is_visible():
        create.click()
        page.wait_for_load_state()
        axe_check(page)
        fits_the_screen(page)
    visited = _every_page_fits_a_phone(page, live_server_url, axe_check)
    assert f"/centres/{KRAMATORSK}/programme/" in visited
    assert "/profile/calendar/" in visited
    assert len(visited) >= 10
