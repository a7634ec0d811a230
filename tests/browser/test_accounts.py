"""Account pages in a real browser at phone size: sign-up with the code, the hosts' members
page with an invitation, and the invitation's page, a new password by SMS, a phone change.
Every page is checked by axe and under the Content-Security-Policy."""

import re

from playwright.sync_api import Page, expect

from cowork.models import Membership
from notifications.models import Notification
from tests import factories
from tests.browser.conftest import open_menu, send_a_code


def _waiting_body(kind) -> str:
    # No task worker runs beside the test server, so the SMS waits in its row, text and all.
    return Notification.objects.filter(kind=kind).latest("pk").body


def _code(kind) -> str:
    return re.search(r"\b(\d{6})\b", _waiting_body(kind)).group(1)


def test_a_stranger_signs_up_from_the_home_page_and_waits_for_approval(
    phone_page: Page, live_server_url, axe_check
):
    kyiv = factories.SpaceFactory(
        name="Kyiv Hub",
        city="Kyiv",
        country="UA",
        time_zone="Europe/Kyiv",
        members_need_approval=True,
    )
    factories.SpaceFactory(name="Baku Centre", city="Baku", country="AZ")
    page = phone_page
    page.goto(f"{live_server_url}/")
    page.get_by_role("link", name="Sign up to book desks and rooms", exact=True).click()
    expect(page.get_by_role("heading", name="Sign up", exact=True)).to_be_visible()
    axe_check(page)

    page.get_by_label("Your name", exact=True).fill("Iryna Bondarenko")
    page.get_by_label("Kyiv Hub", exact=True).check()
    page.get_by_label("Mobile phone number", exact=True).fill("03112 34567")
    page.get_by_role("button", name="Send me a code", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("is a landline")
    expect(page.locator("#id_phone_helptext")).to_contain_text("050 123 4567")  # Ukraine's
    axe_check(page)

    send_a_code(page, axe_check, phone_field="Mobile phone number", phone="067 111 22 02",
                then="Type the code from the SMS")  # fmt: skip
    page.get_by_label("Code from the SMS", exact=True).fill(_code(Notification.Kind.SIGN_UP_CODE))
    page.get_by_role("button", name="Open my account", exact=True).click()
    expect(page.get_by_text("will tell you by SMS once a host has approved you")).to_be_visible()
    open_menu(page)
    expect(page.get_by_text("Signed in as Iryna Bondarenko", exact=True)).to_be_visible()
    axe_check(page)
    assert Membership.objects.get(space=kyiv).status == Membership.Status.PENDING


def test_a_host_approves_and_invites_and_the_invited_person_joins(
    phone_page: Page, live_server_url, axe_check
):
    centre = factories.SpaceFactory(name="Kyiv Hub", country="UA", members_need_approval=True)
    host = factories.HostFactory(space=centre, user__username="olena").user
    host.set_password("host password 1")
    host.save()
    waiting = factories.MemberFactory(
        phone="+380931234567", user__first_name="Taras", user__last_name="Shevchuk"
    )
    Membership.objects.create(member=waiting, space=centre, status=Membership.Status.PENDING)
    page = phone_page
    page.goto(f"{live_server_url}/login/?next=/centres/{centre.slug}/members/")
    page.get_by_label("Username", exact=True).fill("olena")
    page.get_by_label("Password", exact=True).fill("host password 1")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Members of Kyiv Hub")).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name="Approve Taras Shevchuk", exact=True).click()
    expect(page.get_by_text("is approved and told by SMS")).to_be_visible()
    axe_check(page)

    page.get_by_label("Mobile phone number", exact=True).fill("067 111 22 02")
    page.get_by_role("button", name="Send the invitation", exact=True).click()
    expect(page.get_by_text("An invitation is on its way by SMS")).to_be_visible()
    axe_check(page)

    link = re.search(r"(/i/\S+/)", _waiting_body(Notification.Kind.INVITATION)).group(1)
    page.locator("details.site-menu > summary").click()  # on a phone, signing out is in the menu
    open_menu(page)
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.goto(f"{live_server_url}{link}")
    expect(page.get_by_role("heading", name="Join Kyiv Hub")).to_be_visible()
    axe_check(page)
    page.get_by_label("Your name", exact=True).fill("Iryna")
    page.get_by_role("button", name="Open my account", exact=True).click()
    open_menu(page)
    expect(page.get_by_text("Signed in as Iryna", exact=True)).to_be_visible()
    axe_check(page)


def test_a_member_sets_a_new_password_by_sms_and_changes_phone(
    phone_page: Page, live_server_url, axe_check
):
    factories.MemberFactory(
        phone="+994501112233", user__first_name="Leyla", user__last_name="Aliyeva"
    )
    page = phone_page
    page.goto(f"{live_server_url}/login/")
    page.get_by_role("link", name="Forgot your password?", exact=True).click()
    axe_check(page)
    page.get_by_role("link", name="No e-mail? Get a code by SMS instead", exact=True).click()
    axe_check(page)
    send_a_code(page, axe_check, phone_field="Phone number", phone="+994 50 111 22 33",
                then="Set a new password")  # fmt: skip
    page.get_by_label("Code from the SMS", exact=True).fill(_code(Notification.Kind.RECOVERY_CODE))
    page.get_by_label("New password", exact=True).fill("a brand new passphrase")
    page.get_by_label("New password again", exact=True).fill("a brand new passphrase")
    page.get_by_role("button", name="Set the password", exact=True).click()
    open_menu(page)
    expect(page.get_by_text("Signed in as Leyla Aliyeva", exact=True)).to_be_visible()

    page.goto(f"{live_server_url}/account/phone/")
    expect(page.get_by_role("heading", name="Change your phone number")).to_be_visible()
    axe_check(page)
    send_a_code(page, axe_check, phone_field="New mobile phone number", phone="+994 55 765 43 21",
                then="Type the code from the SMS")  # fmt: skip
    page.get_by_label("Code from the SMS", exact=True).fill(
        _code(Notification.Kind.PHONE_CHANGE_CODE)
    )
    page.get_by_role("button", name="Change my number", exact=True).click()
    expect(page.get_by_text("Your phone number is now +994557654321")).to_be_visible()
    axe_check(page)
