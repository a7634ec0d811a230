import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cowork.models.spaces import COUNTRIES
from cowork.phones import (
    mask_phone,
    mobile_example,
    mobile_hint,
    phone_for_centre,
    phone_to_e164,
    sms_phone_to_e164,
)
from tests.factories import SpaceFactory


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


# --- Numbers we text, read for one centre -------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "country", "stored"),
    [
        ("050 777 88 99", "UA", "+380507778899"),
        ("050 777 88 99", "AZ", "+994507778899"),
        ("90 123 45 67", "UZ", "+998901234567"),
        ("+994 50 777 88 99", "AZ", "+994507778899"),
        # Fixed line or mobile: the numbering plan cannot tell, so it is taken.
        ("+998 66 905 01 23", "UZ", "+998669050123"),
    ],
)
def test_a_mobile_number_is_read_in_the_centres_country(typed, country, stored):
    assert sms_phone_to_e164(typed, country=country) == stored


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("+449012345678", "premium-rate"),
        ("+448001234567", "toll-free"),
        ("+33884012345", "shared-cost"),
        ("+445512345678", "UAN"),
        ("+447640123456", "pager"),
        ("+49177991234567", "voicemail"),
        ("+447012345678", "personal number"),
        ("+445612345678", "VoIP"),
        ("+380891234567", "Ukrainian VoIP"),
        ("+881612345678", "Iridium satellite"),
        ("+8823421234", "international network"),
        ("+870301234567", "Inmarsat"),
        ("+80012345678", "international freephone"),
    ],
)
def test_numbers_that_cannot_receive_our_sms_are_refused(number, kind):
    countries = ["GB", "FR", "DE", "UA", "AZ"]
    with pytest.raises(ValidationError) as excinfo:
        sms_phone_to_e164(number, country="AZ", accepted_countries=countries)
    assert excinfo.value.code == "phone_cannot_receive_sms", kind
    assert "cannot receive SMS" in excinfo.value.messages[0]


@pytest.mark.parametrize(("number", "country"), [("012 498 76 54", "AZ"), ("044 234 5678", "UA")])
def test_a_landline_is_refused_as_such(number, country):
    with pytest.raises(ValidationError) as excinfo:
        sms_phone_to_e164(number, country=country)
    assert excinfo.value.code == "phone_landline"


def test_every_refusal_shows_the_centres_example_mobile_number():
    for typed in ("12345", "+449012345678", "044 234 5678", "+994 50 777 88 99"):
        with pytest.raises(ValidationError) as excinfo:
            sms_phone_to_e164(typed, country="UA")
        assert "050 123 4567 or +380 50 123 4567" in excinfo.value.messages[0], typed


def test_a_centre_takes_its_own_country_unless_it_lists_others():
    with pytest.raises(ValidationError) as excinfo:
        sms_phone_to_e164("+994 50 777 88 99", country="UA")
    assert excinfo.value.code == "phone_country_not_accepted"
    assert "from Ukraine only" in excinfo.value.messages[0]
    listed = ["UA", "AZ"]
    assert sms_phone_to_e164("+994 50 777 88 99", country="UA", accepted_countries=listed) == (
        "+994507778899"
    )
    with pytest.raises(ValidationError) as excinfo:
        sms_phone_to_e164("+998 90 123 45 67", country="UA", accepted_countries=listed)
    assert "from Ukraine, Azerbaijan only" in excinfo.value.messages[0]


@pytest.mark.django_db
def test_phone_for_centre_reads_the_centres_country_and_its_list():
    kramatorsk = SpaceFactory(country="UA", time_zone="Europe/Kyiv")
    assert phone_for_centre("050 777 88 99", space=kramatorsk) == "+380507778899"
    kramatorsk.phone_countries = ["AZ"]
    with pytest.raises(ValidationError):
        phone_for_centre("050 777 88 99", space=kramatorsk)


@pytest.mark.parametrize("country", [code for code, _name in COUNTRIES])
def test_every_country_of_the_network_has_an_example_mobile_number(country):
    example = mobile_example(country)
    assert sms_phone_to_e164(example.national, country=country) == (
        sms_phone_to_e164(example.international, country=country)
    )


def test_the_hint_is_in_the_readers_language_with_the_countrys_example():
    assert mobile_hint("AZ") == "A mobile number, e.g. 040 123 45 67 or +994 40 123 45 67."
    with translation.override("uk"):
        assert "050 123 4567" in mobile_hint("UA")
        assert "A mobile number" not in mobile_hint("UA")
