"""Pages of a change of phone number, linked from the profile: the new number, then the code
sent to it. The URL name for links is `accounts:phone-change`."""

from functools import partial

import phonenumbers
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cowork.models import Member
from cowork.phones import mask_phone_for_staff, mobile_hint, phone_for_centre, sms_phone_to_e164
from cowork.services.accounts.phone_change import (
    member_first_centre,
    phone_change_confirm,
    phone_change_request,
)
from cowork.web.accounts.common import WRONG_CODE, CodeForm, code_asked
from cowork.web.accounts.sign_up import PhoneField

SESSION_PHONE = "accounts.phone_change.phone"


class NewPhoneForm(forms.Form):
    phone = PhoneField(label=gettext_lazy("New mobile phone number"))

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre = member_first_centre(member)
        self.fields["phone"].help_text = (
            mobile_hint(self.centre.country)
            if self.centre is not None
            else _("With the country code, e.g. +994 50 123 45 67.")
        )

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"]
        if self.centre is not None:
            return phone_for_centre(raw, space=self.centre)
        # Nothing to read a national number in: only an explicit +country number will do,
        # and then of a country that has mobile numbers.
        needs_country = ValidationError(
            _("Write a mobile number with its country code, e.g. +994 50 123 45 67."),
            code="phone_needs_country",
        )
        try:
            country = phonenumbers.region_code_for_number(phonenumbers.parse(raw, None))
        except phonenumbers.NumberParseException:
            raise needs_country from None
        if country not in phonenumbers.SUPPORTED_REGIONS:
            raise needs_country
        return sms_phone_to_e164(raw, country=country)


def _member(request) -> Member:
    return Member.objects.get_or_create(user=request.user)[0]


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def phone_change(request):
    member = _member(request)
    form = NewPhoneForm(request.POST if request.method == "POST" else None, member=member)
    status = 200
    if form.is_valid():
        new_phone = form.cleaned_data["phone"]
        ask = partial(phone_change_request, member=member, new_phone=new_phone)
        if code_asked(request, form, ask, keep=(SESSION_PHONE, new_phone)):
            return redirect("accounts:phone-change-code")
        status = 429
    elif request.method == "POST":
        status = 400
    context = {"form": form, "current": member.phone}
    return render(request, "cowork/accounts/phone_change.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def phone_change_code(request):
    new_phone = request.session.get(SESSION_PHONE)
    if not new_phone:
        return redirect("accounts:phone-change")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        changed = phone_change_confirm(
            member=_member(request), new_phone=new_phone, code=form.cleaned_data["code"]
        )
        if changed:
            request.session.pop(SESSION_PHONE, None)
            messages.success(
                request,
                _("Your phone number is now %(phone)s. We told the old number by SMS.")
                % {"phone": new_phone},
            )
            return redirect("home")
        form.add_error("code", WRONG_CODE)
    context = {"form": form, "masked_phone": mask_phone_for_staff(new_phone)}
    return render(request, "cowork/accounts/phone_change_code.html", context)
