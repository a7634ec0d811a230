"""A paid rental in a real browser: the host finds its price on the calendar, issues the
invoice, downloads the PDF, marks it paid and undoes that; on a phone and on a desktop, in
English and Ukrainian, every page checked with axe."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from cowork.management.commands.seed_demo import DEMO_PASSWORDS
from cowork.models import Invoice, Member, Payment, Resource, Space
from cowork.services.booking import booking_create
from tests.browser.conftest import fits_the_screen
from tests.browser.conftest import gettexts_in as _texts
from tests.factories import MemberFactory, OrganizationFactory, UserFactory

KRAMATORSK = "kramatorsk-it"


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORDS[username])
    page.get_by_role("button", name="Sign in", exact=True).click()


@pytest.fixture
def rental(demo_centres):
    """Six hours of Kramatorsk's training room for an outside group: 2,400 UAH."""
    demo_centres(KRAMATORSK)
    space = Space.objects.get(slug=KRAMATORSK)
    room = Resource.objects.get(space=space, name="Training room")
    renter = MemberFactory(
        organization=OrganizationFactory(is_partner=False),
        user=UserFactory(username="renter", first_name="Олена Коваленко", last_name=""),
        language="uk",
    ).user
    day = timezone.now().astimezone(space.zone).date() + datetime.timedelta(days=2)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    booking = booking_create(
        resource=room,
        member=renter,
        starts_at=datetime.datetime.combine(day, datetime.time(10), tzinfo=space.zone),
        ends_at=datetime.datetime.combine(day, datetime.time(16), tzinfo=space.zone),
    )
    assert booking.price == Decimal("2400.00")
    return booking


@pytest.mark.parametrize(("viewport", "language"), [("phone_page", "uk"), ("page", "en")])
def test_host_quotes_invoices_and_marks_a_rental_paid(
    request, viewport, language, live_server_url, rental, axe_check
):
    page = request.getfixturevalue(viewport)
    space = rental.space
    host = space.roles.get().user
    Member.objects.filter(user=host).update(language=language)
    _sign_in(page, live_server_url, "host")
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server_url}]
    )
    day = rental.starts_at.astimezone(space.zone).date()
    page.goto(f"{live_server_url}/centres/{KRAMATORSK}/calendar/?date={day.isoformat()}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    axe_check(page)
    fits_the_screen(page)
    not_paid, issue, mark_paid, undo, unpaid_state, quote_link = _texts(
        language,
        "not paid",
        "Issue the invoice",
        "Mark paid",
        "Undo: not paid",
        "Not paid yet",
        "Open the quote to print",
    )
    price = page.locator(f'.agenda [data-booking="{rental.pk}"] [data-testid="rental-price"]')
    expect(price).to_contain_text("UAH")
    expect(price).to_contain_text(not_paid)
    price.get_by_role("link").click()
    expect(page.get_by_test_id("price")).to_contain_text("UAH")
    axe_check(page)
    fits_the_screen(page)

    page.get_by_role("link", name=quote_link).click()
    expect(page.get_by_test_id("price")).to_contain_text("UAH")
    axe_check(page)
    fits_the_screen(page)
    page.go_back()

    page.get_by_role("button", name=issue).click()
    invoice = Invoice.objects.get(booking=rental)
    expect(page.get_by_test_id("invoice-number")).to_contain_text(invoice.label)
    axe_check(page)
    pdf = page.request.get(
        f"{live_server_url}/centres/{KRAMATORSK}/rentals/{rental.pk}/invoice.pdf"
    )
    assert pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.body())).pages[0].extract_text().replace("\u00a0", " ")
    assert invoice.label in text and "UAH" in text
    assert re.search(r"2[ ,]400[.,]00 UAH", text), text

    page.get_by_role("button", name=mark_paid).click()
    expect(page.get_by_test_id("paid")).to_be_visible()
    axe_check(page)
    fits_the_screen(page)
    assert Payment.objects.get(booking=rental).marked_by == host

    page.get_by_role("button", name=undo).click()
    expect(page.get_by_test_id("unpaid")).to_contain_text(unpaid_state)
    axe_check(page)
    assert not Payment.objects.filter(booking=rental).exists()
