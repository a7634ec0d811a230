"""Names and texts of centres and resources in the reader's language (`TranslatedTexts`)."""

from django import template
from django.utils.translation import get_language

from cowork.phones import mask_phone_for_staff

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
def place(event) -> str:
    """`{{ event|place }}`: where an event is held, its rooms named in the active language."""
    return event.place_name_in(get_language())


@register.filter
def staff_phone(phone: str) -> str:
    """`{{ invitation.phone|staff_phone }}`: `+99450*****67`, enough to tell numbers apart on a
    host's page, never enough to dial one (`mask_phone_for_staff`)."""
    return mask_phone_for_staff(phone or "")
