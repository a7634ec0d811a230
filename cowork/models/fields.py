"""Model fields and helpers shared by the domain."""

import hashlib
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def reject_unknown(values: list, *, known: set, message, code: str, param: str) -> None:
    """Raise ValidationError(`message`, `code`) naming in `param` each of `values` not in
    `known`, comma-separated; nothing when all are known."""
    unknown = [item for item in values if item not in known]
    if unknown:
        raise ValidationError(message, code=code, params={param: ", ".join(map(str, unknown))})


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
        reject_unknown(
            value,
            known={code for code, _label in self.choices_list},
            message=_("Unknown values: %(values)s."),
            code="unknown_choice",
            param="values",
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


def validate_translations(value) -> None:
    """`{"uk": {"name": "Стіл 05"}, ...}`: languages the site speaks, texts as strings."""
    from django.conf import settings

    languages = dict(settings.LANGUAGES)
    if not isinstance(value, dict):
        raise ValidationError(_("Translations are a map of language to texts."), code="bad")
    for language, texts in value.items():
        if language not in languages or not isinstance(texts, dict):
            raise ValidationError(
                _("“%(language)s” is not a language of this site."),
                code="bad_language",
                params={"language": language},
            )
        if not all(isinstance(text, str) and len(text) <= 2000 for text in texts.values()):
            raise ValidationError(_("A translation is a text of 2,000 characters at most."))


class TranslatedTexts:
    """Names and texts in the reader's language, from a `translations` JSON field.

    One field per object (`{"uk": {"name": …, "description": …}}`) rather than a column per
    language or a table: the object is always read with its translations, a language added
    to the site needs no migration, and events keep theirs the same way. A text missing in a
    language falls back to the object's own (the one the host typed first).
    """

    # The fields a host may give in other languages; each class names its own.
    translated_fields: tuple[str, ...] = ("name",)

    def text_in(self, field: str, language: str | None) -> str:
        translated = (self.translations or {}).get(language or "") or {}
        return translated.get(field) or getattr(self, field)

    def name_in(self, language: str | None) -> str:
        return self.text_in("name", language)
