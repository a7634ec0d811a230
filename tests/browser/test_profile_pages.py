"""The profile and my-data pages on a phone (390×844), in Chromium, axe-checked, without
any script of ours: a member saves their details, reminders and answers, reads and
downloads their data, and deletes their account; a network admin finds a person."""

import json
import re

import pytest
from playwright.sync_api import Page, expect

from cowork.models import Member
from tests import factories

PASSWORD = "correct horse battery staple"


@pytest.fixture
def member(transactional_db):
    return factories.MemberFactory(
        user__username="nigar", user__first_name="Nigar", phone="+994501112233", language="en"
    )


def _sign_in(page: Page, base: str, username: str) -> None:
    # By the fields' names: the labels are in whatever language the page speaks.
    page.goto(f"{base}/login/?next=/profile/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


def test_a_member_keeps_their_profile_on_a_phone(phone_page, live_server_url, member, axe_check):
    page = phone_page
    _sign_in(page, live_server_url, "nigar")
    expect(page.get_by_role("heading", name="My profile", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_label("Name", exact=True).fill("Nigar\u202eAliyeva")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("A name cannot hold control or invisible characters.")).to_be_visible()
    axe_check(page)
    page.get_by_label("Name", exact=True).fill("Nigar Aliyeva")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    axe_check(page)

    page.get_by_label("At the times I tick below").check()
    page.get_by_label("3 hours before").check()
    page.get_by_label("My quiet hours from").fill("22:00")
    page.get_by_label("My quiet hours until").fill("07:00")
    page.get_by_role("button", name="Save reminders").click()
    expect(page.get_by_text("Your reminders are saved.")).to_be_visible()
    axe_check(page)

    seeing = page.get_by_role(
        "group", name="Do you have difficulty seeing, even if wearing glasses?"
    )
    seeing.get_by_label("A lot of difficulty").check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_text("only with your consent")).to_be_visible()
    axe_check(page)
    seeing.get_by_label("A lot of difficulty").check()
    page.get_by_label("I agree that these answers are kept", exact=False).check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_text("Your answers are saved. Thank you.")).to_be_visible()
    axe_check(page)
    saved = Member.objects.get(pk=member.pk)
    assert saved.wg_seeing == "a_lot" and saved.reminder_minutes == [180]
    assert saved.user.get_full_name() == "Nigar Aliyeva"

    page.get_by_role("link", name="My data: download or delete").click()
    expect(page.get_by_role("cell", name="+994501112233").first).to_be_visible()
    axe_check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a file (JSON)").click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["profile"][0]["wg_seeing"] == "a_lot"

    page.get_by_role("link", name="Delete the account…").click()
    axe_check(page)
    page.get_by_label("I understand that this cannot be undone.").check()
    page.get_by_role("button", name="Delete the account for good").click()
    expect(page.get_by_text("The account is deleted.", exact=False)).to_be_visible()
    axe_check(page)
    assert not Member.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize("language", ["az", "ru", "uk", "uz"])
def test_the_profile_page_speaks_each_language(
    phone_page, live_server_url, member, axe_check, language
):
    Member.objects.filter(pk=member.pk).update(language=language)
    page = phone_page
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server_url}]
    )
    _sign_in(page, live_server_url, "nigar")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_text("Do you have difficulty seeing")).to_have_count(0)
    axe_check(page)


def test_a_network_admin_finds_a_person_and_reads_their_data(
    phone_page, live_server_url, member, axe_check
):
    factories.network_admin(username="admin")
    page = phone_page
    _sign_in(page, live_server_url, "admin")
    page.goto(f"{live_server_url}/network/people/?q=Nigar")
    axe_check(page)
    page.get_by_role("link", name=member.user.get_full_name()).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Data held about")
    axe_check(page)
    page.get_by_role("link", name="Delete the account…").click()
    axe_check(page)
    page.get_by_role("button", name="Delete the account for good").click()
    expect(page.get_by_text("Tick the box to confirm.")).to_be_visible()
    axe_check(page)
    assert Member.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize("fixture", ["phone_page", "page"])
def test_a_member_finds_where_we_write_to_them_from_the_profile_in_ukrainian(
    request, fixture, live_server_url, member, axe_check
):
    page = request.getfixturevalue(fixture)
    page.context.add_cookies([{"name": "django_language", "value": "uk", "url": live_server_url}])
    _sign_in(page, live_server_url, "nigar")
    axe_check(page)
    page.get_by_role("link", name="Telegram, WhatsApp або SMS: обрати й підключити").click()
    expect(page.get_by_role("heading", name="Куди ми вам пишемо", level=1)).to_be_visible()
    axe_check(page)
    assert page.evaluate(FITS_JS)

    page.get_by_role("button", name="Підключити Telegram").click()
    deep_link = page.get_by_role("link", name="Відкрийте Telegram і натисніть «Почати»")
    expect(deep_link).to_have_attribute("href", re.compile(r"^https://t\.me/\w+\?start=[\w-]+$"))
    axe_check(page)

    page.get_by_label("Канал").select_option("sms")
    page.get_by_role("button", name="Зберегти").click()
    expect(page.get_by_text("Збережено.")).to_be_visible()
    axe_check(page)


FITS_JS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
