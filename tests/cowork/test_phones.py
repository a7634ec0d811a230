import pytest
from django.core.exceptions import ValidationError

from cowork.phones import mask_phone, phone_to_e164


@pytest.mark.parametrize(
    ("typed", "region", "stored"),
    [
        ("+994 50 123 45 67", None, "+994501234567"),
        ("050 123 45 67", "AZ", "+994501234567"),
        ("+38 (050) 123-45-67", None, "+380501234567"),
        ("90 123 45 67", "UZ", "+998901234567"),
    ],
)
def test_phone_typed_by_people_is_stored_in_e164(typed, region, stored):
    assert phone_to_e164(typed, region=region) == stored


@pytest.mark.parametrize("typed", ["", "   ", "hello", "+994 12", "+1 555 0100 0000 0000"])
def test_text_that_is_not_a_phone_is_refused_with_a_reason(typed):
    with pytest.raises(ValidationError) as excinfo:
        phone_to_e164(typed)
    assert excinfo.value.messages[0]


def test_masked_phone_keeps_country_and_last_digits_only():
    assert mask_phone("+994501234567") == "+994•••••••67"
