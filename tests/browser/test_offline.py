"""The installable web app in a real browser: the manifest, the worker, reading offline.

A member's pages kept by the service worker are read offline in Ukrainian with the page's
own notice; signing out drops them. The door display says it is offline and how old its
state is, and comes back by itself. Booking still works with JavaScript off.
"""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from cowork.management.commands.seed_demo import DEMO_PASSWORDS
from cowork.models import Event, Resource, Space
from cowork.services.booking import booking_create
from cowork.services.displays import display_token_create
from cowork.services.events import registration_create
from tests.browser.conftest import PHONE, STEP_TIMEOUT_MS, set_language_cookie, sign_in
from tests.browser.conftest import gettext_in as _text
from tests.factories import weekday_ahead

KRAMATORSK = "kramatorsk-it"
GANJA = "ganja-information"
ROUND_TABLE = "Round-table on e-government services"
# The display learns of the network's return from the browser, then opens its socket.
LIVE_MS = 10_000
# Pages are stored by the worker after they are shown; both kept before going offline.
KEPT_PAGES_JS = """async (count) => {
  const cache = await caches.open("cowork-pages-personal");
  return (await cache.keys()).length >= count;
}"""


def _wait_for_the_worker(page: Page, base: str) -> None:
    scope = page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
    assert scope == f"{base}/"
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


@pytest.fixture
def centres(demo_centres) -> tuple[Space, Event]:
    demo_centres(KRAMATORSK, GANJA)
    return Space.objects.get(slug=KRAMATORSK), Event.objects.get(title=ROUND_TABLE)


def test_manifest_is_linked_and_valid_and_the_worker_registers(
    phone_page, live_server_url, centres, axe_check
):
    page = phone_page
    page.goto(f"{live_server_url}/")
    axe_check(page)
    session = page.context.new_cdp_session(page)
    manifest = session.send("Page.getAppManifest")
    assert manifest["url"] == f"{live_server_url}/manifest.webmanifest"
    assert manifest["errors"] == []
    parsed = page.evaluate(
        "async () => (await fetch(document.querySelector('link[rel=manifest]').href)).json()"
    )
    assert parsed["display"] == "standalone" and parsed["theme_color"] == "#0b5cad"
    for icon in parsed["icons"]:
        assert page.request.get(f"{live_server_url}{icon['src']}").ok, icon["src"]
    _wait_for_the_worker(page, live_server_url)


def test_my_bookings_and_a_registration_page_are_read_offline_until_signing_out(
    phone_page, live_server_url, centres, axe_check
):
    kramatorsk, round_table = centres
    page = phone_page
    day = weekday_ahead(kramatorsk)
    member = get_user_model().objects.get(username="member")
    booking_create(
        resource=Resource.objects.get(space=kramatorsk, name="Desk 07"),
        member=member,
        starts_at=datetime.datetime.combine(day, datetime.time(10), tzinfo=kramatorsk.zone),
        ends_at=datetime.datetime.combine(day, datetime.time(12), tzinfo=kramatorsk.zone),
    )
    _, key = registration_create(event=round_table, name="Nigar Aliyeva", phone="050 987 65 43")
    registration_url = f"{live_server_url}/registrations/{key}/"

    sign_in(page, live_server_url, "member", axe_check)
    _wait_for_the_worker(page, live_server_url)
    set_language_cookie(page, live_server_url, "uk")
    page.goto(f"{live_server_url}/bookings/")
    axe_check(page)
    notice = page.locator("[data-offline-notice]")
    expect(notice).to_be_hidden()
    page.goto(registration_url)
    axe_check(page)
    page.wait_for_function(KEPT_PAGES_JS, arg=2)

    page.context.set_offline(True)
    offline_now = re.compile(
        re.escape(
            _text("uk", "You are offline — this is the page as of %(time)s", time="@")
        ).replace("@", r"\d\d:\d\d")
    )
    page.goto(f"{live_server_url}/bookings/")
    axe_check(page)
    expect(notice).to_be_visible()
    expect(notice).to_have_text(offline_now)
    # The desk by its Ukrainian name: the member reads in Ukrainian.
    desk = Resource.objects.get(space__slug=KRAMATORSK, name="Desk 07")
    expect(page.locator("main")).to_contain_text(desk.name_in("uk"))
    page.goto(registration_url)
    axe_check(page)
    expect(notice).to_have_text(offline_now)
    expect(page.locator("main")).to_contain_text(ROUND_TABLE)
    with pytest.raises(PlaywrightError):
        page.goto(f"{live_server_url}/profile/")  # never kept

    page.context.set_offline(False)
    page.goto(f"{live_server_url}/bookings/")
    axe_check(page)
    expect(notice).to_be_hidden()
    page.locator("details.site-menu > summary").click()  # on a phone, signing out is in the menu
    page.get_by_role("button", name=_text("uk", "Sign out"), exact=True).click()
    page.wait_for_load_state()
    axe_check(page)
    page.wait_for_function("async () => !(await caches.has('cowork-pages-personal'))")
    page.context.set_offline(True)
    with pytest.raises(PlaywrightError):
        page.goto(f"{live_server_url}/bookings/")
    page.context.set_offline(False)
    page.goto(f"{live_server_url}/bookings/")
    axe_check(page)
    expect(page).to_have_url(re.compile(r"/login/\?next=/bookings/$"))


def test_door_display_says_offline_with_the_age_of_its_state_and_recovers(
    phone_page, live_server_url, centres, axe_check
):
    kramatorsk, _ = centres
    page = phone_page
    host = kramatorsk.roles.get().user
    room = Resource.objects.get(space=kramatorsk, name="Training room")
    _, key = display_token_create(space=kramatorsk, host=host, name="Door", room=room)
    set_language_cookie(page, live_server_url, "uk")
    page.goto(f"{live_server_url}/displays/{key}/")
    axe_check(page)
    status = page.locator("[data-live-status]")
    live = _text("uk", "Live")
    expect(status).to_have_text(live, timeout=LIVE_MS)
    shown_state = page.locator('[data-part="now"]').text_content()

    page.context.set_offline(True)
    offline = _text("uk", "Offline — as of %(time)s, %(age)s", time="@", age="#")
    pattern = re.escape(offline).replace("@", r"\d\d:\d\d").replace("\\#", "#").replace("#", ".+")
    expect(status).to_have_text(re.compile(pattern))
    expect(status).to_have_attribute("data-status", "offline")
    expect(page.locator('[data-part="now"]')).to_have_text(shown_state)
    axe_check(page)

    page.context.set_offline(False)
    expect(status).to_have_text(live, timeout=LIVE_MS)


def test_a_member_books_a_desk_with_javascript_off(browser, live_server_url, centres):
    kramatorsk, _ = centres
    day = weekday_ahead(kramatorsk)
    context = browser.new_context(java_script_enabled=False, **PHONE)
    context.set_default_timeout(STEP_TIMEOUT_MS)
    # In English, as the test reads it; the demo member's own language is Ukrainian.
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server_url}])
    try:
        page = context.new_page()
        page.goto(f"{live_server_url}/login/")
        page.get_by_label("Username", exact=True).fill("member")
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORDS["member"])
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.goto(f"{live_server_url}/centres/{KRAMATORSK}/book/")
        page.get_by_label("Date", exact=True).fill(day.isoformat())
        page.get_by_label("From", exact=True).select_option("10:00")
        page.get_by_label("Until", exact=True).select_option("12:00")
        page.get_by_label("What", exact=True).select_option("desk")
        page.get_by_role("button", name="Show free places").click()
        page.get_by_role("link", name="Desk 07: free, choose").click()
        page.get_by_role("button", name="Confirm booking").click()
        expect(page).to_have_url(re.compile(rf"^{live_server_url}/bookings/#booking-\d+$"))
        expect(page.get_by_role("status")).to_have_text("✓ Desk 07 is booked.")
    finally:
        context.close()
