"""What the account pages share: where to go next, and the form of a code from an SMS."""

import re
from urllib.parse import urlencode

from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from cowork.services.accounts.codes import CODE_DIGITS

# A code pasted or typed in groups ("123 456", "123-456") is still the code.
_CODE_SEPARATORS = re.compile(r"[\s-]")

TOO_MANY_ASKS = _(
    "Too many codes were asked for from this network. Please try again in an hour, or sign "
    "in with your password."
)
WRONG_CODE = _("This code is not right or no longer valid. Check the SMS, or ask for a new code.")


def safe_next(request) -> str:
    """The `next` URL if it stays on this site, else ""."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else ""


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def phone_widget() -> forms.TextInput:
    return forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"})


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=16,
        help_text=_("6 digits."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = _CODE_SEPARATORS.sub("", self.cleaned_data["code"])
        if not (code.isascii() and code.isdigit() and len(code) == CODE_DIGITS):
            raise forms.ValidationError(
                _("Type the 6 digits of the code from the SMS."), code="code_format"
            )
        return code


class LinkedChannelCodeForm(CodeForm):
    """A code that may have come by Telegram or WhatsApp: sign-in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("The code we sent you")
