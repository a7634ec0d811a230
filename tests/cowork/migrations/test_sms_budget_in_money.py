"""The monthly SMS budget turns from segments into US dollars at the estimated price of a
segment to the centre's country, and back."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)


def _keys():
    executor = MigrationExecutor(connection)
    (key,) = [
        key
        for key in executor.loader.disk_migrations
        if key[0] == "cowork" and key[1].endswith("_space_sms_budget_in_money")
    ]
    (before,) = [p for p in executor.loader.graph.node_map[key].parents if p.key[0] == "cowork"]
    return key, before.key


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


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
    key, before = _keys()
    try:
        apps = _migrate(before)
        kharkiv = _centre(apps, "kharkiv", "UA", 2000)
        ganja = _centre(apps, "ganja", "AZ", 150)
        apps = _migrate(key)
        Space = apps.get_model("cowork", "Space")
        assert Space.objects.get(pk=kharkiv.pk).sms_monthly_budget_usd == Decimal("340.00")
        assert Space.objects.get(pk=ganja.pk).sms_monthly_budget_usd == Decimal("30.00")
        apps = _migrate(before)
        Space = apps.get_model("cowork", "Space")
        assert Space.objects.get(pk=kharkiv.pk).sms_monthly_budget == 2000
        assert Space.objects.get(pk=ganja.pk).sms_monthly_budget == 150
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
