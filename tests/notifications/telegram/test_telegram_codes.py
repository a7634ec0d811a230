"""A sign-in code goes where the member reads their messages: Telegram once they linked it,
and the SMS at once when the bot cannot reach them."""

import re

import pytest
from django.urls import reverse

from cowork.services.accounts.sign_in import sign_in_code_request
from notifications.messaging.dispatch import dispatch_due
from notifications.models import Channel, Notification
from tests.notifications.telegram.conftest import CHAT
from tests.notifications.telegram.test_telegram_walk import linked_member

pytestmark = pytest.mark.django_db

Kind, Status = Notification.Kind, Notification.Status
CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture
def member_on_telegram(client, sms_member, fake_telegram):
    member = linked_member(client, sms_member, fake_telegram)
    client.logout()
    return member


def test_a_sign_in_code_comes_by_telegram_once_linked_and_signs_in(
    client, member_on_telegram, fake_telegram, locmem_sms
):
    client.post(reverse("accounts:sign-in-sms"), {"phone": str(member_on_telegram.member.phone)})
    dispatch_due()

    (code,) = CODE.findall(fake_telegram.sent(CHAT)[-1]["text"])
    assert locmem_sms == []
    row = Notification.objects.get(kind=Kind.SIGN_IN_CODE)
    assert row.channel == Channel.TELEGRAM
    # The code from Telegram signs in as one from an SMS would.
    client.post(reverse("accounts:sign-in-sms-code"), {"code": code})
    assert client.get(reverse("web:profile")).status_code == 200


def test_with_the_bot_blocked_the_code_comes_by_sms_at_once(
    member_on_telegram, fake_telegram, locmem_sms
):
    fake_telegram.blocked.add(CHAT)
    sign_in_code_request(phone=str(member_on_telegram.member.phone), ip="203.0.113.7")
    dispatch_due()
    dispatch_due()

    rows = Notification.objects.filter(kind=Kind.SIGN_IN_CODE).order_by("pk")
    assert [(row.channel, row.status) for row in rows] == [
        (Channel.TELEGRAM, Status.FAILED),
        (Channel.SMS, Status.SENT),
    ]
    assert len(locmem_sms) == 1 and CODE.search(locmem_sms[0].body)
