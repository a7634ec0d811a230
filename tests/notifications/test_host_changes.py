"""What a host does to someone's booking or place reaches that person once, in their
language, saying what happened and why; sent through the real Twilio client to a fake
Twilio on loopback."""

import datetime

import pytest
from django.utils import timezone

from cowork.models import DomainEvent
from cowork.services.booking import (
    booking_cancel,
    booking_create,
    booking_decline,
    booking_modify,
)
from cowork.services.events import registration_cancel, registration_create
from cowork.services.series import series_cancel_rest, series_create
from notifications.messaging.dispatch import dispatch_due
from notifications.models import Notification
from tests import factories

Kind = Notification.Kind
HOUR = datetime.timedelta(hours=1)

pytestmark = pytest.mark.usefixtures("locmem_mail")


@pytest.fixture
def host(sms_space):
    return factories.HostFactory(space=sms_space).user


@pytest.fixture
def event(sms_space):
    return factories.EventFactory(
        room=factories.RoomFactory(space=sms_space),
        title="Web safety",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        ends_at=timezone.now() + datetime.timedelta(days=3, hours=2),
        capacity=1,
    )


def _sent(fake_twilio) -> list[tuple[str, str]]:
    return [(message.form["To"], message.form["Body"]) for message in fake_twilio.messages]


def _relay_twice(relay_now) -> None:
    """The relay may hand an event over twice: the second time must make nothing."""
    relay_now()
    DomainEvent.objects.update(published_at=None, claimed_until=None)
    relay_now()


def _wednesday(space, hour=10):
    return factories.next_weekday(space, weekday=2, at=datetime.time(hour))


def test_a_declined_request_says_declined_and_why(
    sms_space, host, sms_member, relay_now, fake_twilio
):
    room = factories.RoomFactory(space=sms_space, name="Hall", needs_approval=True)
    starts_at = _wednesday(sms_space)
    booking = booking_create(
        resource=room, member=sms_member, starts_at=starts_at, ends_at=starts_at + HOUR
    )
    booking_decline(booking=booking, host=host, reason="Hall is being painted")
    _relay_twice(relay_now)
    dispatch_due()
    ((to, body),) = _sent(fake_twilio)
    assert to == "+994501112233"
    assert body.startswith("Заявка отклонена: Hall") and body.endswith("Hall is being painted")
    assert "отмен" not in body  # declined, not "cancelled"
    (row,) = Notification.objects.filter(booking=booking)
    assert row.kind == Kind.BOOKING_DECLINED and row.reason == "Hall is being painted"


def test_a_booking_a_host_moves_tells_the_holder_the_new_time_and_why(
    sms_space, desk, host, sms_member, relay_now, fake_twilio
):
    starts_at = _wednesday(sms_space)
    booking = booking_create(
        resource=desk, member=sms_member, starts_at=starts_at, ends_at=starts_at + HOUR
    )
    relay_now()
    Notification.objects.all().delete()
    booking_modify(
        booking=booking,
        starts_at=starts_at + 2 * HOUR,
        ends_at=starts_at + 3 * HOUR,
        acting_user=host,
        reason="Desk 4 needs repair in the morning",
    )
    _relay_twice(relay_now)
    dispatch_due()
    moved = [body for _to, body in _sent(fake_twilio) if body.startswith("Перенос")]
    (body,) = moved
    local = (starts_at + 2 * HOUR).astimezone(sms_space.zone)
    assert f"{local:%d.%m} 12:00-13:00" in body
    assert "Desk 4 needs repair in the morning" in body


def test_a_host_cancelling_a_confirmed_place_tells_the_person_and_the_promoted_one(
    event, host, relay_now, fake_twilio
):
    held, _key = registration_create(
        event=event, name="Olena", phone="+994501110001", language="uk"
    )
    waiting, _key = registration_create(
        event=event, name="Rashad", phone="+994501110002", language="az"
    )
    assert waiting.status == "waitlisted"
    relay_now()
    Notification.objects.all().delete()
    registration_cancel(registration=held, acting_user=host, reason="The room is smaller")
    _relay_twice(relay_now)
    dispatch_due()
    sent = dict(_sent(fake_twilio))
    assert sent["+994501110001"].startswith("Ваше місце скасовано: Web safety")
    assert sent["+994501110001"].endswith("The room is smaller")
    assert sent["+994501110002"].startswith("Yer sizindir: Web safety")  # promoted: told
    assert Notification.objects.filter(registration=held).count() == 1


def test_a_person_cancelling_their_own_place_is_not_told_what_they_did(
    event, relay_now, fake_twilio
):
    registration, key = registration_create(
        event=event, name="Olena", phone="+994501110001", language="uk"
    )
    relay_now()
    Notification.objects.all().delete()
    registration_cancel(registration=registration, key=key)
    relay_now()
    dispatch_due()
    assert _sent(fake_twilio) == []


def test_a_registration_the_host_does_not_approve_is_told_so_without_a_reason(
    event, host, relay_now, fake_twilio
):
    event.registrations_need_approval = True
    event.save(update_fields=["registrations_need_approval"])
    registration, _key = registration_create(
        event=event, name="Aziz", phone="+994501110003", language="ru"
    )
    registration_cancel(registration=registration, acting_user=host)
    _relay_twice(relay_now)
    dispatch_due()
    ((to, body),) = _sent(fake_twilio)
    assert to == "+994501110003"
    # Without a reason nothing follows the centre's name.
    assert body == f"Регистрация не одобрена: Web safety, {_day(event)}, {event.space.name}."


def test_each_cancellation_of_a_place_taken_again_is_told_once(event, host, relay_now, fake_twilio):
    first, _key = registration_create(
        event=event, name="Olena", phone="+994501110001", language="en"
    )
    registration_cancel(registration=first, acting_user=host, reason="Double booked")
    relay_now()
    again, _key = registration_create(
        event=event, name="Olena", phone="+994501110001", language="en"
    )
    assert again.pk == first.pk
    registration_cancel(registration=again, acting_user=host, reason="Event is for NGOs only")
    _relay_twice(relay_now)
    dispatch_due()
    cancelled = [body for _to, body in _sent(fake_twilio) if "cancelled your place" in body]
    assert [body.rsplit(". ", 1)[-1] for body in cancelled] == [
        "Double booked",
        "Event is for NGOs only",
    ]


def _day(event) -> str:
    return f"{event.starts_at.astimezone(event.space.zone):%d.%m}"


def test_the_rest_of_a_series_a_host_cancels_is_told_once_from_its_first_date(
    sms_space, desk, host, sms_member, relay_now, fake_twilio
):
    first = _wednesday(sms_space)
    series = series_create(
        resource=desk,
        member=sms_member,
        first_starts_at=first,
        duration_minutes=60,
        rrule="FREQ=WEEKLY;BYDAY=WE;COUNT=4",
    ).series
    relay_now()
    Notification.objects.all().delete()
    second = first + datetime.timedelta(weeks=1)
    cancelled = series_cancel_rest(
        series=series, from_moment=second, acting_user=host, reason="Centre closes for repairs"
    )
    assert len(cancelled) == 3
    _relay_twice(relay_now)
    dispatch_due()
    # (The relay's second pass hands the series' own confirmation over again too.)
    sent = _sent(fake_twilio)
    assert not [body for _to, body in sent if body.startswith("Бронь отменена")]
    cancellations = [(to, body) for to, body in sent if body.startswith("Отменены")]
    ((to, body),) = cancellations
    assert to == "+994501112233"
    local = second.astimezone(sms_space.zone)
    assert body.startswith(f"Отменены все брони с {local:%d.%m} 10:00: Desk 4")
    assert body.endswith("Centre closes for repairs")


def test_one_occurrence_a_host_cancels_is_told_as_that_booking(
    sms_space, desk, host, sms_member, relay_now, fake_twilio
):
    result = series_create(
        resource=desk,
        member=sms_member,
        first_starts_at=_wednesday(sms_space),
        duration_minutes=60,
        rrule="FREQ=WEEKLY;BYDAY=WE;COUNT=3",
    )
    relay_now()
    Notification.objects.all().delete()
    booking_cancel(booking=result.bookings[1], acting_user=host, reason="Desk repair")
    relay_now()
    dispatch_due()
    ((_to, body),) = _sent(fake_twilio)
    assert body.startswith("Бронь отменена: Desk 4") and body.endswith("Desk repair")
