"""Pages of sign-in by SMS code: ask for a code with a phone number, then type the code.

Thin shims over `cowork.services.accounts.sign_in`. The phone typed on the first page waits
in the session for the second, so the code page asks for the code alone.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cowork.phones import mask_phone_for_staff, phone_to_e164
from cowork.services.accounts.codes import PhoneCodeAddressLimited
from cowork.services.accounts.sign_in import sign_in_code_request, sign_in_code_verify
from cowork.web.accounts.common import (
    TOO_MANY_ASKS,
    WRONG_CODE,
    LinkedChannelCodeForm,
    phone_widget,
    safe_next,
    with_next,
)
from cowork.web.client_ip import client_ip

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


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_sms(request):
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    form = PhoneForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            sign_in_code_request(phone=phone, ip=client_ip(request))
        except PhoneCodeAddressLimited:
            form.add_error(None, TOO_MANY_ASKS)
            status = 429
        else:
            request.session[SESSION_PHONE] = phone
            return redirect(with_next(reverse("accounts:sign-in-sms-code"), next_url))
    return render(
        request,
        "cowork/accounts/sign_in_sms.html",
        {"form": form, "next": next_url},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_sms_code(request):
    next_url = safe_next(request)
    phone = request.session.get(SESSION_PHONE)
    if not phone:
        return redirect(with_next(reverse("accounts:sign-in-sms"), next_url))
    form = LinkedChannelCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = sign_in_code_verify(phone=phone, code=form.cleaned_data["code"])
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session.pop(SESSION_PHONE, None)
            return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
        form.add_error("code", WRONG_CODE)
    return render(
        request,
        "cowork/accounts/sign_in_sms_code.html",
        {
            "form": form,
            "next": next_url,
            "masked_phone": mask_phone_for_staff(phone),
            "new_code_url": with_next(reverse("accounts:sign-in-sms"), next_url),
        },
    )
