"""Linking a Telegram chat to a person: a signed, one-time, expiring deep link.

`t.me/<bot>?start=<key>` opens the bot, and Telegram sends us "/start <key>" from the chat.
The key is random with our signature (SECRET_KEY) on it, so a forged one is refused before
the database is asked; only its SHA-256 is stored, and it is taken once (a conditional
UPDATE), within its minutes. Telegram allows 64 characters of [A-Za-z0-9_-]; ours are 28,
so that one fits beside a short SMS.

Who asked for the key decides what else proves the phone. A signed-in member's key links at
/start. A key made on a page anyone holding its link may open (a registration's personal
page, the page a one-way SMS links to) proves no phone, nor does one inside an SMS whose text
is kept on its row: the chat is asked to share its own contact, and only a Telegram account
on that number links it (`needs_contact`), so nobody can draw another person's messages into
their chat by typing that person's number into a registration form.
"""

import base64
import datetime
import enum
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from notifications.messaging.channels import channel_link
from notifications.models import Channel, ChannelAddress, TelegramLinkKey

LINK_MINUTES = 30
# A key in an SMS is read when the SMS is, maybe days later.
SMS_LINK_MINUTES = 7 * 24 * 60
_NONCE_BYTES = 12
_SIGNATURE_CHARS = 12
KEY_CHARS = 16 + _SIGNATURE_CHARS


def _signature(nonce: str) -> str:
    digest = salted_hmac("notifications.telegram.link", nonce).digest()
    return base64.urlsafe_b64encode(digest[:9]).decode()


def telegram_link_key_create(
    *,
    phone: str,
    needs_contact: bool = False,
    minutes: int = LINK_MINUTES,
    now: datetime.datetime | None = None,
) -> str:
    """A new key for `phone`'s person; the key itself is shown once and never stored.

    `needs_contact`: the one who asked has not proved the phone; the chat must share its
    own contact, on that number, before it is linked."""
    now = now or timezone.now()
    nonce = secrets.token_urlsafe(_NONCE_BYTES)
    key = nonce + _signature(nonce)
    TelegramLinkKey.objects.create(
        key_hash=TelegramLinkKey.hash(key),
        phone=phone,
        needs_contact=needs_contact,
        expires_at=now + datetime.timedelta(minutes=minutes),
    )
    return key


def deep_link(key: str, *, scheme: bool = True) -> str:
    """The link that opens the bot with `key`; without "https://" where every character
    costs (an SMS: phones make a link of "t.me/…" as they do of the full address)."""
    link = f"t.me/{settings.TELEGRAM_BOT_USERNAME}?start={key}"
    return f"https://{link}" if scheme else link


class Started(enum.Enum):
    LINKED = "linked"
    ASK_CONTACT = "ask_contact"
    WRONG_CONTACT = "wrong_contact"
    REFUSED = "refused"


@dataclass(frozen=True)
class LinkStart:
    """What "/start <key>" or a shared contact did: linked the chat, asked for its contact
    (again, if it shared one that does not fit), or nothing."""

    outcome: Started
    address: ChannelAddress | None = None
    phone: str = ""


def _key_is_signed(key: str) -> bool:
    nonce, signature = key[:-_SIGNATURE_CHARS], key[-_SIGNATURE_CHARS:]
    return bool(nonce) and constant_time_compare(signature, _signature(nonce))


def telegram_link_start(*, key: str, chat_id: int, now=None) -> LinkStart:
    """ "/start <key>" from `chat_id`: link it to the person the key was made for, or, for a
    key that needs a contact, keep the chat on the key and ask for one. Refused if the key
    is forged, used, expired or unknown (the chat learns nothing more)."""
    now = now or timezone.now()
    key = (key or "").strip()
    if not _key_is_signed(key):
        return LinkStart(Started.REFUSED)
    with transaction.atomic():
        rows = TelegramLinkKey.objects.filter(
            key_hash=TelegramLinkKey.hash(key), used_at__isnull=True, expires_at__gt=now
        )
        found = rows.first()
        if found is None:
            return LinkStart(Started.REFUSED)
        if found.needs_contact:
            # Only this chat may finish it; another chat's /start with the same key takes it.
            rows.filter(pk=found.pk).update(chat_id=chat_id)
            return LinkStart(Started.ASK_CONTACT, phone=found.phone)
        if not rows.filter(pk=found.pk).update(used_at=now, chat_id=chat_id):
            return LinkStart(Started.REFUSED)
        address = channel_link(
            phone=found.phone, channel=Channel.TELEGRAM, address=str(chat_id), now=now
        )
        return LinkStart(Started.LINKED, address, found.phone)


def telegram_link_redeem(*, key: str, chat_id: int, now=None) -> ChannelAddress | None:
    """Link `chat_id` by a key that needs nothing more; None otherwise."""
    started = telegram_link_start(key=key, chat_id=chat_id, now=now)
    return started.address if started.outcome == Started.LINKED else None


def contact_phone(phone_number: str) -> str:
    """A contact's number as E.164: Telegram sends it with or without its "+"."""
    digits = re.sub(r"\D", "", phone_number or "")
    return f"+{digits}" if digits else ""


def telegram_link_by_contact(
    *, chat_id: int, sender_id: int | None, contact_user_id: int | None, phone_number: str, now=None
) -> LinkStart:
    """The chat shared a contact after "/start <key>": link it if the contact is the
    sender's own Telegram account (Telegram has checked its number) and its number is the
    one the key was made for. A contact of someone else, or on another number, links
    nothing; the key stays open for the right one until it expires."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = TelegramLinkKey.objects.filter(
            chat_id=chat_id, needs_contact=True, used_at__isnull=True, expires_at__gt=now
        )
        found = rows.order_by("-created_at", "-pk").first()
        if found is None:
            return LinkStart(Started.REFUSED)
        own = sender_id is not None and contact_user_id == sender_id
        if not own or contact_phone(phone_number) != found.phone:
            return LinkStart(Started.WRONG_CONTACT, phone=found.phone)
        if not rows.filter(pk=found.pk).update(used_at=now):
            return LinkStart(Started.REFUSED)
        address = channel_link(
            phone=found.phone, channel=Channel.TELEGRAM, address=str(chat_id), now=now
        )
        return LinkStart(Started.LINKED, address, found.phone)
