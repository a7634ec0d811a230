"""What the account pages share: where to go next, asking for a code and signing in with
it, and the form of a code from an SMS."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from cowork.phones import mask_phone_for_staff
from cowork.services.accounts.codes import CODE_DIGITS, PhoneCodeAddressLimited
from cowork.web.client_ip import client_ip

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


def signed_in_next(next_url: str = ""):
    """Where a person goes once signed in: `next_url`, else the usual landing page."""
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def code_asked(request, form: forms.Form, ask: Callable[..., object], *, keep: tuple) -> bool:
    """`ask(ip=...)` sends a code; then the session keeps `keep` (key, value) for the code
    page. False when this network asked too often: the form says so (the page answers 429)."""
    try:
        ask(ip=client_ip(request))
    except PhoneCodeAddressLimited:
        form.add_error(None, TOO_MANY_ASKS)
        return False
    key, value = keep
    request.session[key] = value
    return True


@dataclass(frozen=True)
class CodePage:
    """What a page asking for a code starts from: what the first page kept in the session
    for it (nothing: send the person back there), `next`, and the first page's URL with it."""

    kept: object
    next_url: str
    first_page_url: str

    def render(self, request, template: str, form: forms.Form, *, phone: str):
        """The code page: its form, the phone the code went to, masked, and `next` and the
        first page's URL (`first_page_url`) for its links."""
        context = {
            "form": form,
            "next": self.next_url,
            "masked_phone": mask_phone_for_staff(phone),
            "first_page_url": self.first_page_url,
        }
        return render(request, template, context)


def code_page(request, *, session_key: str, first_page: str) -> CodePage:
    next_url = safe_next(request)
    return CodePage(
        kept=request.session.get(session_key),
        next_url=next_url,
        first_page_url=with_next(reverse(first_page), next_url),
    )


def code_signed_in(request, user, *, session_key: str) -> None:
    """Sign in the person a code proved, and forget what the code page kept."""
    request.session.pop(session_key, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")


class NewPasswordField(forms.CharField):
    """A password being chosen: kept as typed, and offered by the browser's password manager."""

    def __init__(self, **kwargs):
        super().__init__(
            strip=False,
            max_length=128,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            **kwargs,
        )


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
