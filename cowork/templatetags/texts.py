"""Names and texts of centres and resources in the reader's language (`TranslatedTexts`)."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def tr(obj, field: str = "name") -> str:
    """`{{ space|tr }}`, `{{ resource|tr }}`, `{{ space|tr:"directions" }}`: the text in the
    active language where the host gave one, else as the host typed it first."""
    if obj is None or obj == "":
        return ""
    text_in = getattr(obj, "text_in", None)
    if text_in is None:  # a live view's snapshot row, shared by readers of every language
        return obj.get(field, "") if isinstance(obj, dict) else getattr(obj, field, "")
    return text_in(field, get_language())


@register.filter
def names_joined(objects, separator: str = " + ") -> str:
    """`{{ rooms|names_joined }}`: "Зал 1 + Зал 2", each name in the active language."""
    return separator.join(tr(obj) for obj in objects or ())
