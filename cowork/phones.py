"""Phone numbers: parsed once at the edge, stored in E.164, never guessed."""

from collections.abc import Sequence
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from phonenumbers import PhoneNumberType

# The only kinds of number we text. Everything else cannot receive our SMS or costs the
# sender to reach: premium-rate, shared-cost and toll-free ranges (the ones SMS pumping
# rings rent), UAN and personal (forwarding) numbers, pagers, voicemail, and VoIP ranges,
# which seldom take SMS from a business sender and are what bulk fraud is made of. Fixed
# lines are refused where the numbering plan knows they are fixed; where a range may be
# either (FIXED_LINE_OR_MOBILE), it is taken.
SMS_CAPABLE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
# Country calling codes of no country: satellite (+870, +881), international networks
# (+882, +883), freephone (+800) and the like. phonenumbers names their region "001".
NON_GEOGRAPHIC_REGION = "001"


def phone_to_e164(raw: str, *, region: str | None = None) -> str:
    """Return `raw` in E.164 form, or raise ValidationError saying why it is not a phone.

    With `region` (an ISO 3166 code: the country of the centre concerned), a number written
    without its country code is read in that country. Without one, nothing is guessed: only
    a number in international format (+ and its country code) is taken, and the error says
    so with examples of the network's countries.
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter a phone number."), code="phone_empty")
    if region is None and not text.startswith("+") and any(c.isdigit() for c in text):
        raise ValidationError(
            _(
                "“%(value)s” has no country code; write the number in international format, "
                "with + and the country code, e.g. %(examples)s."
            ),
            code="phone_needs_country_code",
            params={"value": text, "examples": international_examples()},
        )
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("“%(value)s” is not a phone number."), code="phone_unparsable", params={"value": text}
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise _invalid_number(text, region)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# The countries the network's centres are in, whose numbers illustrate the international
# format where no centre is concerned.
EXAMPLE_COUNTRIES = ("AZ", "UA", "UZ")


def international_examples() -> str:
    """Example mobile numbers of the network's countries, in international format."""
    return ", ".join(mobile_example(country).international for country in EXAMPLE_COUNTRIES)


def international_hint() -> str:
    """The help under a phone field that no centre's country reads: write the country code."""
    return gettext("With the country code, e.g. %(examples)s.") % {
        "examples": international_examples()
    }


def _invalid_number(text: str, region: str | None) -> ValidationError:
    if region is None:
        return ValidationError(
            _(
                "“%(value)s” is not a valid phone number; write it in international format, "
                "e.g. %(examples)s."
            ),
            code="phone_invalid",
            params={"value": text, "examples": international_examples()},
        )
    example = mobile_example(region)
    return ValidationError(
        _(
            "“%(value)s” is not a valid phone number; "
            "write it like %(national)s or %(international)s."
        ),
        code="phone_invalid",
        params={
            "value": text,
            "national": example.national,
            "international": example.international,
        },
    )


@dataclass(frozen=True)
class MobileExample:
    """A mobile number of a country, as its people write it and as the world dials it."""

    national: str
    international: str


def mobile_example(country: str) -> MobileExample:
    """The numbering plan's own example of a mobile number in `country` (ISO 3166 code)."""
    number = phonenumbers.example_number_for_type(country, PhoneNumberType.MOBILE)
    return MobileExample(
        national=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
        international=phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        ),
    )


def mobile_hint(country: str) -> str:
    """The help under a phone field read in `country`: that country's example."""
    example = mobile_example(country)
    return gettext("A mobile number, e.g. %(national)s or %(international)s.") % {
        "national": example.national,
        "international": example.international,
    }


def sms_phone_to_e164(raw: str, *, country: str, accepted_countries: Sequence[str] = ()) -> str:
    """`raw` in E.164 if we may text it, read in `country` when written without a code.

    Refused, each with a ValidationError that shows `country`'s example mobile number:
    what is not a valid number; numbers of no country (satellite, international networks);
    numbers of a kind that cannot receive SMS (see SMS_CAPABLE_TYPES); numbers of a
    country not in `accepted_countries` (empty: `country` alone).
    """
    example = mobile_example(country)
    text = (raw or "").strip()
    params = {
        "value": text,
        "national": example.national,
        "international": example.international,
    }
    if not text:
        raise ValidationError(_("Enter a phone number."), code="phone_empty")
    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and (
        phonenumbers.region_code_for_country_code(number.country_code) == NON_GEOGRAPHIC_REGION
    ):
        raise ValidationError(_NOT_SMS_CAPABLE, code="phone_cannot_receive_sms", params=params)
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "“%(value)s” is not a valid phone number; write a mobile number such as "
                "%(national)s or %(international)s."
            ),
            code="phone_invalid",
            params=params,
        )
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.FIXED_LINE:
        raise ValidationError(
            _(
                "“%(value)s” is a landline and cannot receive SMS; write a mobile number "
                "such as %(national)s or %(international)s."
            ),
            code="phone_landline",
            params=params,
        )
    if kind not in SMS_CAPABLE_TYPES:
        raise ValidationError(_NOT_SMS_CAPABLE, code="phone_cannot_receive_sms", params=params)
    accepted = list(accepted_countries) or [country]
    if phonenumbers.region_code_for_number(number) not in accepted:
        raise ValidationError(
            _(
                "This centre accepts phone numbers from %(countries)s only; write a mobile "
                "number such as %(national)s or %(international)s."
            ),
            code="phone_country_not_accepted",
            params={**params, "countries": ", ".join(_country_names(accepted))},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_NOT_SMS_CAPABLE = _(
    "“%(value)s” cannot receive SMS: premium-rate, toll-free, satellite and other service "
    "numbers are refused; write a mobile number such as %(national)s or %(international)s."
)


def _country_names(codes: Sequence[str]) -> list[str]:
    # Imported here: the models import this module for PhoneNumberField.
    from cowork.models.spaces import COUNTRIES

    names = dict(COUNTRIES)
    return [str(names.get(code, code)) for code in codes]


def phone_for_centre(raw: str, *, space) -> str:
    """`raw` in E.164, read and checked for `space` (a Space): a number typed without its
    country code is of the centre's country, never a network-wide default, and only numbers
    the centre may text are taken (`sms_phone_to_e164`)."""
    return sms_phone_to_e164(
        raw, country=space.country, accepted_countries=space.accepted_phone_countries
    )


def mask_phone(value: str) -> str:
    """Show a phone number to someone who may know it exists but not what it is."""
    if len(value) <= 6:
        return "•" * len(value)
    return value[:4] + "•" * (len(value) - 6) + value[-2:]


def mask_phone_for_staff(phone: str) -> str:
    """`+994501234567` → `+99450*****67`: country and operator kept, so that hosts and logs
    can tell numbers apart, but nobody can dial one."""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:6] + "*" * (len(phone) - 8) + phone[-2:]


class PhoneNumberField(models.CharField):
    """An E.164 phone number; forms and `full_clean` normalise what people type.

    No network-wide country is assumed. `full_clean` (the admin's forms) reads a number
    written without its country code in the country of the centres the row belongs to
    (`row_phone_country`); where there is none, or several, and wherever the field alone
    reads a value (`to_python`), only international format is taken.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 16)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return phone_to_e164(value)

    def clean(self, value, model_instance):
        text = models.CharField.to_python(self, value)
        if text not in self.empty_values and model_instance is not None:
            text = phone_to_e164(text, region=row_phone_country(model_instance))
        return super().clean(text, model_instance)

    def formfield(self, **kwargs):
        # Set here, not as the field's help_text, so that the schema does not change with the
        # examples and the hint is in the reader's language.
        if not self.help_text:
            kwargs.setdefault("help_text", lazy(international_hint, str)())
        return super().formfield(**kwargs)


def row_phone_country(instance) -> str | None:
    """The country a phone of `instance` is read in when typed without a country code.

    A centre's own phone: its country. A participant's or a member's: the one country of the
    centres they registered, attended, booked or work at, if there is exactly one; None
    otherwise (a new person, or centres of several countries), and for any other row.
    """
    # Imported here: the models import this module for PhoneNumberField.
    from cowork.models import Booking, Member, Participant, Registration, Space, SpaceRole

    if isinstance(instance, Space):
        return instance.country or None
    if instance.pk is None:
        return None
    # One query of the countries of each kind of tie, in a UNION (which also leaves each
    # country once): joining the ties all at once multiplied a member's bookings by their
    # registrations and roles, hundreds of thousands of rows for a busy member; and simple
    # joins are built in a third of the time of correlated EXISTS subqueries.
    if isinstance(instance, Participant):
        ties = (
            Registration.objects.filter(participant=instance)
            .values_list("event__space__country")
            .order_by()
            .distinct()
        )
    elif isinstance(instance, Member):
        ties = (
            Booking.objects.filter(booked_by=instance.user_id)
            .values_list("space__country")
            .order_by()
            .union(
                SpaceRole.objects.filter(user=instance.user_id)
                .values_list("space__country")
                .order_by(),
                Registration.objects.filter(participant__member=instance)
                .values_list("event__space__country")
                .order_by(),
            )
        )
    else:
        return None
    countries = {country for (country,) in ties}
    return countries.pop() if len(countries) == 1 else None
