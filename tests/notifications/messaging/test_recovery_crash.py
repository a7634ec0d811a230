"""A worker killed between handing a message to Twilio and recording it: the message is
found in the provider's log and marked sent, never sent again."""

import datetime
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.utils import timezone

from notifications.messaging.dispatch import dispatch_due
from notifications.messaging.recovery import recover_stale
from notifications.models import Notification
from notifications.tasks import send_due_sms_task
from tests import factories
from tests.notifications.messaging.sending import book
from tests.notifications.sms.fake_twilio import FAKE_MESSAGING_SERVICE_SID, Reply
from tests.servers import server_environment

DISPATCH_ONCE = "from notifications.messaging.dispatch import dispatch_due; dispatch_due()"


def _wait_for(predicate, *, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_leaves_a_message_sent_once(fake_twilio, relay_now):
    desk = factories.ResourceFactory(space=factories.SpaceFactory())
    book(desk, factories.MemberFactory(phone="+994507654321", language="az").user)
    relay_now()
    # Twilio takes the message and the worker dies before it hears back.
    fake_twilio.reply_with(Reply(hold=True))
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", DISPATCH_ONCE],
        cwd=settings.BASE_DIR,
        env=server_environment(
            SMS_BACKEND="notifications.sms.backends.twilio.TwilioBackend",
            TWILIO_API_BASE_URL=fake_twilio.base_url,
            TWILIO_ACCOUNT_SID=fake_twilio.account_sid,
            TWILIO_AUTH_TOKEN=fake_twilio.auth_token,
            TWILIO_MESSAGING_SERVICE_SID=FAKE_MESSAGING_SERVICE_SID,
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(lambda: len(fake_twilio.messages) == 1)
    finally:
        worker.kill()
        worker.wait()
    row = Notification.objects.get(kind=Notification.Kind.BOOKING_CONFIRMED)
    assert row.status == Notification.Status.SENDING and row.provider_id == ""

    # Other workers leave it alone while its claim is fresh, then settle it from the log.
    assert dispatch_due().claimed == 0
    assert recover_stale(now=timezone.now() + datetime.timedelta(minutes=3)) == 1
    row.refresh_from_db()
    (created,) = fake_twilio.listed(to="+994507654321")
    assert (row.status, row.provider_id) == (Notification.Status.SENT, created["sid"])
    send_due_sms_task(run_seconds=1)
    assert len(fake_twilio.messages) == 1
