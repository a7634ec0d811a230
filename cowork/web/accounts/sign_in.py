"""Pages of sign-in by SMS code: ask for a code with a phone number, then type the code.

Thin shims over `cowork.services.accounts.sign_in`. The phone typed on the first page waits
in the session for the second, so the code page asks for the code alone.
"""

from functools import partial

from django import forms
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cowork.phones import phone_to_e164
from cowork.services.accounts.sign_in import sign_in_code_request, sign_in_code_verify
from cowork.web.accounts.common import (
    WRONG_CODE,
    LinkedChannelCodeForm,
    code_asked,
    code_page,
    code_signed_in,
    phone_widget,
    safe_next,
    signed_in_next,
    with_next,
)

SESSION_PHONE = "accounts.sign_in.phone"


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        help_text=_("With the country code, e.g. +994 50 123 45 67."),
        widget=phone_widget(),
    )

    def clean_phone(self) -> str:
        return phone_to_e164(self.cleaned_data["phone"])


def phone_code_page(
    request,
    template: str,
    *,
    code_page: str,
    request_code,
    session_key: str,
    context: dict | None = None,
):
    """A first page of a code by SMS, asking for a phone number: a valid number is sent a code
    (`request_code(phone=..., ip=...)`) and kept in the session under `session_key`, and the
    person goes on to `code_page` (a URL or its name); else `template` again with `context` and
    the form (429 when this network asked for too many codes)."""
    form = PhoneForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        phone = form.cleaned_data["phone"]
        ask = partial(request_code, phone=phone)
        if code_asked(request, form, ask, keep=(session_key, phone)):
            return redirect(code_page)
        status = 429
    return render(request, template, {**(context or {}), "form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_sms(request):
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return signed_in_next(next_url)
    return phone_code_page(
        request,
        "cowork/accounts/sign_in_sms.html",
        code_page=with_next(reverse("accounts:sign-in-sms-code"), next_url),
        request_code=sign_in_code_request,
        session_key=SESSION_PHONE,
        context={"next": next_url},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_sms_code(request):
    page = code_page(request, session_key=SESSION_PHONE, first_page="accounts:sign-in-sms")
    phone = page.kept
    if not phone:
        return redirect(page.first_page_url)
    form = LinkedChannelCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = sign_in_code_verify(phone=phone, code=form.cleaned_data["code"])
        if user is not None:
            code_signed_in(request, user, session_key=SESSION_PHONE)
            return signed_in_next(page.next_url)
        form.add_error("code", WRONG_CODE)
    return page.render(request, "cowork/accounts/sign_in_sms_code.html", form, phone=phone)
