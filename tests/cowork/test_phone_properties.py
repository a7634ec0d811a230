"""Properties of reading a phone at a centre, over the numbering plans' own example numbers
of the network's countries, written as people write them: national or international, with
spaces, dashes, brackets or nothing between the groups."""

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from cowork.models import Space
from cowork.phones import SMS_CAPABLE_TYPES, mobile_example, phone_for_centre, phone_to_e164

COUNTRIES = ("AZ", "UA", "UZ")
FORMATS = (PhoneNumberFormat.NATIONAL, PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.E164)
SEPARATORS = (" ", "-", "", " - ", ".", "  ")
TYPES = [
    value
    for name, value in vars(PhoneNumberType).items()
    if name.isupper() and value != PhoneNumberType.UNKNOWN
]


def _examples() -> list[tuple[str, phonenumbers.PhoneNumber]]:
    """(country, example number) for every type each country's numbering plan illustrates."""
    found = {}
    for country in COUNTRIES:
        for kind in TYPES:
            number = phonenumbers.example_number_for_type(country, kind)
            if number is not None:
                found[(country, phonenumbers.format_number(number, PhoneNumberFormat.E164))] = (
                    number
                )
    return [(country, number) for (country, _e164), number in sorted(found.items())]


EXAMPLES = _examples()


def _sms_capable(number) -> bool:
    return phonenumbers.number_type(number) in SMS_CAPABLE_TYPES


@st.composite
def written(draw, number, formats=FORMATS):
    """`number` as someone might type it: one of `formats`, its digit groups joined by any
    separator, and perhaps one group (never the country code) in brackets."""
    text = phonenumbers.format_number(number, draw(st.sampled_from(formats)))
    plus = text.startswith("+")
    groups = "".join(c if c.isdigit() else " " for c in text).split()
    if len(groups) > 1 and draw(st.booleans()):
        first = 1 if plus else 0
        at = draw(st.integers(min_value=first, max_value=len(groups) - 1))
        groups[at] = f"({groups[at]})"
    joined = groups[0]
    for group in groups[1:]:
        joined += draw(st.sampled_from(SEPARATORS)) + group
    return ("+" if plus else "") + joined


def centre(country: str) -> Space:
    return Space(country=country, name=f"Centre in {country}")


@st.composite
def example_as_typed(draw, formats=FORMATS, sms_capable=None):
    country, number = draw(
        st.sampled_from(
            [
                (country, number)
                for country, number in EXAMPLES
                if sms_capable is None or _sms_capable(number) == sms_capable
            ]
        )
    )
    return country, number, draw(written(number, formats))


def _e164(number) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


@settings(max_examples=300, deadline=None)
@given(example_as_typed(sms_capable=True))
def test_a_mobile_number_read_at_a_centre_of_its_country_is_its_e164(case):
    country, number, typed = case
    assert phone_for_centre(typed, space=centre(country)) == _e164(number)


@settings(max_examples=300, deadline=None)
@given(example_as_typed())
def test_any_valid_number_read_in_its_country_is_its_e164(case):
    country, number, typed = case
    assert phone_to_e164(typed, region=country) == _e164(number)


@settings(max_examples=300, deadline=None)
@given(example_as_typed(sms_capable=False))
def test_numbers_that_cannot_take_sms_are_refused_at_a_centre_in_any_format(case):
    country, _number, typed = case
    with pytest.raises(ValidationError) as excinfo:
        phone_for_centre(typed, space=centre(country))
    assert excinfo.value.code in {"phone_landline", "phone_cannot_receive_sms"}
    assert mobile_example(country).international in excinfo.value.messages[0]


@settings(max_examples=400, deadline=None)
@given(example_as_typed(formats=(PhoneNumberFormat.NATIONAL,)), st.sampled_from(COUNTRIES))
def test_a_national_number_at_another_countrys_centre_is_never_made_up(case, other):
    """The same digits at a centre of another country are read there, as that country's
    people would mean them: a number valid and mobile in that country, or a refusal with
    that country's example; never a number invalid there, never the first country's."""
    country, number, typed = case
    if other == country:
        return
    try:
        read = phone_for_centre(typed, space=centre(other))
    except ValidationError as refusal:
        assert mobile_example(other).international in refusal.messages[0]
        return
    parsed = phonenumbers.parse(read)
    assert phonenumbers.region_code_for_number(parsed) == other
    assert phonenumbers.is_valid_number(parsed) and _sms_capable(parsed)
    assert read != _e164(number)
    digits = "".join(c for c in typed if c.isdigit())
    national = str(parsed.national_number)
    assert digits == national or digits.lstrip("0") == national  # the same digits, no more


@settings(max_examples=300, deadline=None)
@given(
    example_as_typed(
        formats=(PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.E164), sms_capable=True
    ),
    st.sampled_from(COUNTRIES),
)
def test_an_international_number_keeps_its_country_wherever_it_is_typed(case, other):
    country, number, typed = case
    space = centre(other)
    space.phone_countries = list(COUNTRIES)
    assert phone_for_centre(typed, space=space) == _e164(number)
    if other != country:
        with pytest.raises(ValidationError) as excinfo:
            phone_for_centre(typed, space=centre(other))
        assert excinfo.value.code == "phone_country_not_accepted"


@settings(max_examples=200, deadline=None)
@given(example_as_typed(formats=(PhoneNumberFormat.NATIONAL,)))
def test_a_national_number_where_no_centre_is_known_is_refused_not_guessed(case):
    _country, _number, typed = case
    with pytest.raises(ValidationError) as excinfo:
        phone_to_e164(typed)
    assert excinfo.value.code == "phone_needs_country_code"
