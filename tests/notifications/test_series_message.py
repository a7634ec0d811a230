"""A repeated booking is told in one message: how often, from when, how many dates were
booked and how many skipped; not one per date, not the first date alone."""

import datetime

import pytest

from cowork.services.series import ConflictMode, series_create
from notifications.models import Notification
from notifications.sms.messages import facts_for, render_message
from tests import factories

Kind = Notification.Kind
pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    return factories.MemberFactory(phone="+994501112233", language="en").user


@pytest.fixture
def room(sms_space):
    return factories.RoomFactory(space=sms_space, name="Training room")


def test_a_series_gets_one_message_with_its_dates_booked_and_skipped(room, member, relay_now):
    first = factories.next_weekday(room.space, weekday=4, at=datetime.time(10))
    skipped_day = (first + datetime.timedelta(weeks=2)).date()
    factories.ClosureFactory(
        space=room.space, starts_on=skipped_day, ends_on=skipped_day, reason="Novruz"
    )
    result = series_create(
        resource=room,
        member=member,
        first_starts_at=first,
        duration_minutes=120,
        rrule="FREQ=WEEKLY;COUNT=5",
        mode=ConflictMode.SKIP_CONFLICTS,
    )
    relay_now()

    told = Notification.objects.exclude(kind=Kind.BOOKING_REMINDER)
    (message,) = told
    assert message.kind == Kind.SERIES_CONFIRMED
    assert message.booking == result.bookings[0]
    body = render_message(kind=message.kind, language="en", facts=facts_for(message))
    assert "Training room weekly from" in body
    assert "10:00: 4 dates booked, 1 skipped." in body
    # Each date still gets its reminders.
    reminded = Notification.objects.filter(kind=Kind.BOOKING_REMINDER)
    assert {row.booking_id for row in reminded} == {b.pk for b in result.bookings}
    relay_now()
    assert Notification.objects.filter(kind=Kind.SERIES_CONFIRMED).count() == 1


def test_a_fortnightly_series_says_so_in_russian(room, relay_now):
    member = factories.MemberFactory(phone="+994501112299", language="ru").user
    first = factories.next_weekday(room.space, weekday=4, at=datetime.time(10))
    series_create(
        resource=room,
        member=member,
        first_starts_at=first,
        duration_minutes=60,
        rrule="FREQ=WEEKLY;INTERVAL=2;COUNT=3",
    )
    relay_now()
    (message,) = Notification.objects.filter(kind=Kind.SERIES_CONFIRMED)
    body = render_message(kind=message.kind, language="ru", facts=facts_for(message))
    assert "раз в 2 нед. с " in body and "Дат: 3, пропущено: 0" in body
