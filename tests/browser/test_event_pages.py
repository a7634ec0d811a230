"""The event pages in a real browser: registering for the demo round-table in Ganja, and
marking who came at the door.

Runs against daphne serving Ganja's demo centre, whose round-table is next Thursday at 11:00
in Ganja's own zone. The visitor has no account and registers in English or Azerbaijani;
the host is the demo's host of Ganja. People check themselves in at a training made to
start a few minutes after the test does, in the round-table's room.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cowork.management.commands.seed_demo import DEMO_PASSWORDS
from cowork.models import Attendance, Event, Registration, RegistrationStatus
from cowork.services.events import registration_create
from tests.browser.conftest import gettexts_in as _texts
from tests.factories import EventFactory

GANJA = "Ganja Community Information Centre"
TITLE_EN = "Round-table on e-government services"
TITLE_AZ = "E-hökumət xidmətləri üzrə dəyirmi masa"
# Escaped slashes: Playwright passes the pattern to the browser as a /…/ literal.
CANCEL_LINK = re.compile(r"\/registrations\/[\w-]+\/cancel\/$")


@pytest.fixture
def round_table(demo_centres) -> Event:
    demo_centres("ganja-information")
    return Event.objects.get(title=TITLE_EN)


def test_visitor_registers_for_the_round_table_from_the_centre_page_and_can_cancel(
    phone_page: Page, live_server_url, round_table, axe_check
):
    page = phone_page
    page.goto(f"{live_server_url}/centres/ganja-information/")
    axe_check(page)
    events = page.get_by_role("region", name="Upcoming events")
    events.get_by_role("link", name=TITLE_EN).click()

    expect(page).to_have_url(f"{live_server_url}/events/{round_table.pk}/")
    axe_check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE_EN)
    expect(page.get_by_text("Room: Meeting room")).to_be_visible()
    expect(page.get_by_text("Step-free entrance")).to_be_visible()
    expect(page.get_by_text("20 places left")).to_be_visible()

    page.get_by_label("Your name", exact=True).fill("Nigar Aliyeva")
    page.get_by_label("Your phone", exact=True).fill("12345")
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below.")
    expect(page.get_by_text("is not a valid phone number")).to_be_visible()
    axe_check(page)

    page.get_by_label("Your phone", exact=True).fill("050 987 65 43")
    gender = page.get_by_label("Gender", exact=True)
    expect(gender).to_be_hidden()  # the questions appear only with consent
    page.get_by_label("I agree that the answers below are kept for the centre's reports.").check()
    gender.select_option("female")
    page.get_by_role("button", name="Register", exact=True).click()

    expect(page).to_have_url(re.compile(r"/registrations/[A-Za-z0-9_-]+/$"))
    axe_check(page)
    expect(page.get_by_role("status")).to_contain_text(
        f"Confirmed: you have a place at {TITLE_EN}."
    )
    expect(page.get_by_text("+994509876543")).to_have_count(0)
    cancel_link = page.get_by_role("link", name=CANCEL_LINK)
    expect(cancel_link).to_be_visible()
    registration = Registration.objects.get(event=round_table)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.participant.gender == "female"

    cancel_link.click()
    axe_check(page)
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.get_by_role("status")).to_contain_text("Your registration is cancelled.")
    axe_check(page)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_visitor_switches_to_azerbaijani_and_registers(
    page: Page, live_server_url, round_table, axe_check
):
    page.goto(f"{live_server_url}/events/{round_table.pk}/")
    axe_check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE_EN)

    page.get_by_label("Language", exact=True).select_option("az")
    page.get_by_role("button", name="Change", exact=True).click()

    expect(page.locator("html")).to_have_attribute("lang", "az")
    expect(page).to_have_url(f"{live_server_url}/events/{round_table.pk}/")
    axe_check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE_AZ)
    language, name, phone, register = _texts(
        "az", "Language", "Your name", "Your phone", "Register"
    )
    expect(page.get_by_label(language, exact=True)).to_have_value("az")

    page.get_by_label(name, exact=True).fill("Rəşad Quliyev")
    page.get_by_label(phone, exact=True).fill("+994 55 765 43 21")
    page.get_by_role("button", name=register, exact=True).click()

    expect(page).to_have_url(re.compile(r"/registrations/[A-Za-z0-9_-]+/$"))
    axe_check(page)
    (confirmed,) = _texts("az", "Confirmed: you have a place at %(title)s.")
    expect(page.get_by_role("status")).to_contain_text(confirmed % {"title": TITLE_AZ})
    expect(page.get_by_role("link", name=CANCEL_LINK)).to_be_visible()
    registration = Registration.objects.get(event=round_table)
    assert registration.participant.language == "az"
    assert registration.status == RegistrationStatus.CONFIRMED


def test_host_at_the_door_finds_a_person_by_the_last_digits_and_marks_them_present(
    page: Page, live_server_url, round_table, axe_check
):
    for name, phone in (("Nigar Aliyeva", "+994509876543"), ("Rashad Guliyev", "+994557654321")):
        registration_create(event=round_table, name=name, phone=phone)
    page.goto(f"{live_server_url}/login/?next=/events/{round_table.pk}/manage/attendance/")
    axe_check(page)
    page.get_by_label("Username", exact=True).fill("host.ganja")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORDS["host.ganja"])
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance")
    axe_check(page)

    people = page.locator(".attendee")
    expect(people).to_have_count(2)
    page.get_by_label("Name or last digits of the phone").press_sequentially("4321")
    expect(people.filter(visible=True)).to_have_count(1)  # filtered as the host types
    expect(people.filter(visible=True)).to_contain_text("Rashad Guliyev")

    page.get_by_role("button", name="Present Rashad Guliyev").click()
    expect(page.get_by_role("status")).to_contain_text("Rashad Guliyev is marked present.")
    axe_check(page)
    expect(page.get_by_role("button", name="Present Rashad Guliyev")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator(".figure-present dd")).to_have_text("1")
    attendance = Attendance.objects.get(session__event=round_table)
    assert attendance.participant.name == "Rashad Guliyev"


def test_registered_people_check_themselves_in_at_the_door_without_names_shown(
    phone_page: Page, live_server_url, round_table, axe_check
):
    """A training starting in ten minutes: one person checks in with the QR page's phone and
    code, another with "I am here" on their registration page; no page names anybody."""
    starts_at = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(minutes=10)
    training = EventFactory(
        room=round_table.room,
        title="Digital safety at the door",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
    )
    start = f"{starts_at.astimezone(training.space.zone):%H:%M}"
    page = phone_page

    def register(name: str, phone: str) -> str:
        page.goto(f"{live_server_url}/events/{training.pk}/")
        page.get_by_label("Your name", exact=True).fill(name)
        page.get_by_label("Your phone", exact=True).fill(phone)
        page.get_by_role("button", name="Register", exact=True).click()
        expect(page).to_have_url(re.compile(r"/registrations/[\w-]+/$"))
        return page.url

    register("Nigar Aliyeva", "050 987 65 43")
    axe_check(page)
    code = page.locator(".check-in-code").inner_text()
    assert re.fullmatch(r"\d{6}", code)

    page.goto(f"{live_server_url}/events/{training.pk}/check-in/")
    axe_check(page)
    page.get_by_label("Your phone", exact=True).fill("050 987 65 43")
    page.get_by_label("Check-in code", exact=True).fill(f"{(int(code) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Check in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("do not match a registration")
    axe_check(page)
    page.get_by_label("Check-in code", exact=True).fill(code)
    page.get_by_role("button", name="Check in", exact=True).click()
    expect(page.get_by_role("status")).to_have_text(
        f"✓ Welcome: you are marked present at the session of {start}."
    )
    axe_check(page)
    expect(page.get_by_text("Nigar")).to_have_count(0)

    register("Rashad Guliyev", "+994 55 765 43 21")
    page.get_by_role("button", name="I am here: check me in").click()
    expect(page.get_by_role("status").last).to_contain_text(
        f"You are marked present at the session of {start}."
    )
    axe_check(page)
    marked = Attendance.objects.filter(session__event=training).order_by("at")
    assert [(a.participant.name, a.method) for a in marked] == [
        ("Nigar Aliyeva", Attendance.Method.QR),
        ("Rashad Guliyev", Attendance.Method.QR),
    ]
