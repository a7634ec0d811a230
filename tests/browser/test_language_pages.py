"""Dates, time zones and refusals as the reader's language writes them, in Chromium: a
month in the case a date needs ("11 грудня", not "11 Грудень"), the city of a time zone
("Київ", not "Europe/Kyiv"), the calendar link's date in local time with no "p.m..", a
page a member may not open in their language with a way back, and the search saying why a
member at their limit can book nothing instead of showing free desks.

On a phone (390×844) in Ukrainian and on a desktop in Russian; every page axe-checked.
"""

import datetime
import re
import zoneinfo
from urllib.parse import quote

import pytest
from babel.dates import get_month_names
from django.conf import settings
from django.utils import translation
from playwright.sync_api import Page, expect

from cowork import dates
from cowork.models import Resource, Space
from cowork.selectors.accounts import person_time_zone
from cowork.services.booking import booking_create
from notifications.ical.tokens import feed_token_live
from tests import factories
from tests.browser.conftest import fits_the_screen
from tests.browser.conftest import gettext_in as _t
from tests.browser.test_waitlist_pages import _in_a_thread

KRAMATORSK = "kramatorsk-it"
FIRST_VISIT_MS = 30_000
PASSWORD = "a-long-pass-phrase-for-tests"
CASES = pytest.mark.parametrize(
    ("fixture", "language"), [("phone_page", "uk"), ("page", "ru")], ids=["phone-uk", "desktop-ru"]
)


def _member(language: str):
    member = factories.MemberFactory(
        user__username="mariia", user__first_name="Mariia", phone="+380501117766", language=language
    )
    member.user.set_password(PASSWORD)
    member.user.save()
    return member.user


def _open_signed_in(page: Page, base: str, language: str, next_path: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    # A fresh server's first answer imports the views and templates: slower than a step.
    page.goto(f"{base}/login/?next={quote(next_path)}", timeout=FIRST_VISIT_MS)
    page.locator("input[name=username]").fill("mariia")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(next_path.split("?")[0])))


def _book(**booking):
    """Book off this thread, whose event loop is Playwright's: the outbox's live relay
    after the commit needs a thread without one (as tests/browser/test_waitlist_pages.py)."""
    made = []
    _in_a_thread(lambda: made.append(booking_create(**booking)))
    return made[0]


def _desk_07_from_ten_to_noon(space, member, day: datetime.date):
    """The member's booking of Desk 07 from 10:00 to 12:00 on `day` in the centre's zone."""
    return _book(
        resource=Resource.objects.get(space=space, name="Desk 07"),
        member=member,
        starts_at=datetime.datetime.combine(day, datetime.time(10), tzinfo=space.zone),
        ends_at=datetime.datetime.combine(day, datetime.time(12), tzinfo=space.zone),
    )


def _holding_desk_07(space, language: str):
    """Mariia, who speaks `language`, holding Desk 07 from 10:00 to 12:00 on a weekday two
    or more days ahead: her user, that day and the booking."""
    member = _member(language)
    day = factories.weekday_ahead(space)
    return member, day, _desk_07_from_ten_to_noon(space, member, day)


def _months(language: str, context: str, width: str = "wide") -> dict[int, str]:
    return get_month_names(width, context=context, locale=translation.to_locale(language))


@CASES
def test_dates_read_in_the_right_case_and_zones_by_their_city(
    request, live_server_url, kramatorsk, axe_check, fixture, language
):
    page = request.getfixturevalue(fixture)
    member, day, booking = _holding_desk_07(kramatorsk, language)
    with translation.override(language):
        city = dates.zone_city(kramatorsk.time_zone)
    assert city in ("Київ", "Киев")

    search = f"/centres/{KRAMATORSK}/book/?date={day.isoformat()}&start=10%3A00&end=12%3A00"
    _open_signed_in(page, live_server_url, language, search)
    axe_check(page)
    fits_the_screen(page)
    # "пʼятниця, 11 грудня 2026 р.": the month in the genitive a date takes, never the
    # standalone "Грудень" a calendar's heading uses.
    summary = page.locator(".window-summary")
    genitive = _months(language, "format")[day.month]
    standalone = _months(language, "stand-alone")[day.month]
    expect(summary).to_contain_text(f"{day.day} {genitive}")
    if standalone.casefold() != genitive.casefold():
        expect(summary).not_to_contain_text(standalone, ignore_case=True)
    expect(page.locator("main")).to_contain_text(f"({city})")
    expect(page.locator("main")).not_to_contain_text("Europe/")

    page.goto(f"{live_server_url}/bookings/")
    axe_check(page)
    fits_the_screen(page)
    card = page.locator(f"#booking-{booking.pk}")
    expect(card.locator(".tz")).to_have_text(city)
    short = _months(language, "format", "abbreviated")[day.month]
    expect(card.locator(".booking-when")).to_contain_text(f"{day.day} {short}")
    expect(card.locator(".booking-when")).to_contain_text("10:00")

    page.goto(f"{live_server_url}/profile/calendar/")
    axe_check(page)
    page.get_by_role("button", name=_t(language, "Make my calendar link")).click()
    page.wait_for_load_state()
    axe_check(page)
    fits_the_screen(page)
    page.goto(f"{live_server_url}/profile/calendar/")
    axe_check(page)
    fits_the_screen(page)
    # When the link was made, in the person's local time and in their language's words.
    made = feed_token_live(owner=member).created_at
    zone = zoneinfo.ZoneInfo(person_time_zone(user=member) or settings.TIME_ZONE)
    with translation.override(language):
        made_text = dates.local_datetime(made, zone)
    local = made.astimezone(zone)
    assert f"{local:%H:%M}" in made_text
    assert _months(language, "format", "abbreviated")[local.month] in made_text
    paragraph = page.locator("main p").filter(has_text=made_text)
    expect(paragraph).to_have_count(1)
    text = paragraph.inner_text()
    assert ".." not in text and "p.m" not in text and "a.m" not in text


@CASES
def test_a_member_at_their_limit_reads_why_instead_of_free_desks_and_a_host_page_refuses_kindly(
    request, live_server_url, kramatorsk, axe_check, fixture, language
):
    page = request.getfixturevalue(fixture)
    _mariia, day, _booking = _holding_desk_07(kramatorsk, language)

    # A second desk over the same hours: one person, one desk; the search says so.
    search = (
        f"/centres/{KRAMATORSK}/book/?date={day.isoformat()}&start=11%3A00&end=13%3A00&kind=desk"
    )
    _open_signed_in(page, live_server_url, language, search)
    axe_check(page)
    fits_the_screen(page)
    notice = page.locator("#unbookable")
    expect(notice).to_contain_text(_t(language, "You cannot book a place here at that time:"))
    held = _t(language, "You already hold a desk from %(start)s to %(end)s; one person, one desk.")
    expect(notice).to_contain_text(held.split("%(end)s")[1].strip())
    expect(page.locator(".free-card")).to_have_count(0)
    expect(page.locator(".spot-free")).to_have_count(0)
    # Rooms stay open to them then.
    page.goto(
        f"{live_server_url}/centres/{KRAMATORSK}/book/"
        f"?date={day.isoformat()}&start=11%3A00&end=13%3A00&kind=room"
    )
    axe_check(page)
    expect(page.locator("#unbookable")).to_have_count(0)
    expect(page.locator(".free-card").first).to_be_visible()

    # At the most upcoming bookings the centre allows, any other day says that instead.
    Space.objects.filter(pk=kramatorsk.pk).update(max_active_bookings=1)
    later = day + datetime.timedelta(days=1)
    page.goto(
        f"{live_server_url}/centres/{KRAMATORSK}/book/"
        f"?date={later.isoformat()}&start=10%3A00&end=12%3A00&kind=room"
    )
    axe_check(page)
    with translation.override(language):
        quota = translation.gettext(
            "You already hold %(count)d upcoming bookings here, the most allowed. "
            "A room with its equipment counts as one, and so does a repeated booking."
        ) % {"count": 1}
    expect(page.locator("#unbookable")).to_contain_text(quota)
    expect(page.locator(".free-card")).to_have_count(0)

    # A host's page: refused in the member's language, with the way back.
    response = page.goto(f"{live_server_url}/centres/{KRAMATORSK}/calendar/")
    assert response.status == 403
    axe_check(page)
    fits_the_screen(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        _t(language, "You may not open this page")
    )
    ways_back = page.get_by_role("navigation", name=_t(language, "Ways back"))
    ways_back.get_by_role("link", name=_t(language, "My bookings")).click()
    axe_check(page)
    expect(page).to_have_url(f"{live_server_url}/bookings/")
    expect(page.get_by_role("heading", level=1)).to_have_text(_t(language, "My bookings"))
