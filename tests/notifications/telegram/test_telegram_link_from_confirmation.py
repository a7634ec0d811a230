"""Linking Telegram from a confirmation, without an account: a registration's own page, the
page a one-way SMS links to, and the confirmation SMS itself where the link fits its one
segment. The chat then shares its own number, which must be the registration's."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from cowork.services.events import registration_create
from notifications.ical.tokens import download_token
from notifications.messaging.dispatch import dispatch_due
from notifications.models import Channel, ChannelAddress, Notification, TelegramLinkKey
from notifications.telegram.offer import with_telegram_offer
from tests import factories
from tests.notifications.messaging.sending import book
from tests.notifications.telegram.conftest import CHAT, SECRET, post_update
from tests.notifications.telegram.test_telegram_walk import buttons

pytestmark = pytest.mark.django_db

Kind, Status = Notification.Kind, Notification.Status
PHONE = "+994501112233"
DEEP_LINK = re.compile(r"(?:https://)?t\.me/\w+\?start=([\w-]+)")


@pytest.fixture
def event(sms_space):
    room = factories.RoomFactory(space=sms_space)
    starts_at = factories.next_weekday(sms_space, weekday=3, at=datetime.time(11))
    return factories.EventFactory(
        room=room, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=2)
    )


@pytest.fixture
def registered(event):
    """A place at the event, registered by phone without an account; its personal key."""
    registration, key = registration_create(
        event=event, name="Nigar Aliyeva", phone=PHONE, language="en"
    )
    return registration, key


def post_contact(client, *, phone, user_id=CHAT, chat_id=CHAT, secret=SECRET):
    """The chat shares a contact, as Telegram's contact button sends it."""
    update = {
        "update_id": 900_000 + user_id % 1000 + len(phone),
        "message": {
            "message_id": 7,
            "date": 1_700_000_000,
            "chat": {"id": chat_id, "type": "private", "first_name": "Nigar"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Nigar"},
            "contact": {"phone_number": phone, "first_name": "Nigar", "user_id": user_id},
        },
    }
    headers = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret} if secret else {}
    return client.post(
        reverse("notifications:telegram-webhook"),
        data=json.dumps(update),
        content_type="application/json",
        **headers,
    )


def linked() -> bool:
    address = ChannelAddress.objects.filter(channel=Channel.TELEGRAM, phone=PHONE).first()
    return address is not None and address.usable and address.address == str(CHAT)


def contact_button(message) -> str:
    keyboard = message.get("reply_markup", {}).get("keyboard", [])
    return next((b["text"] for row in keyboard for b in row if b.get("request_contact")), "")


def test_a_registration_links_telegram_once_the_chat_shares_that_number(
    client, registered, fake_telegram
):
    _registration, key = registered
    page = client.get(reverse("web:registration", args=[key])).content.decode()
    action = reverse("notifications:registration-telegram", args=[key])
    assert f'action="{action}"' in page and "Get them on Telegram" in page

    shown = client.post(action)
    assert shown.status_code == 200
    text = shown.content.decode()
    assert "+994•••••••33" in text  # the number the chat must share, masked
    link_key = DEEP_LINK.search(text)[1]

    post_update(client, text=f"/start {link_key}")
    asked = fake_telegram.sent(CHAT)[-1]
    assert "share your phone number" in asked["text"] and "+994•••••••33" in asked["text"]
    assert contact_button(asked) == "Share my phone number"
    assert not linked()

    # Someone else's contact, or this account on another number, links nothing.
    post_contact(client, phone="994501112233", user_id=CHAT + 1)
    post_contact(client, phone="+380501112233")
    assert not linked()
    assert "Only the Telegram account on +994•••••••33" in fake_telegram.sent(CHAT)[-1]["text"]

    assert post_contact(client, phone="994501112233").status_code == 200
    assert linked()
    assert "This chat is linked" in fake_telegram.sent(CHAT)[-1]["text"]
    assert TelegramLinkKey.objects.get().used_at is not None

    # The page now says where the messages go, and the key works no more.
    page = client.get(reverse("web:registration", args=[key])).content.decode()
    assert "Reminders and changes come to you on Telegram." in page
    post_update(client, chat_id=CHAT + 5, text=f"/start {link_key}")
    assert "expired or was used" in fake_telegram.sent(CHAT + 5)[-1]["text"]


def test_a_forged_contact_is_refused_and_a_contact_unasked_for_links_nothing(
    client, registered, fake_telegram
):
    assert post_contact(client, phone=PHONE, secret="wrong").status_code == 403
    assert post_contact(client, phone=PHONE, secret=None).status_code == 403
    assert post_contact(client, phone=PHONE).status_code == 200
    assert not linked()
    assert "not linked to anyone yet" in fake_telegram.sent(CHAT)[-1]["text"]


def test_the_page_of_a_one_way_sms_offers_telegram_too(client, registered, fake_telegram):
    registration, _key = registered
    token = download_token(registration=registration)
    page = client.get(reverse("notifications:registration-by-sms", args=[token])).content.decode()
    action = reverse("notifications:registration-by-sms-telegram", args=[token])
    assert f'action="{action}"' in page

    link_key = DEEP_LINK.search(client.post(action).content.decode())[1]
    post_update(client, text=f"/start {link_key}")
    post_contact(client, phone=PHONE)
    assert linked()


def test_a_wrong_or_forged_link_makes_no_key(client, registered):
    _registration, _key = registered
    assert (
        client.post(reverse("notifications:registration-telegram", args=["nope"])).status_code
        == 404
    )
    forged = reverse("notifications:registration-by-sms-telegram", args=["r2s-forged"])
    assert client.post(forged).status_code == 404
    assert client.get(reverse("notifications:registration-telegram", args=["x"])).status_code == 405
    assert not TelegramLinkKey.objects.exists()


def test_later_messages_go_by_telegram_once_linked(
    client, registered, fake_telegram, relay_now, locmem_sms
):
    _registration, key = registered
    relay_now()
    dispatch_due()  # the confirmation by SMS
    assert len(locmem_sms) == 1
    link_key = DEEP_LINK.search(
        client.post(reverse("notifications:registration-telegram", args=[key])).content.decode()
    )[1]
    post_update(client, text=f"/start {link_key}")
    post_contact(client, phone=PHONE)

    Notification.objects.filter(kind=Kind.EVENT_REMINDER).update(
        next_attempt_at=datetime.datetime.now(datetime.UTC)
    )
    dispatch_due()
    reminders = Notification.objects.filter(kind=Kind.EVENT_REMINDER, status=Status.DELIVERED)
    assert reminders and all(row.channel == Channel.TELEGRAM for row in reminders)
    assert len(locmem_sms) == 1
    assert "C:r:" in "".join(buttons(fake_telegram.sent(CHAT)[-1]))


def test_my_bookings_offers_telegram_to_a_member_until_it_is_linked(
    client, sms_member, fake_telegram
):
    client.force_login(sms_member)
    page = client.get(reverse("web:my-bookings")).content.decode()
    action = reverse("notifications:telegram-link")
    assert f'action="{action}"' in page

    link_key = DEEP_LINK.search(client.post(action).content.decode())[1]
    post_update(client, text=f"/start {link_key}")  # signed in: no contact asked
    assert linked()
    page = client.get(reverse("web:my-bookings")).content.decode()
    assert f'action="{action}"' not in page
    assert reverse("notifications:channels") in page


def offered(desk, member, relay_now, *, language="en"):
    member.member.language = language
    member.member.save()
    book(desk, member)
    relay_now()
    dispatch_due()
    return Notification.objects.get(kind=Kind.BOOKING_CONFIRMED)


def test_a_one_segment_confirmation_sms_carries_the_telegram_link(
    client, sms_member, desk, relay_now, locmem_sms, fake_telegram
):
    # A one-way sender, where Telegram matters most: no reply reaches it. A short name.
    desk.space.name, desk.space.sms_sender_id = "Hub 9", "COWORK"
    desk.space.save()
    row = offered(desk, sms_member, relay_now)
    body = locmem_sms[0].body
    assert row.segments == 1 and len(body) <= 160, body
    link_key = re.search(r" Telegram: t\.me/cowork_demo_bot\?start=([\w-]+)$", body)[1]
    key = TelegramLinkKey.objects.get()
    assert key.needs_contact and key.expires_at > row.sent_at + datetime.timedelta(days=6)

    # The text kept on the row holds the key; the chat that uses it must share this number.
    post_update(client, chat_id=CHAT + 9, text=f"/start {link_key}")
    post_contact(client, chat_id=CHAT + 9, user_id=CHAT + 9, phone="+994509999999")
    assert not ChannelAddress.objects.exists()
    post_update(client, text=f"/start {link_key}")
    post_contact(client, phone=PHONE)
    assert linked()


def test_no_telegram_link_where_it_would_cost_a_second_segment_or_is_linked_already(
    sms_member, desk, relay_now, locmem_sms
):
    offered(desk, sms_member, relay_now, language="ru")  # UCS-2: two segments already
    assert "t.me" not in locmem_sms[0].body
    assert not TelegramLinkKey.objects.exists()

    row = Notification.objects.get(kind=Kind.BOOKING_CONFIRMED)
    short = "Hub: Desk 4 booked 02.12 10:00-11:00. Change or cancel: https://x.org/bookings/"
    assert "t.me/" in with_telegram_offer(short, row, plain_latin=False)
    long = short + " " + "x" * (160 - len(short) - 40)
    assert with_telegram_offer(long, row, plain_latin=False) == long
    ChannelAddress.objects.create(phone=PHONE, channel=Channel.TELEGRAM, address="1")
    assert with_telegram_offer(short, row, plain_latin=False) == short
    row.kind = Kind.BOOKING_CANCELLED
    assert with_telegram_offer(short, row, plain_latin=False) == short
