"""Model fields and helpers shared by the domain."""

import hashlib
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChoiceListField(models.JSONField):
    """A list of codes from a fixed vocabulary, edited as checkboxes.

    Kept as JSON rather than a join table: the vocabularies are short and fixed in code,
    and a space or a resource is always read together with its features.
    """

    def __init__(self, *args, choices_list=(), **kwargs):
        self.choices_list = list(choices_list)
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["choices_list"] = self.choices_list
        return name, path, args, kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if not isinstance(value, list):
            raise ValidationError(_("Expected a list."), code="not_a_list")
        known = {code for code, _label in self.choices_list}
        unknown = [item for item in value if item not in known]
        if unknown:
            raise ValidationError(
                _("Unknown values: %(values)s."),
                code="unknown_choice",
                params={"values": ", ".join(map(str, unknown))},
            )

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.choices_list,
            required=not self.blank,
            widget=forms.CheckboxSelectMultiple,
            label=self.verbose_name.capitalize(),
            help_text=self.help_text,
        )


class SecretKeyed:
    """A row found by a secret key that is never stored: only its SHA-256 is kept.

    The keys are random and long, so a plain hash suffices (nothing to salt against), and
    lookups by hash do the same work whether or not a row matches.
    """

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(24)
