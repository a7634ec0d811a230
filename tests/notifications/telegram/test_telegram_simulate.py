"""manage.py telegram_simulate: an update with the secret token, the bot's answer printed."""

import io

import pytest
from django.core.management import CommandError, call_command

from cowork.models import BookingStatus
from notifications.models import Channel, ChannelAddress
from tests.notifications.messaging.sending import book

pytestmark = pytest.mark.django_db


def simulate(*args) -> str:
    out = io.StringIO()
    call_command("telegram_simulate", *args, "--in-process", stdout=out)
    return out.getvalue()


def test_link_book_and_cancel_twice_on_the_embedded_default(settings, sms_member, desk, capsys):
    settings.EMBEDDED, settings.TELEGRAM_WEBHOOK_SECRET = True, ""
    settings.TELEGRAM_BACKEND = "notifications.telegram.backends.ConsoleTelegramBackend"

    simulate("4242", "--link", str(sms_member.member.phone))
    assert ChannelAddress.objects.get(channel=Channel.TELEGRAM).address == "4242"
    booking = book(desk, sms_member)
    simulate("4242", "--button", f"C:b:{booking.pk}")
    simulate("4242", "--button", f"C:b:{booking.pk}")

    printed = capsys.readouterr().out
    assert "Telegram" in printed and f"(C:b:{booking.pk})" in printed
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_without_a_secret_there_is_nothing_to_send_with(settings):
    settings.TELEGRAM_WEBHOOK_SECRET, settings.EMBEDDED = "", False

    with pytest.raises(CommandError, match="TELEGRAM_WEBHOOK_SECRET"):
        simulate("4242", "/start")


def test_a_registration_links_by_its_number_and_blocking_is_simulated_too(
    settings, sms_member, capsys
):
    """Without an account the chat shares its number; --block and --unblock send what
    Telegram sends when the person blocks and unblocks the bot."""
    from notifications.telegram.links import telegram_link_key_create

    settings.EMBEDDED, settings.TELEGRAM_WEBHOOK_SECRET = True, ""
    settings.TELEGRAM_BACKEND = "notifications.telegram.backends.ConsoleTelegramBackend"
    phone = str(sms_member.member.phone)
    key = telegram_link_key_create(phone=phone, needs_contact=True)

    simulate("5151", f"/start {key}")
    assert "(shares this account's phone number)" in capsys.readouterr().out
    assert not ChannelAddress.objects.exists()
    simulate("5151", "--contact", phone)
    address = ChannelAddress.objects.get(channel=Channel.TELEGRAM)
    assert address.address == "5151" and address.usable

    simulate("5151", "--block")
    address.refresh_from_db()
    assert not address.usable
    simulate("5151", "--unblock")
    address.refresh_from_db()
    assert address.usable
