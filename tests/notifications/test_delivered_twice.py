"""A domain event the relay delivers again: nothing twice, and nothing the database refuses."""

import datetime

import pytest
from django.core import mail

from cowork.models import DomainEvent
from cowork.services.booking import booking_create
from notifications.models import Notification, SentInvite
from tests import factories
from tests.database import failed_statements


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []


def test_a_booking_relayed_again_makes_no_second_message_and_no_failed_insert(
    desk, sms_member, relay_now
):
    starts_at = factories.next_weekday(desk.space, weekday=2, at=datetime.time(10, 0))
    booking_create(
        resource=desk,
        member=sms_member,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
    )
    relay_now()
    rows, invites = Notification.objects.count(), SentInvite.objects.count()
    assert rows and invites == 1 and len(mail.outbox) == 1
    # The relay died before marking the events published: they come round again.
    DomainEvent.objects.update(published_at=None)
    with failed_statements() as refused:
        relay_now()
    assert refused == []
    assert Notification.objects.count() == rows
    assert SentInvite.objects.count() == 1
    assert len(mail.outbox) == 1
