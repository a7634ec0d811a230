"""Walk-in visitors in a real browser against daphne: "+1 visitor" on a phone and on the
door tablet, without JavaScript too, and the door kiosk in English and Ukrainian."""

import concurrent.futures
import re
import uuid

import httpx
import pytest
from playwright.sync_api import expect

from cowork.models import WalkIn
from cowork.services.displays import display_token_create
from tests.browser.conftest import fits_the_screen, sign_in
from tests.browser.test_live import KRAMATORSK, LIVE_MS, TABLET

TAPS = 200


@pytest.fixture
def tablet_key(kramatorsk) -> str:
    host = kramatorsk.roles.get().user
    _token, key = display_token_create(space=kramatorsk, host=host, name="Front door")
    return key


def test_a_host_counts_a_walk_in_on_a_phone_without_a_reload(
    phone_page, live_server_url, kramatorsk, axe_check
):
    page = phone_page
    sign_in(page, live_server_url, "host", axe_check)
    page.goto(f"{live_server_url}/centres/{KRAMATORSK}/live/")
    axe_check(page)
    fits_the_screen(page)
    visits = page.locator('.live-figures [data-figure="visits_today"]')
    before = int(visits.inner_text())
    form = page.locator("form[data-visitor-form]")
    form.get_by_text("Female", exact=True).click()
    form.get_by_text("25–34", exact=True).click()
    expect(form.get_by_role("radio", name="Female")).to_be_checked()
    page.evaluate("window.__sameDocument = true")
    form.get_by_role("button", name="+1 visitor").click()
    expect(form.locator("[data-visitor-status]")).to_have_text("Counted: one more visitor.")
    expect(visits).to_have_text(str(before + 1), timeout=LIVE_MS)
    # No reload, and the chips are back at "Not said" for the next visitor.
    assert page.evaluate("window.__sameDocument") is True
    expect(form.get_by_role("radio", name="Not said").first).to_be_checked()
    visit = WalkIn.objects.get(space=kramatorsk)
    assert (visit.gender, visit.age_band, visit.source) == ("female", "25-34", "live")
    axe_check(page)


def test_two_hundred_taps_on_the_door_tablet_are_all_counted(
    page, live_server_url, kramatorsk, tablet_key, axe_check
):
    page.set_viewport_size(TABLET)
    page.goto(f"{live_server_url}/displays/{tablet_key}/")
    axe_check(page)
    button = page.get_by_role("button", name="+1 visitor")
    for _tap in range(TAPS):
        button.click()
    expect(page.locator('.live-figures [data-figure="visits_today"]')).to_have_text(
        str(TAPS), timeout=60_000
    )
    assert WalkIn.objects.filter(space=kramatorsk, source="tablet").count() == TAPS
    assert WalkIn.objects.values("client_key").distinct().count() == TAPS


def test_concurrent_taps_and_their_retries_count_each_tap_once(
    live_server_url, kramatorsk, tablet_key
):
    """200 taps from 20 connections at once, and every fourth sent again with its key, as a
    tablet whose answer was lost would."""
    url = f"{live_server_url}/displays/{tablet_key}/visitor/"
    with httpx.Client(timeout=60) as client:
        client.get(f"{live_server_url}/displays/{tablet_key}/")
        token = client.cookies["csrftoken"]
    keys = [uuid.uuid4().hex for _ in range(TAPS)]
    sends = keys + keys[::4]

    def tap(key):
        with httpx.Client(cookies={"csrftoken": token}, timeout=60) as client:
            response = client.post(
                url,
                data={"csrfmiddlewaretoken": token, "client_key": key, "gender": "male"},
                headers={"Accept": "application/json", "Referer": url},
            )
            return response.status_code, response.json()["counted"]

    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(tap, sends))
    assert {status for status, _counted in answers} == {200}
    assert sum(counted for _status, counted in answers) == TAPS
    assert WalkIn.objects.filter(space=kramatorsk).count() == TAPS


def test_plus_one_works_as_a_plain_form_without_javascript(
    browser, live_server_url, kramatorsk, tablet_key
):
    context = browser.new_context(java_script_enabled=False, viewport=TABLET)
    try:
        page = context.new_page()
        page.goto(f"{live_server_url}/displays/{tablet_key}/")
        page.get_by_text("Male", exact=True).click()
        page.get_by_role("button", name="+1 visitor").click()
        expect(page.locator("[data-visitor-status]")).to_have_text("Counted: one more visitor.")
        expect(page.locator('.live-figures [data-figure="visits_today"]')).to_have_text("1")
        # The page came back with a fresh key and the chips at "Not said" for the next tap.
        expect(page.get_by_role("radio", name="Not said").first).to_be_checked()
        assert WalkIn.objects.get(space=kramatorsk).gender == "male"
    finally:
        context.close()


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "en",
            {
                "sign_in": "Sign in",
                "phone": "Your phone (optional)",
                "consent": "I agree that the answers below are kept for the centre's reports.",
                "female": "Female",
                "thanks": "Thank you! You are signed in.",
                "again": "You are signed in for today already. Welcome!",
                "bad_phone": "number",
                "no_consent": "tick the consent box",
            },
        ),
        (
            "uk",
            {
                "sign_in": "Відмітитися",
                "phone": "Ваш телефон (необов’язково)",
                "consent": "Я погоджуюся, щоб відповіді нижче зберігалися для звітів центру.",
                "female": "Жіноча",
                "thanks": "Дякуємо! Ви відмітилися.",
                "again": "Сьогодні ви вже відмітилися. Ласкаво просимо!",
                "bad_phone": "номер",
                "no_consent": "позначте прапорець згоди",
            },
        ),
    ],
)
def test_a_visitor_signs_in_at_the_door_kiosk(
    phone_page, live_server_url, kramatorsk, tablet_key, axe_check, language, texts
):
    page = phone_page
    page.goto(f"{live_server_url}/displays/{tablet_key}/sign-in/")
    if language != "en":
        page.locator(f'button[name="language"][value="{language}"]').click()
        page.wait_for_load_state()
    axe_check(page)
    fits_the_screen(page)
    phone = page.get_by_label(texts["phone"])
    phone.fill("12")
    page.get_by_role("button", name=texts["sign_in"], exact=True).click()
    expect(page.locator(".field-error")).to_contain_text(re.compile(texts["bad_phone"], re.I))
    assert not WalkIn.objects.exists()
    axe_check(page)

    # Answers without the consent box are refused too, and nothing is counted.
    page.get_by_label(texts["phone"]).fill("050 123 4567")
    page.get_by_text(texts["female"], exact=True).first.click()
    page.get_by_role("button", name=texts["sign_in"], exact=True).click()
    expect(page.locator(".field-error")).to_contain_text(texts["no_consent"])
    assert not WalkIn.objects.exists()

    page.get_by_label(texts["phone"]).fill("050 123 4567")
    page.get_by_label(texts["consent"]).check()
    page.get_by_text(texts["female"], exact=True).first.click()
    page.get_by_role("button", name=texts["sign_in"], exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(texts["thanks"])
    axe_check(page)
    visit = WalkIn.objects.get()
    assert (visit.gender, visit.source, bool(visit.phone_key)) == ("female", "kiosk", True)

    # The same phone again today: welcomed, not counted twice.
    page.get_by_label(texts["phone"]).fill("+380501234567")
    page.get_by_role("button", name=texts["sign_in"], exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(texts["again"])
    axe_check(page)
    assert WalkIn.objects.count() == 1
