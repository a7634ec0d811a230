"""The booking pages in a real browser: a member books a desk on the floor plan, the host sees it.

Runs against daphne serving Kramatorsk's demo centre. The day is a weekday at least two days
ahead in Kramatorsk's own zone, so the test does not depend on today's weekday or hour.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cowork.management.commands.seed_demo import DEMO_PASSWORDS
from cowork.models import Booking, Resource
from cowork.services.booking import booking_create
from tests.factories import weekday_ahead

KRAMATORSK = "kramatorsk-it"


def _sign_in(page: Page, username: str) -> None:
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORDS[username])
    page.get_by_role("button", name="Sign in", exact=True).click()


@pytest.fixture
def day(kramatorsk) -> datetime.date:
    return weekday_ahead(kramatorsk)


@pytest.fixture
def desk_01_taken(kramatorsk, day):
    """Someone else holds Desk 01 over the morning, so the plan has a taken desk."""
    host = kramatorsk.roles.get().user
    desk = Resource.objects.get(space=kramatorsk, name="Desk 01")
    return booking_create(
        resource=desk,
        member=host,
        starts_at=datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=kramatorsk.zone),
        ends_at=datetime.datetime.combine(day, datetime.time(13, 0), tzinfo=kramatorsk.zone),
    )


def test_member_books_a_desk_on_the_floor_plan_and_the_host_sees_it_in_the_calendar(
    page, live_server_url, kramatorsk, day, desk_01_taken, axe_check
):
    booking_page = f"{live_server_url}/centres/{KRAMATORSK}/book/"
    page.goto(booking_page)
    axe_check(page)
    page.get_by_role("link", name="Sign in", exact=True).click()
    axe_check(page)
    _sign_in(page, "member")
    page.goto(booking_page)
    axe_check(page)

    page.get_by_label("Date", exact=True).fill(day.isoformat())
    page.get_by_label("From", exact=True).select_option("10:00")
    page.get_by_label("Until", exact=True).select_option("12:00")
    page.get_by_label("What", exact=True).select_option("desk")
    page.get_by_role("button", name="Show free places").click()
    expect(page).to_have_url(re.compile(rf"date={day.isoformat()}&start=10%3A00&end=12%3A00"))
    axe_check(page)

    plan = page.get_by_role("group", name="Floor plan of Kramatorsk IT Solution Centre")
    taken = plan.get_by_role("img", name="Desk 01: Taken")
    expect(taken).to_be_visible()
    expect(taken).to_contain_text("Taken")
    expect(plan.get_by_role("link", name="Desk 01: free, choose")).to_have_count(0)
    plan.get_by_role("link", name="Desk 07: free, choose").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Book Desk 07")
    axe_check(page)
    expect(page.get_by_test_id("price")).to_have_text("Free")
    expect(page.locator(".summary")).to_contain_text("10:00–12:00")
    page.get_by_role("button", name="Confirm booking").click()

    expect(page).to_have_url(re.compile(rf"^{live_server_url}/bookings/#booking-\d+$"))
    axe_check(page)
    expect(page.get_by_role("status")).to_have_text("✓ Desk 07 is booked.")
    upcoming = page.get_by_role("region", name="Upcoming")
    card = upcoming.get_by_role("listitem").filter(has_text="Desk 07")
    expect(card).to_contain_text("Confirmed")
    expect(card).to_contain_text("10:00–12:00")
    expect(card).to_contain_text("Kramatorsk IT Solution Centre")
    booking = Booking.objects.get(
        resource__name="Desk 07", resource__space=kramatorsk, ends_at__gt=timezone.now()
    )
    assert booking.starts_at == datetime.datetime.combine(
        day, datetime.time(10, 0), tzinfo=kramatorsk.zone
    )

    page.get_by_role("button", name="Sign out", exact=True).click()
    axe_check(page)
    page.goto(f"{live_server_url}/login/")
    axe_check(page)
    _sign_in(page, "host")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Calendar", exact=True
    ).click()
    axe_check(page)
    page.goto(f"{live_server_url}/centres/{KRAMATORSK}/calendar/?date={day.isoformat()}&view=day")
    axe_check(page)

    block = page.locator(f'.day-grid [data-booking="{booking.pk}"]')
    expect(block).to_contain_text("Dmytro Shevchuk")
    expect(block).to_contain_text("10:00–12:00")
    expect(block).to_contain_text("Confirmed")
    agenda = page.get_by_role("region", name="All bookings of the day")
    expect(agenda.get_by_role("listitem").filter(has_text="Desk 07")).to_contain_text(
        "Dmytro Shevchuk"
    )

    page.get_by_role("link", name="Week", exact=True).click()
    axe_check(page)
    expect(page.locator(f'.week-grid [data-booking="{booking.pk}"]')).to_contain_text("Desk 07")


def test_booking_page_and_calendar_fit_a_phone_with_the_plan_scrolling_in_its_frame(
    phone_page, live_server_url, kramatorsk, day, desk_01_taken, axe_check
):
    page = phone_page
    page.goto(f"{live_server_url}/centres/{KRAMATORSK}/book/?date={day.isoformat()}")
    axe_check(page)

    def page_width():
        return page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )

    scroll_width, client_width = page_width()
    assert scroll_width <= client_width, f"page is {scroll_width}px wide on {client_width}px"
    desk = page.get_by_role("link", name="Desk 02: free, choose")
    box = desk.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 24, box  # big enough for a finger

    page.goto(f"{live_server_url}/login/?next=/centres/{KRAMATORSK}/calendar/")
    axe_check(page)
    _sign_in(page, "host")
    expect(page).to_have_url(re.compile(rf"/centres/{KRAMATORSK}/calendar/$"))
    axe_check(page)
    scroll_width, client_width = page_width()
    assert scroll_width <= client_width, f"page is {scroll_width}px wide on {client_width}px"


def test_qr_codes_sheet_and_check_in_page_are_accessible(
    page, live_server_url, kramatorsk, axe_check
):
    page.goto(f"{live_server_url}/login/?next=/centres/{KRAMATORSK}/qr-codes/")
    axe_check(page)
    _sign_in(page, "host")
    axe_check(page)
    desk = Resource.objects.get(space=kramatorsk, name="Desk 07")
    card = page.get_by_role("listitem").filter(has_text="Desk 07")
    expect(card.get_by_role("img", name="QR code to check in at Desk 07")).to_be_visible()
    expect(card).to_contain_text(f"{live_server_url}/r/{desk.pk}/check-in/")

    # Out of service, the desk is offered to nobody whatever the hour the test runs at (a
    # free desk in opening hours offers "book it now"; tests/browser/test_finding.py).
    Resource.objects.filter(pk=desk.pk).update(
        out_of_service=True, out_of_service_reason="Being repaired"
    )
    page.goto(f"{live_server_url}/r/{desk.pk}/check-in/")
    axe_check(page)
    # Nothing to check in to and nothing to book on the spot: it says so, with no dead button.
    expect(page.get_by_role("button", name="Check in")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("cannot be booked on the spot")
    expect(page.get_by_role("link", name="Book it for later")).to_be_visible()
