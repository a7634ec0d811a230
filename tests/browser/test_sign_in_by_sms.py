"""Signing in with a code by SMS, in a real browser, from the login page to the home page."""

import re

from playwright.sync_api import Page, expect

from notifications.models import Notification
from tests import factories
from tests.browser.conftest import open_menu, send_a_code

PHONE = "+994501112233"


def _code_waiting_to_be_sent() -> str:
    # No task worker runs beside the test server, so the SMS waits in its row, text and all.
    body = Notification.objects.get(kind=Notification.Kind.SIGN_IN_CODE).body
    return re.search(r"\b(\d{6})\b", body).group(1)


def test_member_without_a_password_signs_in_with_the_code_from_the_sms(
    phone_page: Page, live_server_url, axe_check
):
    factories.MemberFactory(
        phone=PHONE, language="en", user__first_name="Leyla", user__last_name="Mammadova"
    )
    page = phone_page
    page.goto(f"{live_server_url}/login/")
    axe_check(page)
    page.get_by_role("link", name="Sign in with a code by SMS", exact=True).click()
    axe_check(page)

    send_a_code(page, axe_check, phone_field="Phone number", phone="+994 50 111 22 33",
                then="Type the code we sent you")  # fmt: skip

    page.get_by_label("The code we sent you", exact=True).fill("000000x")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Type the 6 digits")
    axe_check(page)

    page.get_by_label("The code we sent you", exact=True).fill(_code_waiting_to_be_sent())
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{live_server_url}/")
    open_menu(page)
    expect(page.get_by_text("Signed in as Leyla Mammadova", exact=True)).to_be_visible()
    axe_check(page)
