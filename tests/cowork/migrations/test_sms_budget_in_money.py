"""The monthly SMS budget turns from segments into US dollars at the estimated price of a
segment to the centre's country, and back."""

from decimal import Decimal

import pytest

from tests.cowork.migrations.conftest import migrate_to, migration_and_parent

pytestmark = pytest.mark.django_db(transaction=True)


def _centre(apps, slug, country, budget):
    organization = apps.get_model("cowork", "Organization").objects.create(
        name=f"Network {slug}", slug=slug, country=country
    )
    return apps.get_model("cowork", "Space").objects.create(
        organization=organization,
        name=f"{slug} centre",
        slug=slug,
        city=slug,
        country=country,
        time_zone="Europe/Kyiv",
        safety_capacity=30,
        sms_monthly_budget=budget,
    )


def test_segment_budgets_become_money_at_their_countrys_price_and_back(settings):
    settings.SMS_PRICES_USD = {"UA": "0.17", "AZ": "0.20"}
    key, before = migration_and_parent("space_sms_budget_in_money")
    apps = migrate_to(before)
    kharkiv = _centre(apps, "kharkiv", "UA", 2000)
    ganja = _centre(apps, "ganja", "AZ", 150)
    apps = migrate_to(key)
    Space = apps.get_model("cowork", "Space")
    assert Space.objects.get(pk=kharkiv.pk).sms_monthly_budget_usd == Decimal("340.00")
    assert Space.objects.get(pk=ganja.pk).sms_monthly_budget_usd == Decimal("30.00")
    apps = migrate_to(before)
    Space = apps.get_model("cowork", "Space")
    assert Space.objects.get(pk=kharkiv.pk).sms_monthly_budget == 2000
    assert Space.objects.get(pk=ganja.pk).sms_monthly_budget == 150
