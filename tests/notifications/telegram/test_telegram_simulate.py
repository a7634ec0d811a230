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
