"""A member's reminder choices and quiet hours change what is scheduled for them."""

import datetime

from cowork.models import Member
from cowork.services.booking import booking_create
from cowork.services.events import registration_create
from cowork.services.profile import reminders_update
from notifications.models import Notification
from tests import factories

Kind, Status = Notification.Kind, Notification.Status
HOUR = datetime.timedelta(hours=1)


def _book(desk, user, hour=10):
    starts_at = factories.next_weekday(desk.space, weekday=2, at=datetime.time(hour))
    return booking_create(resource=desk, member=user, starts_at=starts_at, ends_at=starts_at + HOUR)


def _choose(user, **choices):
    defaults = {
        "booking_reminders": True,
        "event_reminders": True,
        "reminder_minutes": None,
        "quiet_from": None,
        "quiet_until": None,
    }
    return reminders_update(member=Member.objects.get(user=user), **(defaults | choices))


def _pending_reminders(**filters):
    rows = Notification.objects.filter(kind__in=[Kind.BOOKING_REMINDER, Kind.EVENT_REMINDER])
    return list(rows.filter(status=Status.PENDING, **filters).order_by("-minutes_before"))


def test_chosen_times_replace_the_centres(desk, sms_member, relay_now):
    _choose(sms_member, reminder_minutes=[180, 30])
    booking = _book(desk, sms_member)
    relay_now()
    reminders = _pending_reminders(booking=booking)
    assert [r.minutes_before for r in reminders] == [180, 30]
    assert [r.due_at for r in reminders] == [
        booking.starts_at - 3 * HOUR,
        booking.starts_at - HOUR / 2,
    ]


def test_booking_reminders_turned_off_are_not_made_but_the_confirmation_is(
    desk, sms_member, relay_now
):
    _choose(sms_member, booking_reminders=False)
    booking = _book(desk, sms_member)
    relay_now()
    assert _pending_reminders(booking=booking) == []
    assert Notification.objects.filter(booking=booking, kind=Kind.BOOKING_CONFIRMED).exists()


def test_changing_the_choices_replans_the_pending_reminders_once(desk, sms_member, relay_now):
    booking = _book(desk, sms_member)
    relay_now()
    assert [r.minutes_before for r in _pending_reminders(booking=booking)] == [1440, 60]
    _choose(sms_member, reminder_minutes=[180])
    relay_now()
    relay_now()  # a second delivery changes nothing
    assert [r.minutes_before for r in _pending_reminders(booking=booking)] == [180]
    _choose(sms_member, booking_reminders=False)
    relay_now()
    assert _pending_reminders(booking=booking) == []
    _choose(sms_member)
    relay_now()
    assert [r.minutes_before for r in _pending_reminders(booking=booking)] == [1440, 60]


def test_personal_quiet_hours_hold_a_reminder_until_they_end(desk, sms_member, relay_now):
    # The booking at 16:00 would be reminded at 15:00; the member keeps 14:00–15:30 quiet.
    _choose(
        sms_member,
        reminder_minutes=[60],
        quiet_from=datetime.time(14),
        quiet_until=datetime.time(15, 30),
    )
    booking = _book(desk, sms_member, hour=16)
    relay_now()
    (reminder,) = _pending_reminders(booking=booking)
    assert reminder.due_at == booking.starts_at - HOUR / 2


def test_a_reminder_that_quiet_hours_push_past_the_start_is_not_made(desk, sms_member, relay_now):
    _choose(
        sms_member,
        reminder_minutes=[60],
        quiet_from=datetime.time(8),
        quiet_until=datetime.time(12),
    )
    booking = _book(desk, sms_member, hour=10)
    relay_now()
    assert _pending_reminders(booking=booking) == []


def test_event_reminders_follow_the_members_choices(sms_space, sms_member, relay_now):
    _choose(sms_member, event_reminders=False)
    room = factories.RoomFactory(space=sms_space)
    starts_at = factories.next_weekday(sms_space, weekday=3, at=datetime.time(11))
    event = factories.EventFactory(room=room, starts_at=starts_at, ends_at=starts_at + 2 * HOUR)
    registration, _key = registration_create(event=event, name="Nigar", phone="+994501112233")
    relay_now()
    assert Notification.objects.filter(
        registration=registration, kind=Kind.REGISTRATION_CONFIRMED
    ).exists()
    assert _pending_reminders(registration=registration) == []
    _choose(sms_member, reminder_minutes=[1440])
    relay_now()
    assert [r.minutes_before for r in _pending_reminders(registration=registration)] == [1440]
