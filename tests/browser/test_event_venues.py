"""A forum bigger than any room, at an outside hall, and its attendance followed live.

Runs against daphne serving Ganja's demo centre. The host creates the forum on a phone in
Russian and on a desktop in English, without needing scripts for the form; at the door, the
attendance page open on a desktop in English and on a phone in Azerbaijani follows the QR
check-ins made on other phones without a reload, and the sign-in sheet prints what happened.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from cowork.management.commands.seed_demo import DEMO_PASSWORDS
from cowork.models import Booking, Event, Space
from cowork.services.events import OutsideVenue, event_create, registration_create
from tests.browser.conftest import PHONE, fits_the_screen, switch_language
from tests.browser.conftest import gettexts_in as _texts

GANJA = "ganja-information"
HALL = "Ganja State Philharmonic"
LIVE_MS = 10_000


def _sign_in(page: Page, base: str, next_path: str, axe_check) -> None:
    page.goto(f"{base}/login/?next={next_path}")
    page.get_by_label("Username", exact=True).fill("host.ganja")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORDS["host.ganja"])
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    axe_check(page)


@pytest.mark.parametrize(("screen", "language"), [("phone_page", "ru"), ("page", "en")])
def test_host_creates_a_150_place_forum_at_an_outside_hall(
    screen, language, request, live_server_url, demo_centres, axe_check
):
    demo_centres(GANJA)
    space = Space.objects.get(slug=GANJA)
    page = request.getfixturevalue(screen)
    _sign_in(page, live_server_url, f"/centres/{GANJA}/events/new/", axe_check)
    if language != "en":
        switch_language(page, language)
    axe_check(page)
    fits_the_screen(page)
    outside, rooms_label, title, venue, address, seats, places, date, start, end, create = _texts(
        language,
        "At an outside venue",
        "Rooms",
        "Title",
        "Venue",
        "Venue's address",
        "Seats at the venue",
        "Places",
        "Date",
        "From",
        "Until",
        "Create the event",
    )
    rooms = page.get_by_role("group", name=rooms_label)
    expect(rooms).to_be_visible()
    expect(page.get_by_label(venue, exact=True)).to_be_hidden()
    page.get_by_label(outside, exact=True).check()
    # Only the chosen part shows, by CSS alone.
    expect(rooms).to_be_hidden()
    expect(page.get_by_label(venue, exact=True)).to_be_visible()
    fits_the_screen(page)
    axe_check(page)

    day = timezone.now().astimezone(space.zone).date() + datetime.timedelta(days=9)
    page.get_by_label(title, exact=True).fill("Региональный ИКТ-форум")
    page.get_by_label(venue, exact=True).fill(HALL)
    page.get_by_label(address, exact=True).fill("Javadkhan 15")
    page.get_by_label(seats, exact=True).fill("300")
    page.get_by_label(places, exact=True).fill("150")
    page.get_by_label(date, exact=True).fill(day.isoformat())
    # After the centre closes: the hall keeps its own hours.
    page.get_by_label(start, exact=True).select_option("18:30")
    page.get_by_label(end, exact=True).select_option("21:00")
    page.get_by_role("button", name=create, exact=True).click()

    expect(page).to_have_url(re.compile(r"/events/\d+/manage/$"))
    axe_check(page)
    fits_the_screen(page)
    expect(page.get_by_text(f"{HALL}, Javadkhan 15")).to_be_visible()
    forum = Event.objects.get(title="Региональный ИКТ-форум")
    assert forum.is_outside and forum.capacity == 150 and forum.venue_capacity == 300
    assert not Booking.objects.filter(purpose=forum.title).exists()

    # Its public page sends people to the hall, in the visitor's language.
    page.goto(f"{live_server_url}/events/{forum.pk}/")
    axe_check(page)
    fits_the_screen(page)
    expect(page.locator(".where")).to_contain_text(HALL)


@pytest.fixture
def forum_under_way(demo_centres) -> Event:
    """A forum at an outside hall that started a few minutes ago, three people registered."""
    demo_centres(GANJA)
    space = Space.objects.get(slug=GANJA)
    host = space.roles.get(user__username="host.ganja").user
    now = timezone.now()
    forum = event_create(
        space=space,
        host=host,
        kind="forum",
        title="Youth ICT forum",
        sessions=[(now - datetime.timedelta(minutes=5), now + datetime.timedelta(hours=3))],
        capacity=150,
        venue=OutsideVenue(name=HALL, address="Javadkhan 15", capacity=300),
        registration_closes_at=now + datetime.timedelta(hours=1),
        now=now,
    )
    for name, phone in (
        ("Aysel Mammadova", "+994501110001"),
        ("Rashad Guliyev", "+994501110002"),
        ("Nigar Aliyeva", "+994501110003"),
    ):
        registration_create(event=forum, name=name, phone=phone)
    return forum


def _check_in_at_the_door(browser: Browser, base: str, forum: Event, phone: str) -> None:
    """Another phone at the door: the person's page gives the code, the QR page takes it."""
    from cowork.models import Registration

    context = browser.new_context(**PHONE)
    try:
        door = context.new_page()
        registration = Registration.objects.get(event=forum, participant__phone=phone)
        door.goto(f"{base}/events/{forum.pk}/check-in/")
        door.get_by_label("Your phone", exact=True).fill(phone)
        door.get_by_label("Check-in code", exact=True).fill(registration.check_in_code)
        door.get_by_role("button", name="Check in", exact=True).click()
        expect(door.get_by_role("status")).to_contain_text("Welcome")
    finally:
        context.close()


def test_attendance_follows_qr_check_ins_live_on_desktop_and_phone_and_prints_a_sheet(
    browser: Browser, page: Page, phone_page: Page, live_server_url, forum_under_way, axe_check
):
    forum = forum_under_way
    attendance_path = f"/events/{forum.pk}/manage/attendance/"
    _sign_in(page, live_server_url, attendance_path, axe_check)
    _sign_in(phone_page, live_server_url, attendance_path, axe_check)
    switch_language(phone_page, "az")
    (live_az,) = _texts("az", "Live: the counts follow check-ins as they happen.")
    expect(page.locator("[data-live-state]")).to_have_text(
        "Live: the counts follow check-ins as they happen.", timeout=LIVE_MS
    )
    expect(phone_page.locator("[data-live-state]")).to_have_text(live_az, timeout=LIVE_MS)
    for screen in (page, phone_page):
        expect(screen.locator('[data-figure="present"]')).to_have_text("0")
        axe_check(screen)
        fits_the_screen(screen)

    _check_in_at_the_door(browser, live_server_url, forum, "+994501110002")
    _check_in_at_the_door(browser, live_server_url, forum, "+994501110003")

    for screen in (page, phone_page):
        expect(screen.locator('[data-figure="present"]')).to_have_text("2", timeout=LIVE_MS)
        expect(screen.locator('[data-figure="absent"]')).to_have_text("1")
        expect(screen.locator("[data-present-list] li")).to_have_count(2)
        expect(screen.locator("[data-present-list]")).to_contain_text("Nigar Aliyeva")
        expect(screen.locator("li.attendee.is-present")).to_have_count(2)
        axe_check(screen)
        fits_the_screen(screen)
    rashad = page.locator("li.attendee", has_text="Rashad Guliyev")
    expect(rashad.locator(".present-toggle")).to_have_attribute("aria-pressed", "true")

    # The host takes one back from the desktop; the phone follows.
    page.get_by_role("button", name="Present Rashad Guliyev").click()
    expect(page.locator('[data-figure="present"]')).to_have_text("1")
    axe_check(page)
    expect(phone_page.locator('[data-figure="present"]')).to_have_text("1", timeout=LIVE_MS)

    # The sign-in sheet, on the phone in Azerbaijani.
    (sheet_link, signature) = _texts("az", "Sign-in sheet to print", "Signature")
    phone_page.get_by_role("link", name=sheet_link).click()
    axe_check(phone_page)
    fits_the_screen(phone_page)
    expect(phone_page.get_by_role("columnheader", name=signature)).to_be_visible()
    expect(phone_page.locator(".sheet-table")).to_contain_text("Nigar Aliyeva")
    expect(phone_page.locator('[data-count="present"]')).to_have_text("1")
    expect(phone_page.locator(".sheet-facts")).to_contain_text(HALL)
    phone_page.emulate_media(media="print")
    expect(phone_page.locator(".site-header")).to_be_hidden()
    expect(phone_page.locator(".sheet-table")).to_be_visible()


def test_the_attendance_list_in_russian_fits_a_phone_with_everyone_present(
    phone_page: Page, live_server_url, forum_under_way, axe_check
):
    """Russian's longer words ("Присутствуют", names on two lines) once pushed the buttons past
    the screen's edge."""
    from cowork.models import Registration
    from cowork.services.events import attendance_mark

    forum = forum_under_way
    session = forum.sessions.get()
    host = forum.space.roles.get(user__username="host.ganja").user
    for registration in Registration.objects.filter(event=forum):
        attendance_mark(session=session, participant=registration.participant, host=host)
    _sign_in(phone_page, live_server_url, f"/events/{forum.pk}/manage/attendance/", axe_check)
    switch_language(phone_page, "ru")
    expect(phone_page.locator("li.attendee.is-present")).to_have_count(3)
    axe_check(phone_page)
    fits_the_screen(phone_page)
