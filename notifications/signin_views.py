"""Pages of sign-in by SMS code: ask for a code with a phone number, then type the code.

Thin shims over `notifications.signin`. The phone typed on the first page waits in the
session for the second, so the code page asks for the code alone.
"""

import re
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cowork.phones import mask_phone_for_staff, phone_to_e164
from cowork.web.client_ip import client_ip
from notifications.signin import (
    CODE_DIGITS,
    SignInAddressLimited,
    sign_in_code_request,
    sign_in_code_verify,
)

SESSION_PHONE = "notifications.signin.phone"
# A code pasted or typed in groups ("123 456", "123-456") is still the code.
_CODE_SEPARATORS = re.compile(r"[\s-]")


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        help_text=_("With the country code, e.g. +994 50 123 45 67."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_phone(self) -> str:
        return phone_to_e164(self.cleaned_data["phone"])


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


def _safe_next(request) -> str:
    """The `next` URL if it stays on this site, else ""."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else ""


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_sms(request):
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    form = PhoneForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            sign_in_code_request(phone=phone, ip=client_ip(request))
        except SignInAddressLimited:
            form.add_error(
                None,
                _(
                    "Too many codes were asked for from this network. Please try again in "
                    "an hour, or sign in with your password."
                ),
            )
            status = 429
        else:
            request.session[SESSION_PHONE] = phone
            return redirect(_with_next(reverse("notifications:sign-in-sms-code"), next_url))
    return render(
        request,
        "notifications/sign_in_sms.html",
        {"form": form, "next": next_url},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_sms_code(request):
    next_url = _safe_next(request)
    phone = request.session.get(SESSION_PHONE)
    if not phone:
        return redirect(_with_next(reverse("notifications:sign-in-sms"), next_url))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = sign_in_code_verify(phone=phone, code=form.cleaned_data["code"])
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session.pop(SESSION_PHONE, None)
            return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
        form.add_error(
            "code",
            _("This code is not right or no longer valid. Check the SMS, or ask for a new code."),
        )
    return render(
        request,
        "notifications/sign_in_sms_code.html",
        {
            "form": form,
            "next": next_url,
            "masked_phone": mask_phone_for_staff(phone),
            "new_code_url": _with_next(reverse("notifications:sign-in-sms"), next_url),
        },
    )
