"""The channel page's actions need the member's phone: without one they change nothing and
lead back to the page, which asks for the phone first."""

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Channel, ChannelAddress, TelegramLinkKey
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def phoneless(client):
    user = factories.MemberFactory(phone="").user
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "url",
    [
        reverse("notifications:telegram-link"),
        reverse("notifications:whatsapp-invite"),
        reverse("notifications:channel-off", args=[Channel.TELEGRAM]),
    ],
    ids=["telegram-link", "whatsapp-invite", "channel-off"],
)
def test_without_a_phone_an_action_changes_nothing_and_leads_back(client, phoneless, url):
    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:channels")
    assert not TelegramLinkKey.objects.exists()
    assert not ChannelAddress.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Add your phone number to your profile first." in page


def test_with_a_phone_linking_telegram_shows_the_link_for_that_phone(client, sms_member):
    client.force_login(sms_member)

    response = client.post(reverse("notifications:telegram-link"))

    assert response.status_code == 200
    assert "Open Telegram and press Start" in response.content.decode()
    assert TelegramLinkKey.objects.get().phone == str(sms_member.member.phone)


@pytest.mark.parametrize(
    ("channel", "unlink"),
    [(Channel.TELEGRAM, "Unlink Telegram"), (Channel.WHATSAPP, "Unlink WhatsApp")],
)
def test_a_linked_channel_offers_to_unlink_that_channel(client, sms_member, channel, unlink):
    phone = str(sms_member.member.phone)
    ChannelAddress.objects.create(
        phone=phone, channel=channel, address=f"{channel}-address", linked_at=timezone.now()
    )
    client.force_login(sms_member)

    page = client.get(reverse("notifications:channels")).content.decode()

    off = reverse("notifications:channel-off", args=[channel])
    assert f'<form method="post" action="{off}">' in page
    assert unlink in page
    client.post(off)
    assert not ChannelAddress.objects.get(channel=channel).usable
