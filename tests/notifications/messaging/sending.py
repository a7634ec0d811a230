"""What the messaging tests share: a booking whose confirmation is due, its confirmation sent
with Twilio answering as a test says, workers sending at once, and the e-mails that are not
calendar invites."""

import datetime

from django.core import mail
from django.utils import timezone

from cowork.services.booking import booking_create
from notifications.messaging.dispatch import dispatch_due
from notifications.messaging.enqueue import notification_enqueue
from notifications.models import Notification
from tests import factories
from tests.racing import at_once

HOUR = datetime.timedelta(hours=1)


def plain_mail():
    """E-mails other than calendar invites (which carry a text/calendar alternative)."""
    return [message for message in mail.outbox if not getattr(message, "alternatives", None)]


def book(desk, member, hour=10):
    """A confirmed booking of `desk` next Wednesday at `hour`:00, for an hour."""
    starts_at = factories.next_weekday(desk.space, weekday=2, at=datetime.time(hour, 0))
    return booking_create(
        resource=desk, member=member, starts_at=starts_at, ends_at=starts_at + HOUR
    )


def remind(booking, user, key="reminder"):
    """A reminder of `booking` to `user`'s phone in Russian, due now; not essential, so a
    spent budget may stop it."""
    return notification_enqueue(
        key=key,
        kind=Notification.Kind.BOOKING_REMINDER,
        phone=user.member.phone,
        language="ru",
        due_at=timezone.now(),
        space=booking.resource.space,
        booking=booking,
        essential=False,
    )


def send_confirmation(desk, member, relay_now, fake_twilio, reply) -> tuple:
    """Book `desk` for `member` and send the confirmation, Twilio answering `reply`; return
    what the dispatch run did and the confirmation's row as it left it."""
    book(desk, member)
    relay_now()
    fake_twilio.reply_with(reply)
    result = dispatch_due()
    return result, Notification.objects.get(kind=Notification.Kind.BOOKING_CONFIRMED)


def dispatch_from_workers(workers: int, *, limit: int) -> None:
    """`workers` threads sending at once, `limit` rows a batch, until nothing is due."""

    def worker():
        while dispatch_due(limit=limit).claimed:
            pass

    errors = [outcome for outcome in at_once(worker, [()] * workers) if outcome]
    assert not errors, errors
