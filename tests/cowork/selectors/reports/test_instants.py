"""Instants fetched as microseconds come back as the very datetimes the ORM reads."""

import datetime

import pytest

from cowork.models import Booking, BookingStatus
from cowork.selectors.reports.instants import Microseconds, instant
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.mark.parametrize(
    "checked_in_at",
    [
        datetime.datetime(2025, 3, 4, 9, 0, tzinfo=UTC),
        datetime.datetime(2025, 3, 4, 9, 0, 7, 1, tzinfo=UTC),
        datetime.datetime(2025, 3, 4, 9, 0, 7, 999999, tzinfo=UTC),
        datetime.datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=UTC),
        datetime.datetime(2105, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime.datetime(2105, 12, 31, 23, 59, 59, 1, tzinfo=UTC),
        None,
    ],
)
def test_an_instant_comes_back_to_the_microsecond(checked_in_at):
    booking = BookingFactory(status=BookingStatus.CONFIRMED)
    Booking.objects.filter(pk=booking.pk).update(checked_in_at=checked_in_at)
    read, microseconds = (
        Booking.objects.filter(pk=booking.pk)
        .annotate(us=Microseconds("checked_in_at"))
        .values_list("checked_in_at", "us")
        .get()
    )
    assert read == checked_in_at
    assert instant(microseconds) == checked_in_at
    starts_at, microseconds = (
        Booking.objects.filter(pk=booking.pk)
        .annotate(us=Microseconds("starts_at"))
        .values_list("starts_at", "us")
        .get()
    )
    assert instant(microseconds) == starts_at
