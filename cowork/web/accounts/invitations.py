"""Pages of invitations: a host invites a phone; the person opens the link from the SMS."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cowork.errors import DomainError
from cowork.phones import mask_phone_for_staff, mobile_hint, phone_for_centre
from cowork.services.accounts.invitations import (
    invitation_accept_member,
    invitation_accept_new,
    invitation_open,
    invitation_send,
    phone_has_account,
)
from cowork.web.accounts.common import signed_in_next, with_next
from cowork.web.accounts.hosts import managed_space, members_page
from cowork.web.accounts.sign_up import LanguageField, NameField, PhoneField


class InviteForm(forms.Form):
    phone = PhoneField()

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        self.space = space
        self.fields["phone"].help_text = mobile_hint(space.country)

    def clean_phone(self) -> str:
        return phone_for_centre(self.cleaned_data["phone"], space=self.space)


class AcceptForm(forms.Form):
    name = NameField()
    language = LanguageField()


@login_required
@require_POST
def invite(request, slug):
    space = managed_space(request, slug)
    form = InviteForm(request.POST, space=space)
    if not form.is_valid():
        return members_page(request, space, invite_form=form, status=400)
    invitation = invitation_send(space=space, host=request.user, phone=form.cleaned_data["phone"])
    messages.success(
        request,
        _("An invitation is on its way by SMS to %(phone)s.")
        % {"phone": mask_phone_for_staff(invitation.phone)},
    )
    return redirect("accounts:members", slug=space.slug)


@never_cache
@require_http_methods(["GET", "POST"])
def accept(request, token):
    invitation = invitation_open(token=token)
    if invitation is None:
        return render(request, "cowork/accounts/invitation_gone.html", status=410)
    context = {"invitation": invitation, "space": invitation.space}
    if request.user.is_authenticated:
        return _accept_signed_in(request, token, context)
    if phone_has_account(invitation.phone):
        here = reverse("accounts:invitation", args=[token])
        context["sign_in_url"] = with_next(reverse("accounts:sign-in-sms"), here)
        context["password_url"] = with_next(reverse("login"), here)
        return render(request, "cowork/accounts/invitation_sign_in.html", context)
    form = AcceptForm(
        request.POST if request.method == "POST" else None,
        initial={"language": translation.get_language()},
    )
    if form.is_valid():
        try:
            user = invitation_accept_new(token=token, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready: you can book now."))
            _role_given(request, invitation)
            return signed_in_next()
    context["form"] = form
    context["masked_phone"] = mask_phone_for_staff(invitation.phone)
    status = 400 if request.method == "POST" else 200
    return render(request, "cowork/accounts/invitation.html", context, status=status)


def _accept_signed_in(request, token, context):
    if request.method == "POST":
        try:
            membership = invitation_accept_member(token=token, user=request.user)
        except DomainError as error:
            context["error"] = error.message
            return render(request, "cowork/accounts/invitation_join.html", context, status=403)
        messages.success(
            request,
            _("You are a member of %(centre)s.")
            % {"centre": membership.space.name_in(get_language())},
        )
        _role_given(request, context["invitation"])
        return signed_in_next()
    return render(request, "cowork/accounts/invitation_join.html", context)


def _role_given(request, invitation) -> None:
    if invitation.role:
        messages.success(
            request,
            _("Your role at %(name)s: %(role)s.")
            % {
                "name": invitation.space.name_in(get_language()),
                "role": invitation.get_role_display(),
            },
        )
