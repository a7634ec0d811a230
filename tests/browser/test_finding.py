"""Finding a centre and coming back to it, in Chromium: the home page's search, a centre's
free day and directions, My bookings (calendar file, ticket, book the same again),
equipment by number, and a new person booking and checking in from a free desk's QR code.

Each test runs on a phone (390×844) in English and on a desktop in Russian (the QR code's
journey on a phone in Ukrainian and a desktop in English); every page is checked by axe.
Centres made here are open every day 00:00–23:45 in a zone where it is now near midday
(`open_around_the_clock`), so "now" is always inside opening hours.
"""

import datetime
import re

import icalendar
import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from cowork import dates
from cowork.models import Booking, BookingStatus, Resource, Space
from cowork.selectors.free_today import slot_start
from cowork.services.booking import booking_create
from notifications.models import Notification
from tests import factories
from tests.browser.conftest import fits_the_screen
from tests.browser.conftest import gettext_in as _t
from tests.notifications.ical.validator import libical_available, libical_errors

PASSWORD = "a long enough password 7"
CASES = pytest.mark.parametrize(
    ("size", "language"), [("phone", "en"), ("desktop", "ru")], ids=["phone-en", "desktop-ru"]
)


@pytest.fixture
def open_page(request, live_server_url):
    """The page of the test's size, in its language (the language cookie, as the switch
    in the header sets it)."""

    def make(size: str, language: str) -> Page:
        page = request.getfixturevalue("phone_page" if size == "phone" else "page")
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server_url}]
        )
        return page

    return make


# A fresh server's first answer imports the URL conf, the views and the templates; on a
# machine shared with other work that takes longer than a step may, so the first visit of
# each test waits longer. Every later step keeps the folder's limit.
FIRST_VISIT_MS = 30_000


def _first_visit(page: Page, url: str) -> None:
    page.goto(url, timeout=FIRST_VISIT_MS)


def _centre(**kwargs):
    space = factories.SpaceFactory(**kwargs)
    factories.open_around_the_clock(space)
    space.refresh_from_db()
    return space


def _member():
    member = factories.MemberFactory(user__first_name="Nigar", user__last_name="Aliyeva")
    member.user.set_password(PASSWORD)
    member.user.save()
    return member.user


def _sign_in(page: Page, language: str, user) -> None:
    page.get_by_label(_t(language, "Username"), exact=True).fill(user.username)
    page.get_by_label(_t(language, "Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=_t(language, "Sign in"), exact=True).click()


@CASES
def test_home_page_finds_a_centre_by_words_and_by_country(
    size, language, open_page, live_server_url, demo_centres, axe_check
):
    demo_centres("ganja-information", "kramatorsk-it", "tashkent-coworking")
    page = open_page(size, language)
    _first_visit(page, live_server_url)
    axe_check(page)
    fits_the_screen(page)
    expect(page.locator("li.space-card")).to_have_count(3)

    page.get_by_label(_t(language, "Name or city"), exact=True).fill("kramatorsk")
    page.get_by_role("button", name=_t(language, "Search"), exact=True).click()
    expect(page).to_have_url(re.compile(r"\?q=kramatorsk"))
    axe_check(page)
    fits_the_screen(page)
    expect(page.locator("li.space-card")).to_have_count(1)
    # By its name in the reader's language: "Центр ИТ-решений, Краматорск" in Russian.
    kramatorsk = Space.objects.get(slug="kramatorsk-it")
    expect(page.locator("li.space-card h3")).to_contain_text(kramatorsk.name_in(language))

    page.get_by_label(_t(language, "Name or city"), exact=True).fill("")
    page.get_by_label(_t(language, "Country"), exact=True).select_option("UZ")
    page.get_by_role("button", name=_t(language, "Search"), exact=True).click()
    axe_check(page)
    expect(page.locator("li.space-card")).to_have_count(1)
    tashkent = Space.objects.get(slug="tashkent-coworking")
    expect(page.locator("li.space-card h3")).to_contain_text(tashkent.name_in(language))
    expect(page.get_by_label(_t(language, "City"), exact=True).locator("option")).to_have_count(2)


@CASES
def test_centre_page_shows_everyone_its_free_day_and_the_way_there_without_names(
    size, language, open_page, live_server_url, axe_check
):
    space = _centre(name="Ganja Youth House", address="Javad khan 12")
    room = factories.RoomFactory(space=space, name="Hall")
    for n in (1, 2, 10):
        factories.ResourceFactory(space=space, name=f"Desk {n}")
    slot = slot_start(space, timezone.now())
    booking_create(
        resource=room,
        member=_member(),
        starts_at=slot,
        ends_at=slot + datetime.timedelta(hours=2),
        purpose="Private meeting",
    )
    page = open_page(size, language)
    # The list of centres first: open now, what is free now, the local time by its city.
    _first_visit(page, live_server_url)
    axe_check(page)
    fits_the_screen(page)
    card = page.locator(f'li.space-card[data-space="{space.slug}"]')
    expect(card.locator(".badge-open")).to_contain_text(_t(language, "Open now"))
    expect(card.locator(".badge-free")).to_contain_text(_t(language, "Free now"))
    with translation.override(language):
        city = dates.zone_city(space.time_zone)
    expect(card.locator(".tz")).to_have_text(city)
    card.get_by_role("link", name=space.name).click()
    expect(page).to_have_url(f"{live_server_url}/centres/{space.slug}/")
    axe_check(page)
    fits_the_screen(page)
    hours = page.get_by_role("region", name=_t(language, "Opening hours")).get_by_role("listitem")
    expect(hours).to_have_count(7)
    for item in hours.all():
        expect(item).to_contain_text("00:00–23:45")
    today = page.locator("section.free-today")
    expect(
        today.get_by_role("heading", name=_t(language, "Free now and later today"))
    ).to_be_visible()
    expect(today.locator("li").filter(has_text="Hall")).to_contain_text(_t(language, "taken now"))
    today.locator("summary").click()
    desks = today.locator("li.is-free strong")
    expect(desks).to_have_text(["Desk 1", "Desk 2", "Desk 10"])
    assert "Aliyeva" not in page.content() and "Private meeting" not in page.content()
    osm = page.get_by_role("link", name=_t(language, "Map and directions (OpenStreetMap)"))
    expect(osm).to_have_attribute("href", re.compile(r"^https://www\.openstreetmap\.org/search"))
    geo = page.get_by_role("link", name=_t(language, "Open in your map app"))
    expect(geo).to_have_attribute("href", re.compile(r"^geo:0,0\?q=Javad%20khan%2012"))


@CASES
def test_my_bookings_gives_a_calendar_file_a_ticket_and_the_same_again(
    size, language, open_page, live_server_url, axe_check
):
    space = _centre(name="Ganja Youth House")
    desk = factories.ResourceFactory(space=space, name="Desk 12")
    member = _member()
    tomorrow = timezone.now().astimezone(space.zone).date() + datetime.timedelta(days=1)
    booking = booking_create(
        resource=desk,
        member=member,
        starts_at=datetime.datetime.combine(tomorrow, datetime.time(10), tzinfo=space.zone),
        ends_at=datetime.datetime.combine(tomorrow, datetime.time(12), tzinfo=space.zone),
    )
    page = open_page(size, language)
    _first_visit(page, f"{live_server_url}/login/?next=/bookings/")
    axe_check(page)
    _sign_in(page, language, member)
    axe_check(page)
    fits_the_screen(page)
    card = page.locator(f"#booking-{booking.pk}")

    with page.expect_download() as download:
        card.get_by_role("link", name=re.compile(_t(language, "Add to calendar"))).click()
    with open(download.value.path(), "rb") as saved:
        body = saved.read()
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert event.decoded("DTSTART") == booking.starts_at
    assert str(event["SUMMARY"]) == "Desk 12"
    if libical_available():
        assert libical_errors(body) == []

    card.get_by_role(
        "link", name=re.compile(re.escape(_t(language, "Check-in ticket (QR)")))
    ).click()
    axe_check(page)
    fits_the_screen(page)
    expect(page.locator("svg.qr-code")).to_be_visible()
    expect(page.locator(".ticket-url")).to_have_text(f"{live_server_url}/r/{desk.pk}/check-in/")
    page.go_back()
    axe_check(page)

    card.get_by_role("link", name=re.compile(_t(language, "Book the same again"))).click()
    axe_check(page)
    fits_the_screen(page)
    day_after = tomorrow + datetime.timedelta(days=1)
    expect(page).to_have_url(re.compile(rf"date={day_after.isoformat()}&start=10%3A00&end=12%3A00"))
    page.get_by_role("button", name=_t(language, "Confirm booking"), exact=True).click()
    axe_check(page)
    again = Booking.objects.exclude(pk=booking.pk).get(booked_by=member)
    assert again.resource == desk and again.starts_at.astimezone(space.zone).date() == day_after


@CASES
def test_a_room_is_booked_with_two_laptops_by_number(
    size, language, open_page, live_server_url, axe_check
):
    space = _centre(name="Ganja Youth House")
    room = factories.RoomFactory(space=space, name="Hall")
    for n in range(1, 18):
        factories.ResourceFactory(
            space=space, name=f"Laptop {n}", kind=Resource.Kind.EQUIPMENT, equipment_type="laptop"
        )
    member = _member()
    tomorrow = timezone.now().astimezone(space.zone).date() + datetime.timedelta(days=1)
    page = open_page(size, language)
    _first_visit(
        page,
        f"{live_server_url}/login/?next=/centres/{space.slug}/book/{room.pk}/"
        f"%3Fdate%3D{tomorrow.isoformat()}%26start%3D10:00%26end%3D12:00",
    )
    axe_check(page)
    _sign_in(page, language, member)
    axe_check(page)
    fits_the_screen(page)
    expect(page.get_by_role("checkbox")).to_have_count(0)
    laptops = page.get_by_label("Laptop", exact=True)
    expect(laptops).to_have_attribute("max", "17")
    laptops.fill("2")
    page.get_by_role("button", name=_t(language, "Confirm booking"), exact=True).click()
    axe_check(page)
    names = sorted(
        Booking.objects.filter(booked_by=member).values_list("resource__name", flat=True)
    )
    assert names == ["Hall", "Laptop 1", "Laptop 2"]


def _code() -> str:
    body = Notification.objects.filter(kind=Notification.Kind.SIGN_UP_CODE).latest("pk").body
    return re.search(r"\b(\d{6})\b", body).group(1)


@pytest.mark.parametrize(
    ("size", "language"), [("phone", "uk"), ("desktop", "en")], ids=["phone-uk", "desktop-en"]
)
def test_a_new_person_books_a_free_desk_from_its_qr_code_and_is_checked_in(
    size, language, open_page, live_server_url, axe_check
):
    space = _centre(name="Kyiv Hub", city="Kyiv", country="UA")
    desk = factories.ResourceFactory(
        space=space, name="Desk 12", translations={"uk": {"name": "Стіл 12"}}
    )
    page = open_page(size, language)
    _first_visit(page, f"{live_server_url}/r/{desk.pk}/check-in/")
    axe_check(page)
    page.get_by_role("link", name=_t(language, "No account yet? Sign up")).click()
    axe_check(page)
    page.get_by_label(_t(language, "Your name"), exact=True).fill("Iryna Bondarenko")
    page.get_by_label("Kyiv Hub", exact=True).check()
    page.get_by_label(_t(language, "Mobile phone number"), exact=True).fill("067 111 22 02")
    page.get_by_role("button", name=_t(language, "Send me a code"), exact=True).click()
    axe_check(page)
    page.get_by_label(_t(language, "Code from the SMS"), exact=True).fill(_code())
    page.get_by_role("button", name=_t(language, "Open my account"), exact=True).click()

    expect(page).to_have_url(f"{live_server_url}/r/{desk.pk}/check-in/")
    axe_check(page)
    fits_the_screen(page)
    offer = re.escape(_t(language, "Book it now until %(until)s and check in")).replace(
        re.escape("%(until)s"), r"\d\d:\d\d"
    )
    page.get_by_role("button", name=re.compile(offer)).click()
    axe_check(page)
    fits_the_screen(page)
    booking = Booking.objects.get(resource=desk)
    assert booking.status == BookingStatus.CHECKED_IN
    assert booking.booked_by.get_full_name() == "Iryna Bondarenko"
    until = booking.ends_at.astimezone(space.zone).strftime("%H:%M")
    checked_in = _t(language, "You are checked in at %(name)s until %(until)s.") % {
        "name": desk.name_in(language),
        "until": until,
    }
    expect(page.get_by_role("status")).to_contain_text(checked_in)

    # A second scan says so, and offers nothing more.
    page.goto(f"{live_server_url}/r/{desk.pk}/check-in/")
    axe_check(page)
    fits_the_screen(page)
    expect(page.get_by_role("status")).to_contain_text(checked_in)
    expect(page.get_by_role("button", name=re.compile(offer))).to_have_count(0)
    expect(page.get_by_role("button", name=_t(language, "Check in"), exact=True)).to_have_count(0)
    assert Booking.objects.filter(resource=desk).count() == 1
