"""Hosts read their own centres' SMS in the admin, masked, and change nothing there."""

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def _sms(space, phone):
    now = timezone.now()
    return Notification.objects.create(
        key=f"k{phone}",
        kind=Notification.Kind.BOOKING_CONFIRMED,
        space=space,
        phone=phone,
        language="az",
        due_at=now,
        next_attempt_at=now,
    )


def test_a_host_sees_only_their_centres_messages_with_masked_phones(client):
    role = factories.HostFactory()
    ours = _sms(role.space, "+994501110001")
    _sms(factories.SpaceFactory(), "+994501110002")
    client.force_login(role.user)
    page = client.get(reverse("admin:notifications_notification_changelist")).content.decode()
    assert "+99450*****01" in page
    assert "+99450*****02" not in page and "+994501110001" not in page
    detail = client.get(reverse("admin:notifications_notification_change", args=[ours.pk]))
    assert detail.status_code == 200
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403


def test_opt_outs_are_for_network_admins(client):
    client.force_login(factories.HostFactory().user)
    assert client.get(reverse("admin:notifications_smsoptout_changelist")).status_code == 403
    client.force_login(factories.network_admin())
    assert client.get(reverse("admin:notifications_smsoptout_changelist")).status_code == 200
