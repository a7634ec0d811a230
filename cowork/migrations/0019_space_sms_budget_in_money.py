"""A centre's monthly SMS budget in US dollars instead of segments, and the choice of sending
Azerbaijani and Uzbek Latin as GSM-7.

The old budget becomes money at the estimated price of a segment to the centre's own
country (settings.SMS_PRICES_USD when this runs), so a centre keeps about what it allowed;
going back turns the money into segments at the same price.
"""

from decimal import ROUND_HALF_UP, Decimal

import django.core.validators
from django.conf import settings
from django.db import migrations, models


def _price(country):
    prices = settings.SMS_PRICES_USD
    return Decimal(str(prices.get(country, settings.SMS_PRICE_USD_DEFAULT)))


def segments_to_money(apps, schema_editor):
    Space = apps.get_model("cowork", "Space")
    for space in Space.objects.only("pk", "country", "sms_monthly_budget"):
        money = (space.sms_monthly_budget * _price(space.country)).quantize(Decimal("0.01"))
        Space.objects.filter(pk=space.pk).update(sms_monthly_budget_usd=money)


def money_to_segments(apps, schema_editor):
    Space = apps.get_model("cowork", "Space")
    for space in Space.objects.only("pk", "country", "sms_monthly_budget_usd"):
        price = _price(space.country) or Decimal("1")
        segments = (space.sms_monthly_budget_usd / price).quantize(Decimal("1"), ROUND_HALF_UP)
        Space.objects.filter(pk=space.pk).update(sms_monthly_budget=int(segments))


class Migration(migrations.Migration):
    dependencies = [
        ("cowork", "0018_domainevent_live_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="space",
            name="sms_monthly_budget_usd",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("400.00"),
                help_text="Reminders stop when the month's SMS have cost this much.",
                max_digits=8,
                validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                verbose_name="monthly SMS budget (USD)",
            ),
        ),
        migrations.RunPython(segments_to_money, money_to_segments, elidable=False),
        migrations.RemoveField(model_name="space", name="sms_monthly_budget"),
        migrations.AddField(
            model_name="space",
            name="sms_transliterate",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Write ə, ı, ş, ğ, ç and ʻ as e, i, s, g, c and ' in SMS, so that an "
                    "Azerbaijani or Uzbek message costs one segment of 160 characters, not 70."
                ),
                verbose_name="SMS in plain Latin letters",
            ),
        ),
    ]
