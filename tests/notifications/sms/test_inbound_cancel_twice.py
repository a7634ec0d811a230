"""A destructive reply asks once more: only a second C within 10 minutes cancels."""

import datetime

import pytest
from django.utils import timezone

from cowork.models import BookingStatus
from notifications.models import PendingCommand
from tests import factories
from tests.notifications.sms.inbound import message_text, post_signed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inbound_token")]


@pytest.fixture
def booking(db):
    member = factories.MemberFactory(language="en")
    desk = factories.ResourceFactory(space=factories.SpaceFactory(name="Ganja"), name="Desk 05")
    return factories.BookingFactory(booked_by=member.user, resource=desk)


def reply(client, booking, body) -> str:
    return message_text(post_signed(client, phone=str(booking.booked_by.member.phone), body=body))


def status(booking) -> str:
    booking.refresh_from_db()
    return booking.status


def test_one_c_only_asks(client, booking):
    text = reply(client, booking, "c")

    assert text.startswith("Cancel Desk 05, Ganja, ")
    assert text.endswith("? Send C again within 10 minutes.")
    assert status(booking) == BookingStatus.CONFIRMED


def test_a_cyrillic_c_then_a_latin_c_cancels(client, booking):
    reply(client, booking, "С")
    assert reply(client, booking, "C").startswith("Cancelled: Desk 05")
    assert status(booking) == BookingStatus.CANCELLED
    assert not PendingCommand.objects.exists()


def test_a_second_c_after_ten_minutes_asks_again(client, booking):
    reply(client, booking, "C")
    PendingCommand.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    assert reply(client, booking, "C").startswith("Cancel Desk 05")
    assert status(booking) == BookingStatus.CONFIRMED


def test_a_second_c_about_another_booking_asks_about_that_one(client, booking):
    reply(client, booking, "C")
    sooner = factories.BookingFactory(
        booked_by=booking.booked_by,
        resource=factories.ResourceFactory(space=booking.space, name="Desk 06"),
        starts_at=factories.from_now(minutes=20),
    )

    assert reply(client, booking, "C").startswith("Cancel Desk 06")
    assert status(booking) == status(sooner) == BookingStatus.CONFIRMED
    reply(client, booking, "C")
    assert status(sooner) == BookingStatus.CANCELLED
    assert status(booking) == BookingStatus.CONFIRMED
