"""Phone numbers: parsed once at the edge, stored in E.164, never guessed."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def phone_to_e164(raw: str, *, region: str | None = None) -> str:
    """Return `raw` in E.164 form, or raise ValidationError saying why it is not a phone."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter a phone number."), code="phone_empty")
    try:
        number = phonenumbers.parse(text, region or settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("“%(value)s” is not a phone number."), code="phone_unparsable", params={"value": text}
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "“%(value)s” is not a valid phone number; "
                "write it with the country code, e.g. +994 50 123 45 67."
            ),
            code="phone_invalid",
            params={"value": text},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_e164(value: str) -> None:
    """Accept only a number already in canonical E.164 form."""
    if phone_to_e164(value) != value:
        raise ValidationError(
            _("Store phone numbers in E.164 form, e.g. +994501234567."), code="phone_not_e164"
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
    """An E.164 phone number; forms and `full_clean` normalise what people type."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 16)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return phone_to_e164(value)
