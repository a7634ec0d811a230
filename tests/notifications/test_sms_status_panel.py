"""The host dashboard shows the month's SMS spend and who did not get their SMS, and why."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification, SmsSender
from tests import factories

pytestmark = pytest.mark.django_db


def _notification(space, **fields):
    now = timezone.now()
    defaults = {
        "key": f"n{Notification.objects.count()}",
        "kind": Notification.Kind.BOOKING_REMINDER,
        "space": space,
        "phone": "+994501112233",
        "language": "az",
        "recipient_name": "Leyla Mammadova",
        "due_at": now,
        "next_attempt_at": now,
    }
    return Notification.objects.create(**{**defaults, **fields})


def test_the_dashboard_lists_undelivered_sms_with_reasons_and_masked_phones(client, sms_space):
    host = factories.HostFactory(space=sms_space).user
    sms_space.sms_monthly_budget_usd = Decimal("10")
    sms_space.save()
    now = timezone.now()
    _notification(sms_space, status="sent", sent_at=now, segments=4, cost=Decimal("0.80"))
    _notification(sms_space, status="sent", sent_at=now, segments=16, cost=Decimal("3.20"))
    _notification(sms_space, status="failed", error_code="opted_out", failed_at=now)
    _notification(sms_space, status="failed", error_code="undelivered_30003", failed_at=now)
    _notification(sms_space, status="cancelled", error_code="budget")
    _notification(sms_space, status="cancelled", error_code="booking_cancelled")
    _notification(
        sms_space,
        status="failed",
        error_code="invalid_number",
        due_at=now - datetime.timedelta(days=9),
    )
    client.force_login(host)
    page = client.get(reverse("web:live-dashboard", args=[sms_space.slug])).content.decode()
    assert "4.00 of 10.00 USD spent on SMS this month" in page and "(40%)" in page
    assert "The person replied STOP." in page
    assert "did not deliver it (error 30003)" in page
    assert "SMS budget was spent." in page
    assert "Not a valid mobile number." not in page  # older than a week
    assert "Leyla Mammadova" in page and "+99450*****33" in page
    assert "+994501112233" not in page
    problems = page.split('class="sms-problems"')[1].split("</table>")[0]
    assert problems.count("<tr>") == 1 + 3


def test_a_spent_budget_is_announced(client, sms_space):
    host = factories.HostFactory(space=sms_space).user
    sms_space.sms_monthly_budget_usd = Decimal("0.40")
    sms_space.save()
    _notification(
        sms_space, status="delivered", sent_at=timezone.now(), segments=2, cost=Decimal("0.40")
    )
    client.force_login(host)
    page = client.get(reverse("web:live-dashboard", args=[sms_space.slug])).content.decode()
    assert "Budget reached:" in page and "(100%)" in page
    assert "Every SMS of the past week reached its person" in page


def test_sms_held_back_for_new_numbers_are_counted_and_listed(client, sms_space):
    host = factories.HostFactory(space=sms_space).user
    sms_space.sms_unverified_daily_limit = 2
    sms_space.save()
    now = timezone.now()
    for _ in range(2):
        _notification(sms_space, status="sent", sent_at=now, unverified_at=now)
    for _ in range(3):
        _notification(
            sms_space,
            kind=Notification.Kind.REGISTRATION_CONFIRMED,
            status="cancelled",
            error_code="unverified_cap",
            claimed_at=now,
        )
    client.force_login(host)
    page = client.get(reverse("web:live-dashboard", args=[sms_space.slug])).content.decode()
    page = " ".join(page.split())
    assert "2 of 2 SMS to numbers never reached before in the past 24 hours" in page
    assert "Held back:</strong> 3 SMS to new numbers were not sent in the past 24 hours" in page
    assert "The registrations stand" in page
    assert page.count("SMS to numbers never reached before were used up.") == 3


def test_hosts_see_segments_and_cost_of_each_message_per_country(client, sms_space, settings):
    """A one-way sender to Ukraine gives the link instead of "reply C": another wording,
    other segments, another price."""
    settings.SMS_PRICES_USD = {"AZ": "0.20", "UA": "0.17"}
    sms_space.phone_countries = ["AZ", "UA"]
    sms_space.languages = ["ru"]
    sms_space.save()
    SmsSender.objects.create(space=sms_space, country="UA", sender="CoworkUA")
    host = factories.HostFactory(space=sms_space).user
    client.force_login(host)
    page = client.get(reverse("web:live-dashboard", args=[sms_space.slug])).content.decode()
    prices = page.split('class="sms-prices"')[1].split("</table>")[0]
    assert "takes replies" in prices and "one-way: a link instead of replies" in prices
    reminder = prices.split("Booking reminder")[1].split("</tr>")[0]
    # Russian is UCS-2: the two-way reminder fits one segment, the one-way one with its
    # link two.
    assert "1 segment, $0.20" in reminder and "2 segments, $0.34" in reminder


def test_the_panel_counts_past_the_rows_it_shows_and_says_when_the_network_cap_is_reached(
    client, sms_space, settings
):
    settings.SMS_UNVERIFIED_NETWORK_DAILY_LIMIT = 3
    host = factories.HostFactory(space=sms_space).user
    now = timezone.now()
    for minutes in range(22):
        _notification(
            sms_space,
            status="failed",
            error_code="opted_out",
            due_at=now - datetime.timedelta(minutes=minutes),
        )
    _notification(
        sms_space, status="cancelled", error_code="unverified_cap", claimed_at=now, due_at=now
    )
    # Two of the network's three SMS to new numbers went from another centre.
    for _ in range(2):
        _notification(factories.SpaceFactory(), status="sent", sent_at=now, unverified_at=now)
    _notification(sms_space, status="sent", sent_at=now, unverified_at=now)
    client.force_login(host)
    page = client.get(reverse("web:live-dashboard", args=[sms_space.slug])).content.decode()
    page = " ".join(page.split())
    assert "Showing the latest 20 of 23." in page
    allowance = sms_space.sms_unverified_daily_limit
    assert f"1 of {allowance} SMS to numbers never reached before in the past 24 hours" in page
    assert "The network's daily cap is reached." in page
