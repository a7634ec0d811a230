"""What each SMS cost, and a sender per centre and country that may or may not take replies.

Messages sent before get their cost from their segments at the estimated price of a
segment to their number's country (settings.SMS_PRICES_USD when this runs), so the month
under way keeps counting against the budget now kept in money. Going back drops the column,
so there is nothing to undo.
"""

from decimal import Decimal

import django.core.validators
import phonenumbers
from django.conf import settings
import django.db.models.deletion
from django.db import migrations, models


def _country(phone):
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(phone, None)) or ""
    except phonenumbers.NumberParseException:
        return ""


def cost_of_sent_messages(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    prices = settings.SMS_PRICES_USD
    sent = Notification.objects.filter(segments__gt=0).only("pk", "phone", "segments")
    for message in sent.iterator():
        price = Decimal(str(prices.get(_country(message.phone), settings.SMS_PRICE_USD_DEFAULT)))
        cost = (price * message.segments).quantize(Decimal("0.0001"))
        Notification.objects.filter(pk=message.pk).update(cost=cost)


class Migration(migrations.Migration):
    dependencies = [
        ("cowork", "0019_space_sms_budget_in_money"),
        ("notifications", "0006_messaging_channels"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="cost",
            field=models.DecimalField(
                decimal_places=4, default=0, max_digits=8, verbose_name="cost (USD)"
            ),
        ),
        migrations.RunPython(cost_of_sent_messages, migrations.RunPython.noop, elidable=False),
        migrations.CreateModel(
            name="SmsSender",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "country",
                    models.CharField(
                        choices=[
                            ("AZ", "Azerbaijan"),
                            ("UA", "Ukraine"),
                            ("UZ", "Uzbekistan"),
                            ("GE", "Georgia"),
                            ("KZ", "Kazakhstan"),
                            ("KG", "Kyrgyzstan"),
                            ("TJ", "Tajikistan"),
                            ("MD", "Moldova"),
                            ("AM", "Armenia"),
                        ],
                        max_length=2,
                        verbose_name="recipients' country",
                    ),
                ),
                (
                    "sender",
                    models.CharField(
                        max_length=16,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^(\\+[1-9][0-9]{6,14}|(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11})$",
                                "An E.164 number, or up to 11 letters, digits or spaces with one letter.",
                            )
                        ],
                        verbose_name="sender ID or number",
                    ),
                ),
                (
                    "takes_replies",
                    models.BooleanField(
                        default=False,
                        help_text="Tick only if SMS replies to this number reach us in that country.",
                        verbose_name="takes replies",
                    ),
                ),
                (
                    "space",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sms_senders",
                        to="cowork.space",
                        verbose_name="centre",
                    ),
                ),
            ],
            options={
                "verbose_name": "SMS sender",
                "verbose_name_plural": "SMS senders",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("space", "country"), name="sms_sender_per_country"
                    )
                ],
            },
        ),
    ]
