"""The walk a new member takes: link Telegram, book, get the confirmation with buttons, tap
cancel, confirm, and the booking is cancelled once; with the bot blocked, the SMS instead."""

import re

import pytest
from django.urls import reverse

from cowork.models import BookingStatus, DomainEvent, DomainEventKind
from notifications.messaging.dispatch import dispatch_due
from notifications.models import Channel, ChannelAddress, Notification
from tests.notifications.messaging.sending import book
from tests.notifications.telegram.conftest import CHAT, post_update

pytestmark = pytest.mark.django_db

Kind, Status = Notification.Kind, Notification.Status


def link_from_profile(client, member) -> str:
    """The member presses "Link Telegram" on their page; the key of the deep link shown."""
    client.force_login(member)
    page = client.post(reverse("notifications:telegram-link")).content.decode()
    return re.search(r"https://t\.me/\w+\?start=([\w-]+)", page)[1]


def linked_member(client, sms_member, fake_telegram):
    key = link_from_profile(client, sms_member)
    assert post_update(client, text=f"/start {key}").status_code == 200
    assert "linked" in fake_telegram.sent(CHAT)[-1]["text"].lower() or fake_telegram.sent(CHAT)
    return sms_member


def buttons(message) -> dict[str, str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {button["callback_data"]: button["text"] for row in rows for button in row}


@pytest.fixture
def member_on_telegram(client, sms_member, fake_telegram, settings):
    sms_member.member.language = "en"
    sms_member.member.save()
    return linked_member(client, sms_member, fake_telegram)


def test_confirmation_comes_with_buttons_and_two_taps_cancel_once(
    client, member_on_telegram, desk, fake_telegram, relay_now, locmem_sms
):
    address = ChannelAddress.objects.get(channel=Channel.TELEGRAM)
    assert address.address == str(CHAT) and address.usable

    booking = book(desk, member_on_telegram)
    relay_now()
    dispatch_due()

    confirmation = fake_telegram.sent(CHAT)[-1]
    assert "Desk 4" in confirmation["text"]
    offered = buttons(confirmation)
    assert offered[f"C:b:{booking.pk}"] == "Cancel"
    assert {f"IN:b:{booking.pk}", f"CAL:b:{booking.pk}"} <= set(offered)
    assert locmem_sms == []  # Telegram, not SMS
    row = Notification.objects.get(kind=Kind.BOOKING_CONFIRMED)
    assert (row.channel, row.status) == (Channel.TELEGRAM, Status.DELIVERED)

    post_update(client, button=f"C:b:{booking.pk}")
    asked = fake_telegram.sent(CHAT)[-1]
    assert asked["text"].startswith("Cancel Desk 4, Ganja Information Centre")
    assert "again within 10 minutes" in asked["text"]
    assert buttons(asked) == {f"C:b:{booking.pk}": "Yes, cancel"}
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED

    second = post_update(client, button=f"C:b:{booking.pk}")
    assert fake_telegram.sent(CHAT)[-1]["text"].startswith("Cancelled: Desk 4")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert len(fake_telegram.answered()) == 2  # both taps stopped their spinner

    # Telegram sending the same update again (a replay) does nothing, says nothing.
    before = len(fake_telegram.calls)
    assert (
        post_update(client, button=f"C:b:{booking.pk}", update_id=second.update_id).status_code
        == 200
    )
    assert len(fake_telegram.calls) == before
    cancelled = DomainEvent.objects.filter(kind=DomainEventKind.BOOKING_CANCELLED)
    assert cancelled.count() == 1

    # A third tap on the old message's button, a new update: it says that booking is gone,
    # not that the member has nothing booked at all.
    post_update(client, button=f"C:b:{booking.pk}")
    assert fake_telegram.sent(CHAT)[-1]["text"] == (
        "That is no longer one of your upcoming bookings or events: nothing was done."
    )
    assert cancelled.count() == 1


def test_with_the_bot_blocked_the_sms_goes_instead_once(
    client, member_on_telegram, desk, fake_telegram, relay_now, locmem_sms
):
    fake_telegram.blocked.add(CHAT)
    book(desk, member_on_telegram)
    relay_now()

    dispatch_due()
    dispatch_due()
    dispatch_due()

    rows = Notification.objects.filter(kind=Kind.BOOKING_CONFIRMED).order_by("id")
    assert [(row.channel, row.status, row.error_code) for row in rows] == [
        (Channel.TELEGRAM, Status.FAILED, "blocked"),
        (Channel.SMS, Status.SENT, ""),
    ]
    assert len(locmem_sms) == 1 and "Desk 4" in locmem_sms[0].body
    assert ChannelAddress.objects.get(channel=Channel.TELEGRAM).blocked_at is not None

    # The next message goes straight by SMS: the bot stays blocked until they link again.
    book(desk, member_on_telegram, hour=14)
    relay_now()
    dispatch_due()
    assert len(locmem_sms) == 2
    assert len(fake_telegram.sent(CHAT)) == 2  # "linked", and the one refused


def test_blocking_the_bot_sends_the_next_message_by_sms_at_once_and_unblocking_brings_it_back(
    client, member_on_telegram, desk, fake_telegram, relay_now, locmem_sms
):
    # Telegram tells the bot it was blocked; the update is signed like any other.
    assert post_update(client, status="kicked", secret="forged").status_code == 403
    assert ChannelAddress.objects.get(channel=Channel.TELEGRAM).usable
    post_update(client, status="kicked")
    assert ChannelAddress.objects.get(channel=Channel.TELEGRAM).blocked_at is not None

    book(desk, member_on_telegram)
    relay_now()
    dispatch_due()
    dispatch_due()
    rows = Notification.objects.filter(kind=Kind.BOOKING_CONFIRMED)
    assert [(row.channel, row.status) for row in rows] == [(Channel.SMS, Status.SENT)]
    assert len(locmem_sms) == 1
    assert len(fake_telegram.sent(CHAT)) == 1  # "linked" only: nothing tried on a blocked bot

    post_update(client, status="member")
    book(desk, member_on_telegram, hour=14)
    relay_now()
    dispatch_due()
    assert len(locmem_sms) == 1
    assert "Desk 4" in fake_telegram.sent(CHAT)[-1]["text"]


def test_button_of_someone_elses_booking_acts_on_nothing(
    client, member_on_telegram, desk, fake_telegram
):
    from tests import factories

    other = factories.MemberFactory(phone="+994507778899").user
    booking = book(desk, other)

    post_update(client, button=f"C:b:{booking.pk}")
    post_update(client, button=f"C:b:{booking.pk}")

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert "no longer one of your upcoming bookings" in fake_telegram.sent(CHAT)[-1]["text"]


def test_stop_unlinks_and_the_next_message_goes_by_sms(
    client, member_on_telegram, desk, fake_telegram, relay_now, locmem_sms
):
    post_update(client, text="/stop")
    assert "no more messages" in fake_telegram.sent(CHAT)[-1]["text"]

    book(desk, member_on_telegram)
    relay_now()
    dispatch_due()

    assert len(locmem_sms) == 1
    assert Notification.objects.get(kind=Kind.BOOKING_CONFIRMED).channel == Channel.SMS

    post_update(client, text="/start")
    assert ChannelAddress.objects.get(channel=Channel.TELEGRAM).usable
