"""A confirmation by SMS offers Telegram, where the offer still fits the one segment.

Telegram answers back wherever an SMS sender cannot, and costs nothing a message. A person
who has never linked a chat gets, at the end of a confirmation SMS, a deep link that opens
the bot, but only when the text with it is still one segment: a second segment would cost
more than the offer is worth; the page the SMS links to offers it instead
(`notifications.telegram.pages`). The key inside asks the chat for its own contact on the
number, so the text kept on the message's row links nobody else's chat.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from notifications.models import Channel, ChannelAddress, Notification
from notifications.sms.segments import segment_count
from notifications.sms.transliteration import to_gsm7_latin
from notifications.telegram.links import (
    KEY_CHARS,
    SMS_LINK_MINUTES,
    deep_link,
    telegram_link_key_create,
)

Kind = Notification.Kind

CONFIRMATIONS = frozenset(
    {
        Kind.BOOKING_CONFIRMED,
        Kind.SERIES_CONFIRMED,
        Kind.REGISTRATION_CONFIRMED,
        Kind.REGISTRATION_WAITLISTED,
        Kind.REGISTRATION_PROMOTED,
    }
)


def telegram_line(language: str, link: str) -> str:
    with translation.override(language):
        # Translators: the end of a confirmation SMS: a link that opens our Telegram bot.
        return gettext("Telegram: %(link)s") % {"link": link}


def with_telegram_offer(body: str, notification: Notification, *, plain_latin: bool) -> str:
    """`body`, with the Telegram link after it if it stays one segment and the person has
    no chat on Telegram (linked, stopped or blocked: they know the way, or chose SMS)."""
    if notification.kind not in CONFIRMATIONS or not settings.TELEGRAM_BOT_USERNAME:
        return body
    if segment_count(body)[0] > 1:
        return body
    if ChannelAddress.objects.filter(phone=notification.phone, channel=Channel.TELEGRAM).exists():
        return body
    placeholder = deep_link("0" * KEY_CHARS, scheme=False)
    offered = f"{body} {telegram_line(notification.language, placeholder)}"
    if plain_latin:
        offered = to_gsm7_latin(offered)
    if segment_count(offered)[0] > 1:
        return body
    key = telegram_link_key_create(
        phone=notification.phone, needs_contact=True, minutes=SMS_LINK_MINUTES
    )
    return offered.replace(placeholder, deep_link(key, scheme=False))
