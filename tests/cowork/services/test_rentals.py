"""Paid rentals: the price a renter is quoted, invoice numbers, and the paid mark."""

import datetime
from decimal import Decimal

import pytest

from cowork.errors import NotAllowed, RuleViolation
from cowork.models import DomainEvent, DomainEventKind, Invoice, Payment, ServicePrice
from cowork.selectors.pricing import booking_quote
from cowork.services.booking import booking_cancel, booking_create
from cowork.services.rentals import booking_mark_paid, booking_mark_unpaid, invoice_issue
from tests.factories import (
    HostFactory,
    MemberFactory,
    OrganizationFactory,
    RoomFactory,
    SpaceFactory,
    next_weekday,
    one_session_event,
    open_around_the_clock,
)
from tests.racing import at_once


def _renter():
    """Someone from outside: no partner NGO."""
    return MemberFactory(organization=OrganizationFactory(is_partner=False)).user


def _rental_space(*, day_rate: str | None = "2400"):
    space = SpaceFactory(currency="UAH", time_zone="Europe/Kyiv")
    room = RoomFactory(space=space, price_per_hour=Decimal("400"))
    host = HostFactory(space=space).user
    if day_rate is not None:
        ServicePrice.objects.create(
            space=space,
            service="Venue rental, full day",
            unit=ServicePrice.Unit.DAY,
            amount=Decimal(day_rate),
            is_room_day_rate=True,
        )
    return space, room, host


def _rent(room, renter, *, hours: int, at=datetime.time(9, 0), weeks_ahead=1):
    start = next_weekday(room.space, at=at, weeks_ahead=weeks_ahead)
    return booking_create(
        resource=room,
        member=renter,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=hours),
    )


# --- the price -------------------------------------------------------------------------


@pytest.mark.django_db
def test_six_hours_cost_the_hourly_price_when_no_day_rate_is_set():
    _space, room, _host = _rental_space(day_rate=None)
    booking = _rent(room, _renter(), hours=6)
    assert (booking.price, booking.currency) == (Decimal("2400.00"), "UAH")


@pytest.mark.django_db
def test_a_full_day_costs_the_day_rate_where_it_is_less_than_hourly():
    _space, room, _host = _rental_space(day_rate="2400")
    booking = _rent(room, _renter(), hours=9)  # 9 × 400 = 3600 by the hour
    assert booking.price == Decimal("2400.00")
    quote = booking_quote(
        resource=room,
        member=booking.booked_by,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
    )
    assert (quote.rate, quote.days) == ("day", 1)


@pytest.mark.django_db
def test_a_short_rental_stays_hourly_when_that_is_less_than_the_day_rate():
    _space, room, _host = _rental_space(day_rate="2400")
    booking = _rent(room, _renter(), hours=2)
    assert booking.price == Decimal("800.00")


@pytest.mark.django_db
def test_a_price_not_marked_as_the_rooms_day_rate_is_not_applied():
    space, room, _host = _rental_space(day_rate=None)
    ServicePrice.objects.create(
        space=space, service="Projector, per day", unit=ServicePrice.Unit.DAY, amount=100
    )
    assert _rent(room, _renter(), hours=9).price == Decimal("3600.00")


@pytest.mark.django_db
def test_a_rental_over_two_local_days_pays_two_day_rates():
    space, room, _host = _rental_space(day_rate="2400")
    start = next_weekday(space, at=datetime.time(20, 0))
    quote = booking_quote(
        resource=room,
        member=_renter(),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=14),  # 20:00 to 10:00: two local days
    )
    assert (quote.amount, quote.days) == (Decimal("4800.00"), 2)  # 5600 by the hour


@pytest.mark.django_db
def test_a_hosts_own_event_is_not_priced():
    space, room, host = _rental_space()
    start = next_weekday(space, at=datetime.time(10, 0))
    event = one_session_event(
        room, host, start, hours=6, kind="round_table", title="Budget round-table", capacity=10
    )
    booking = event.sessions.get().booking
    assert (booking.price, booking.booked_by) == (Decimal("0.00"), host)
    with pytest.raises(RuleViolation) as refusal:
        invoice_issue(booking=booking, acting_user=host)
    assert refusal.value.code == "free"
    assert not Invoice.objects.exists()


@pytest.mark.django_db
def test_a_host_booking_a_room_for_an_outside_renter_prices_it_for_the_renter():
    space, room, host = _rental_space(day_rate=None)
    start = next_weekday(space)
    booking = booking_create(
        resource=room,
        member=_renter(),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=6),
        acting_user=host,
    )
    assert booking.price == Decimal("2400.00")


# --- invoices ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_invoices_are_numbered_one_two_three_per_organization_and_year():
    space, room, host = _rental_space()
    _other_space, other_room, other_host = _rental_space()
    issued_at = datetime.datetime(2027, 5, 3, 9, tzinfo=datetime.UTC)
    numbers = []
    for weeks in (1, 2, 3):
        booking = _rent(room, _renter(), hours=2, weeks_ahead=weeks)
        numbers.append(invoice_issue(booking=booking, acting_user=host, now=issued_at).number)
    elsewhere = invoice_issue(
        booking=_rent(other_room, _renter(), hours=2), acting_user=other_host, now=issued_at
    )
    next_year = invoice_issue(
        booking=_rent(room, _renter(), hours=2, weeks_ahead=4),
        acting_user=host,
        now=issued_at.replace(year=2028),
    )
    assert numbers == [1, 2, 3]
    assert elsewhere.number == 1  # another organization counts on its own
    assert (next_year.year, next_year.number) == (2028, 1)
    assert next_year.label == f"{space.organization.slug.upper()}-2028-0001"


@pytest.mark.django_db
def test_a_refused_invoice_takes_no_number_and_issuing_again_returns_the_same_one():
    _space, room, host = _rental_space()
    first = _rent(room, _renter(), hours=2)
    cancelled = _rent(room, _renter(), hours=2, weeks_ahead=2)
    booking_cancel(booking=cancelled, acting_user=cancelled.booked_by)
    invoice = invoice_issue(booking=first, acting_user=host)
    with pytest.raises(RuleViolation) as refusal:
        invoice_issue(booking=cancelled, acting_user=host)
    assert refusal.value.code == "not_owed"
    assert invoice_issue(booking=first, acting_user=host).pk == invoice.pk
    third = invoice_issue(booking=_rent(room, _renter(), hours=2, weeks_ahead=3), acting_user=host)
    assert (invoice.number, third.number) == (1, 2)
    assert DomainEvent.objects.filter(kind=DomainEventKind.INVOICE_ISSUED).count() == 2


@pytest.mark.django_db
def test_an_invoice_keeps_what_it_said_when_the_booking_changes_later():
    _space, room, host = _rental_space(day_rate=None)
    booking = _rent(room, _renter(), hours=6)
    invoice = invoice_issue(booking=booking, acting_user=host)
    booking.price = Decimal("1.00")
    booking.save(update_fields=["price"])
    invoice.refresh_from_db()
    assert (invoice.amount, invoice.currency) == (Decimal("2400.00"), "UAH")


@pytest.mark.django_db
def test_only_the_centres_hosts_issue_invoices():
    _space, room, _host = _rental_space()
    booking = _rent(room, _renter(), hours=2)
    for stranger in (booking.booked_by, _rental_space()[2]):
        with pytest.raises(NotAllowed):
            invoice_issue(booking=booking, acting_user=stranger)
    assert not Invoice.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_hosts_issuing_at_once_get_consecutive_numbers_without_gaps():
    space, room, host = _rental_space()
    open_around_the_clock(space)
    # Eight renters, an hour each of one day, with the room's turnaround between them:
    # eight weeks ahead would pass the 60 days a booking may be made ahead on a Tuesday.
    bookings = [_rent(room, _renter(), hours=1, at=datetime.time(2 * n + 4)) for n in range(1, 9)]

    def issue(booking):
        invoice_issue(booking=booking, acting_user=host)
        return "issued"

    outcomes = at_once(issue, [(booking,) for booking in bookings])
    assert outcomes == ["issued"] * len(bookings)
    numbers = sorted(
        Invoice.objects.filter(organization=space.organization).values_list("number", flat=True)
    )
    assert numbers == list(range(1, len(bookings) + 1))


# --- paid and unpaid --------------------------------------------------------------------


@pytest.mark.django_db
def test_marking_paid_records_who_and_when_and_undoing_it_is_recorded_too():
    _space, room, host = _rental_space(day_rate=None)
    booking = _rent(room, _renter(), hours=6)
    at = datetime.datetime(2027, 5, 3, 9, tzinfo=datetime.UTC)
    payment = booking_mark_paid(booking=booking, acting_user=host, now=at)
    assert (payment.marked_by, payment.marked_at, payment.amount) == (host, at, Decimal("2400.00"))
    booking_mark_unpaid(booking=booking, acting_user=host)
    assert not Payment.objects.filter(booking=booking).exists()
    kinds = list(
        DomainEvent.objects.filter(aggregate_id=str(booking.pk), aggregate_type="booking")
        .filter(kind__in=[DomainEventKind.BOOKING_PAID, DomainEventKind.BOOKING_PAYMENT_UNDONE])
        .order_by("id")
        .values_list("kind", "payload__by")
    )
    assert kinds == [
        (DomainEventKind.BOOKING_PAID, host.pk),
        (DomainEventKind.BOOKING_PAYMENT_UNDONE, host.pk),
    ]


@pytest.mark.django_db
def test_undoing_a_mark_that_is_not_there_is_refused_and_changes_nothing():
    _space, room, host = _rental_space()
    booking = _rent(room, _renter(), hours=2)
    with pytest.raises(RuleViolation) as refusal:
        booking_mark_unpaid(booking=booking, acting_user=host)
    assert refusal.value.code == "not_paid"
    assert not DomainEvent.objects.filter(kind=DomainEventKind.BOOKING_PAYMENT_UNDONE).exists()


@pytest.mark.django_db
def test_the_renter_cannot_mark_their_own_booking_paid():
    _space, room, _host = _rental_space()
    booking = _rent(room, _renter(), hours=2)
    with pytest.raises(NotAllowed):
        booking_mark_paid(booking=booking, acting_user=booking.booked_by)
    assert not Payment.objects.exists()
