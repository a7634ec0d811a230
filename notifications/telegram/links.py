"""Linking a Telegram chat to a person: a signed, one-time, expiring deep link.

`t.me/<bot>?start=<key>` opens the bot, and Telegram sends us "/start <key>" from the chat.
The key is random with our signature (SECRET_KEY) on it, so a forged one is refused before
the database is asked; only its SHA-256 is stored, and it is taken once (a conditional
UPDATE), within `LINK_MINUTES`. Telegram allows 64 characters of [A-Za-z0-9_-]; ours are 40.
"""

import base64
import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from notifications.messaging.channels import channel_link
from notifications.models import Channel, ChannelAddress, TelegramLinkKey

LINK_MINUTES = 30
_SIGNATURE_CHARS = 16


def _signature(nonce: str) -> str:
    digest = salted_hmac("notifications.telegram.link", nonce).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode()


def telegram_link_key_create(*, phone: str, now: datetime.datetime | None = None) -> str:
    """A new key for `phone`'s person; the key itself is shown once and never stored."""
    now = now or timezone.now()
    nonce = secrets.token_urlsafe(18)
    key = nonce + _signature(nonce)
    TelegramLinkKey.objects.create(
        key_hash=TelegramLinkKey.hash(key),
        phone=phone,
        expires_at=now + datetime.timedelta(minutes=LINK_MINUTES),
    )
    return key


def deep_link(key: str) -> str:
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={key}"


def telegram_link_redeem(*, key: str, chat_id: int, now=None) -> ChannelAddress | None:
    """Link `chat_id` to the person the key was made for; None if the key is forged, used,
    expired or unknown (the chat learns nothing more)."""
    now = now or timezone.now()
    key = (key or "").strip()
    nonce, signature = key[:-_SIGNATURE_CHARS], key[-_SIGNATURE_CHARS:]
    if not nonce or not constant_time_compare(signature, _signature(nonce)):
        return None
    with transaction.atomic():
        rows = TelegramLinkKey.objects.filter(
            key_hash=TelegramLinkKey.hash(key), used_at__isnull=True, expires_at__gt=now
        )
        found = rows.first()
        if found is None or not rows.filter(pk=found.pk).update(used_at=now):
            return None
        return channel_link(
            phone=found.phone, channel=Channel.TELEGRAM, address=str(chat_id), now=now
        )
