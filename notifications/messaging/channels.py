"""Which channel a message goes on — SMS, WhatsApp or Telegram — and the next one when it
cannot go there.

Each person (known by phone, as every message row is) has an order of channels, preferred
first: a `ChannelPreference` row, or else the channels they linked (Telegram, then WhatsApp)
and SMS last. A channel is usable once linked and while neither stopped (/stop, STOP, an
unlink) nor blocked (Telegram's 403). The send picks the first usable channel of the order,
from the row's own channel on; a row that then fails (bot blocked, outside the WhatsApp
window with no template, undelivered) makes one row on the next usable channel, keyed after
its own, so it goes there once. After the last channel comes e-mail, as for SMS alone.

This is the one home of how a person is reached: the profile links to the page where
they link Telegram or WhatsApp and choose the first (`notifications.channel_views`).

Codes (sign-in, sign-up, recovery, a new phone) go the same way: a Telegram or WhatsApp
chat is linked to a phone only by its member, signed in, so a code there proves the phone
as an SMS would; when the chat cannot take it, the SMS follows at once.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from notifications.messaging.enqueue import dispatch_soon, notification_enqueue
from notifications.models import (
    SECRET_KINDS,
    Channel,
    ChannelAddress,
    ChannelPreference,
    Notification,
)

Kind = Notification.Kind

DEFAULT_ORDER = (Channel.TELEGRAM, Channel.WHATSAPP, Channel.SMS)
# Failures no other channel mends: the text itself cannot be made.
NO_FALLBACK_CODES = frozenset({"render_error"})
WHATSAPP_WINDOW = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class Route:
    """Where one message goes: a channel and the person's address there."""

    channel: str
    address: str
    window_open: bool = False  # WhatsApp: they wrote within 24 hours, free text may go


def channel_order(phone: str) -> list[str]:
    """The channels to try for `phone`, preferred first; SMS is always among them."""
    preference = ChannelPreference.objects.filter(phone=phone).first()
    chosen = preference.order if preference is not None else DEFAULT_ORDER
    order = [channel for channel in chosen if channel in Channel.values]
    return list(dict.fromkeys([*order, Channel.SMS]))


def usable_addresses(phone: str) -> dict[str, ChannelAddress]:
    addresses = ChannelAddress.objects.filter(phone=phone, linked_at__isnull=False)
    return {address.channel: address for address in addresses if address.usable}


def route(notification: Notification, *, now: datetime.datetime | None = None) -> Route:
    """The first usable channel of the person's order, from the row's own channel on."""
    phone = notification.phone
    order = channel_order(phone)
    if notification.channel in order:
        order = order[order.index(notification.channel) :]
    addresses = usable_addresses(phone)
    for channel in order:
        if channel == Channel.SMS:
            break
        if channel in addresses:
            address = addresses[channel]
            return Route(channel, address.address, _window_open(address, now=now))
    return Route(Channel.SMS, phone)


def _window_open(address: ChannelAddress, *, now) -> bool:
    now = now or timezone.now()
    last = address.last_inbound_at
    return last is not None and now - last < WHATSAPP_WINDOW


def next_channel(notification: Notification) -> str | None:
    """The channel after the row's own in the person's order that can take it, if any."""
    channel = notification.channel or Channel.SMS
    order = channel_order(notification.phone)
    if channel not in order:
        return None
    addresses = usable_addresses(notification.phone)
    later = order[order.index(channel) + 1 :]
    return next((c for c in later if c == Channel.SMS or c in addresses), None)


def fall_back(notification: Notification, *, code: str = "") -> bool:
    """Make the message's row on the next channel, once; True if there is one to go on."""
    if code in NO_FALLBACK_CODES:
        return False
    if code == "blocked" and notification.channel == Channel.TELEGRAM:
        ChannelAddress.objects.filter(
            phone=notification.phone, channel=Channel.TELEGRAM, blocked_at__isnull=True
        ).update(blocked_at=timezone.now())
    channel = next_channel(notification)
    if channel is None:
        return False
    notification_enqueue(
        key=f"{notification.key}>{channel}"[:120],
        kind=notification.kind,
        phone=notification.phone,
        language=notification.language,
        due_at=timezone.now(),
        space=notification.space,
        booking=notification.booking,
        registration=notification.registration,
        session=notification.session,
        wait_offer=notification.wait_offer,
        email=notification.email,
        recipient_name=notification.recipient_name,
        reason=notification.reason,
        minutes_before=notification.minutes_before,
        essential=notification.essential,
        channel=channel,
        # A code's text is made once, when asked for, and kept nowhere else: the next
        # channel carries the same text, or the person would get a message without it.
        body=notification.body if notification.kind in SECRET_KINDS else "",
    )
    dispatch_soon()
    return True


# Linking, stopping and starting --------------------------------------------------------


def channel_link(*, phone: str, channel: str, address: str, now=None) -> ChannelAddress:
    """Link `address` on `channel` to `phone`'s person; one person per address, one address
    per person and channel: linking again moves it."""
    now = now or timezone.now()
    ChannelAddress.objects.filter(channel=channel, address=address).exclude(phone=phone).delete()
    linked, _created = ChannelAddress.objects.update_or_create(
        phone=phone,
        channel=channel,
        defaults={
            "address": address,
            "linked_at": now,
            "stopped_at": None,
            "blocked_at": None,
        },
    )
    return linked


def channel_unlink(*, phone: str, channel: str) -> bool:
    """Stop sending on `channel` to `phone`'s person (from the profile); True if it was on."""
    return bool(
        ChannelAddress.objects.filter(phone=phone, channel=channel, stopped_at__isnull=True).update(
            stopped_at=timezone.now()
        )
    )


def channel_stop(phone: str, channel: str) -> str:
    """STOP (or /stop) on a channel other than SMS: nothing more goes there. The answer."""
    channel_unlink(phone=phone, channel=channel)
    return gettext(
        "You will get no more messages from us here. Your bookings stay as they are. "
        "Send START to get them here again."
    )


def channel_start(phone: str, channel: str) -> str:
    """START on a channel they had stopped: messages come there again. The answer."""
    ChannelAddress.objects.filter(phone=phone, channel=channel).update(
        stopped_at=None, blocked_at=None
    )
    return gettext("You will get our messages here again.")


def channel_heard_from(*, phone: str, channel: str, address: str, now=None) -> None:
    """A person wrote to us on `channel`: it is linked (WhatsApp: by answering our first
    template, or writing first), and WhatsApp's 24-hour window opens."""
    now = now or timezone.now()
    updated = ChannelAddress.objects.filter(phone=phone, channel=channel, address=address).update(
        last_inbound_at=now, linked_at=now, blocked_at=None
    )
    if not updated:
        channel_link(phone=phone, channel=channel, address=address, now=now)
        ChannelAddress.objects.filter(phone=phone, channel=channel).update(last_inbound_at=now)


def telegram_bot_username() -> str:
    return settings.TELEGRAM_BOT_USERNAME
