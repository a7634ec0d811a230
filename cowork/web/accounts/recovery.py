"""Pages of recovery: a new password by e-mail (Django's views, our templates) or by a code
sent by SMS to the member's phone. Both answer alike whether or not an account matches."""

from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cowork.phones import mask_phone_for_staff
from cowork.services.accounts.recovery import password_recover, recovery_code_request
from cowork.web.accounts.common import (
    WRONG_CODE,
    CodeForm,
    NewPasswordField,
    code_signed_in,
)
from cowork.web.accounts.sign_in import phone_code_page

SESSION_PHONE = "accounts.recovery.phone"
_TEMPLATES = "cowork/accounts/password_reset"

password_reset = auth_views.PasswordResetView.as_view(
    template_name=f"{_TEMPLATES}_form.html",
    email_template_name=f"{_TEMPLATES}_email.txt",
    subject_template_name=f"{_TEMPLATES}_subject.txt",
    success_url=reverse_lazy("accounts:password-reset-done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name=f"{_TEMPLATES}_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name=f"{_TEMPLATES}_confirm.html",
    success_url=reverse_lazy("accounts:password-reset-complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name=f"{_TEMPLATES}_complete.html"
)


class NewPasswordForm(CodeForm):
    new_password1 = NewPasswordField(
        label=gettext_lazy("New password"),
        help_text=password_validation.password_validators_help_text_html,
    )
    new_password2 = NewPasswordField(label=gettext_lazy("New password again"))

    def clean_new_password2(self) -> str:
        first = self.cleaned_data.get("new_password1")
        second = self.cleaned_data["new_password2"]
        if first and first != second:
            raise ValidationError(_("The two passwords differ."), code="password_mismatch")
        return second


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_sms(request):
    return phone_code_page(
        request,
        "cowork/accounts/password_reset_sms.html",
        code_page="accounts:password-reset-sms-code",
        request_code=recovery_code_request,
        session_key=SESSION_PHONE,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_sms_code(request):
    phone = request.session.get(SESSION_PHONE)
    if not phone:
        return redirect("accounts:password-reset-sms")
    form = NewPasswordForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            user = password_recover(
                phone=phone,
                code=form.cleaned_data["code"],
                password=form.cleaned_data["new_password1"],
            )
        except ValidationError as error:
            form.add_error("new_password1", error)
        else:
            if user is not None:
                code_signed_in(request, user, session_key=SESSION_PHONE)
                messages.success(request, _("Your new password is set, and you are signed in."))
                return redirect("home")
            form.add_error("code", WRONG_CODE)
    return render(
        request,
        "cowork/accounts/password_reset_sms_code.html",
        {
            "form": form,
            "masked_phone": mask_phone_for_staff(phone),
            "new_code_url": reverse("accounts:password-reset-sms"),
        },
    )
