"""Fixtures for Telegram: the fake Bot API the real library talks to, and signed updates."""

import json
from collections.abc import Iterator

import pytest
from django.urls import reverse

from notifications.management.commands.telegram_simulate import telegram_update
from tests.notifications.telegram.fake_telegram import TOKEN, FakeTelegram

SECRET = "telegram-test-secret"
CHAT = 4242


@pytest.fixture
def fake_telegram(settings) -> Iterator[FakeTelegram]:
    """A running fake Bot API that TelegramBotBackend in `settings` points at."""
    with FakeTelegram() as server:
        settings.TELEGRAM_BACKEND = "notifications.telegram.backends.TelegramBotBackend"
        settings.TELEGRAM_BOT_TOKEN = TOKEN
        settings.TELEGRAM_API_BASE_URL = server.base_url
        settings.TELEGRAM_WEBHOOK_SECRET = SECRET
        yield server


def post_update(client, *, chat_id=CHAT, text="", button="", status="", update_id=0, secret=SECRET):
    """POST an update to the webhook as Telegram does; returns the response."""
    update = telegram_update(
        chat_id=chat_id, text=text, button=button, status=status, update_id=update_id
    )
    headers = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret} if secret is not None else {}
    response = client.post(
        reverse("notifications:telegram-webhook"),
        data=json.dumps(update),
        content_type="application/json",
        **headers,
    )
    response.update_id = update["update_id"]
    return response
