"""The host's side of a paid rental: calendar price, quote, invoice PDF, paid mark, report."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cowork.models import DomainEvent, DomainEventKind, Invoice, Payment
from tests.cowork.web.conftest import booked, weekday_ahead
from tests.factories import (
    HostFactory,
    MemberFactory,
    OrganizationFactory,
    RoomFactory,
    SpaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rental():
    """Six hours of the training room, confirmed for an outside group at 2,400 UAH."""
    space = SpaceFactory(
        name="Kramatorsk IT Centre",
        slug="kramatorsk-it",
        city="Краматорськ",
        country="UA",
        time_zone="Europe/Kyiv",
        currency="UAH",
        languages=["uk", "en"],
    )
    room = RoomFactory(space=space, name="Training room", price_per_hour=Decimal("400"))
    renter = MemberFactory(
        organization=OrganizationFactory(is_partner=False),
        user=UserFactory(first_name="Олена Коваленко", last_name=""),
    ).user
    day = weekday_ahead(space)
    booking = booked(room, renter, day, "10:00", "16:00")
    assert booking.price == Decimal("2400.00")
    return booking


@pytest.fixture
def host(rental):
    return HostFactory(space=rental.space).user


def _url(name, booking, suffix=""):
    return reverse(f"web:{name}", args=[booking.space.slug, booking.pk])


def test_the_calendar_shows_the_price_and_that_it_is_not_paid(client, host, rental):
    client.force_login(host)
    day = rental.starts_at.astimezone(rental.space.zone).date()
    page = client.get(
        reverse("web:host-calendar", args=[rental.space.slug]), {"date": day.isoformat()}
    )
    html = page.content.decode()
    assert "2,400.00 UAH" in html
    assert "not paid" in html
    assert _url("rental", rental) in html


def test_issuing_the_invoice_gives_a_pdf_a_reader_finds_the_number_amount_and_currency(
    client, host, rental
):
    client.force_login(host)
    response = client.post(_url("rental-issue", rental))
    assert response.status_code == 302
    invoice = Invoice.objects.get(booking=rental)
    assert invoice.number == 1
    page = client.get(_url("rental", rental))
    assert invoice.label in page.content.decode()

    pdf = client.get(_url("rental-invoice", rental))
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert invoice.label in text
    assert "2,400.00 UAH" in text
    assert "Олена Коваленко" in text  # Cyrillic prints: the font is embedded
    assert reader.metadata.title == f"Invoice {invoice.label}"


def test_the_invoice_speaks_the_readers_language(client, host, rental):
    client.force_login(host)
    client.post(_url("rental-issue", rental))
    client.cookies["django_language"] = "uk"
    pdf = client.get(_url("rental-invoice", rental))
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Рахунок" in text and "2 400,00 UAH" in text.replace("\u00a0", " ")


def test_mark_paid_then_undo_from_the_rental_page(client, host, rental):
    client.force_login(host)
    client.post(_url("rental-paid", rental))
    payment = Payment.objects.get(booking=rental)
    assert payment.marked_by == host
    page = client.get(_url("rental", rental)).content.decode()
    assert 'data-testid="paid"' in page
    client.post(_url("rental-unpaid", rental))
    assert not Payment.objects.filter(booking=rental).exists()
    assert DomainEvent.objects.filter(kind=DomainEventKind.BOOKING_PAYMENT_UNDONE).count() == 1


def test_undoing_twice_is_a_clear_error_that_changes_nothing(client, host, rental):
    client.force_login(host)
    response = client.post(_url("rental-unpaid", rental))
    assert response.status_code == 422
    assert "not marked paid" in response.content.decode()
    assert not DomainEvent.objects.filter(kind=DomainEventKind.BOOKING_PAYMENT_UNDONE).exists()


def test_the_renter_opens_the_quote_and_invoice_but_cannot_mark_paid(client, host, rental):
    client.force_login(host)
    client.post(_url("rental-issue", rental))
    client.force_login(rental.booked_by)
    quote = client.get(_url("rental-quote", rental))
    assert quote.status_code == 200 and "2,400.00 UAH" in quote.content.decode()
    assert client.get(_url("rental-invoice", rental)).status_code == 200
    assert client.get(_url("rental", rental)).status_code == 403
    assert client.post(_url("rental-paid", rental)).status_code == 403
    assert not Payment.objects.exists()


def test_a_stranger_sees_neither_quote_nor_invoice(client, host, rental):
    client.force_login(host)
    client.post(_url("rental-issue", rental))
    client.force_login(MemberFactory().user)
    assert client.get(_url("rental-quote", rental)).status_code == 403
    assert client.get(_url("rental-invoice", rental)).status_code == 403


def test_the_report_gives_rental_income_paid_and_not_paid(client, host, rental):
    space, room = rental.space, rental.resource
    day = rental.starts_at.astimezone(space.zone).date() + datetime.timedelta(days=7)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    second = booked(room, rental.booked_by, day, "10:00", "12:00")
    client.force_login(host)
    client.post(_url("rental-paid", rental))
    first_day = rental.starts_at.astimezone(space.zone).date().replace(day=1)
    page = client.get(
        reverse("web:reports"),
        {"start": first_day.isoformat(), "end": (day + datetime.timedelta(days=1)).isoformat()},
    )
    assert page.status_code == 200
    table = page.context["tables"]["rentals"]
    centre_row = table.rows[0]
    assert centre_row[:3] == ["Kramatorsk IT Centre", "UAH", 2]
    assert (centre_row[3], centre_row[4]) == (Decimal("2400.00"), second.price)
    csv = client.get(
        reverse("web:report-csv"),
        {"start": first_day.isoformat(), "end": (day + datetime.timedelta(days=1)).isoformat()},
    )
    assert "Rental income" in csv.content.decode()


def test_the_renter_finds_the_quote_and_the_invoice_on_my_bookings(client, host, rental):
    client.force_login(rental.booked_by)
    page = client.get(reverse("web:my-bookings")).content.decode()
    assert _url("rental-quote", rental) in page
    assert _url("rental-invoice", rental) not in page  # not issued yet
    client.force_login(host)
    client.post(_url("rental-issue", rental))
    client.force_login(rental.booked_by)
    page = client.get(reverse("web:my-bookings")).content.decode()
    assert _url("rental-invoice", rental) in page
