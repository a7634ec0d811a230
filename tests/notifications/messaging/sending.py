"""What the messaging tests share: a booking whose confirmation is due, and the e-mails that
are not calendar invites."""

import datetime

from django.core import mail

from cowork.services.booking import booking_create
from tests import factories

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
