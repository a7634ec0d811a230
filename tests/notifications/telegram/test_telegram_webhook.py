"""Who may call the Telegram webhook, and what a deep link's key takes."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Channel, ChannelAddress, TelegramLinkKey, TelegramUpdate
from notifications.telegram.links import telegram_link_key_create
from tests.notifications.telegram.conftest import CHAT, post_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(sms_member):
    return telegram_link_key_create(phone=str(sms_member.member.phone))


def linked() -> bool:
    return ChannelAddress.objects.filter(channel=Channel.TELEGRAM, address=str(CHAT)).exists()


@pytest.mark.parametrize("secret", [None, "", "telegram-test-secreT", "x" * 200])
def test_an_update_without_our_secret_token_is_refused(client, fake_telegram, key, secret):
    response = post_update(client, text=f"/start {key}", secret=secret)

    assert response.status_code == 403
    assert not linked() and not TelegramUpdate.objects.exists()
    assert fake_telegram.calls == []


def test_a_replayed_update_acts_once_and_answers_once(client, fake_telegram, key):
    first = post_update(client, text=f"/start {key}")
    again = post_update(client, text=f"/start {key}", update_id=first.update_id)

    assert (first.status_code, again.status_code) == (200, 200)
    assert len(fake_telegram.sent(CHAT)) == 1
    assert linked()


def test_a_request_that_is_not_an_update_is_refused(client, fake_telegram):
    url = reverse("notifications:telegram-webhook")
    headers = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": "telegram-test-secret"}
    for body in ("not json", json.dumps([1, 2]), json.dumps({"message": {}})):
        response = client.post(url, data=body, content_type="application/json", **headers)
        assert response.status_code == 400
    assert client.get(url).status_code == 405


def test_a_link_key_works_once(client, fake_telegram, key):
    post_update(client, text=f"/start {key}")
    post_update(client, chat_id=777, text=f"/start {key}")

    assert linked()
    assert not ChannelAddress.objects.filter(address="777").exists()
    assert "expired or was used" in fake_telegram.sent(777)[-1]["text"]


def test_an_expired_or_forged_key_links_nothing(client, fake_telegram, key, sms_member):
    TelegramLinkKey.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    forged = key[:-1] + ("A" if key[-1] != "A" else "B")
    post_update(client, text=f"/start {key}")
    post_update(client, text=f"/start {forged}")

    assert not linked()
    assert all("expired or was used" in sent["text"] for sent in fake_telegram.sent(CHAT))


def test_only_the_keys_hash_is_kept(key):
    assert TelegramLinkKey.objects.get().key_hash == TelegramLinkKey.hash(key)
    assert not TelegramLinkKey.objects.filter(key_hash=key).exists()


def test_an_unlinked_chat_is_told_how_to_link_and_learns_nothing(client, fake_telegram):
    post_update(client, text="C")

    assert "not linked" in fake_telegram.sent(CHAT)[-1]["text"]


def test_unlinking_on_the_profile_stops_telegram(client, fake_telegram, key, sms_member):
    post_update(client, text=f"/start {key}")
    client.force_login(sms_member)

    client.post(reverse("notifications:channel-off", args=["telegram"]))

    assert not ChannelAddress.objects.get(channel=Channel.TELEGRAM).usable
    page = client.get(reverse("notifications:channels")).content.decode()
    assert "Link Telegram" in page
