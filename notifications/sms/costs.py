"""What an SMS costs: segments times the price of a segment to the recipient's country.

Prices are `settings.SMS_PRICES_USD` (estimates unless an installation sets its own), in US
dollars a segment; a message's cost is worked out and kept when it is sent.
"""

from decimal import Decimal

import phonenumbers
from django.conf import settings

CENT = Decimal("0.0001")


def phone_country(phone: str) -> str:
    """The ISO country code of an E.164 `phone` ("AZ" for +994…), "" if it names none."""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return ""
    return phonenumbers.region_code_for_number(number) or ""


def segment_price(country: str) -> Decimal:
    """US dollars one segment costs to `country`; the default price for one not listed."""
    prices = settings.SMS_PRICES_USD
    return Decimal(str(prices.get(country, settings.SMS_PRICE_USD_DEFAULT)))


def message_cost(*, segments: int, country: str) -> Decimal:
    """US dollars an SMS of `segments` segments costs to `country`."""
    return (segment_price(country) * segments).quantize(CENT)


def sms_cost(*, phone: str, segments: int) -> Decimal:
    """US dollars an SMS of `segments` segments to `phone` costs."""
    return message_cost(segments=segments, country=phone_country(phone))
