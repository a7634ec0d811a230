"""Pages of sign-up: the form, then the code from the SMS; a number that has an account sees
the very same pages (its owner is texted instead of a code)."""

from functools import partial

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cowork.models import Membership, Space
from cowork.models.spaces import COUNTRIES
from cowork.phones import mobile_hint, phone_for_centre
from cowork.services.accounts.sign_up import (
    NAME_MAX_LENGTH,
    SignUpDetails,
    email_in_use,
    person_name_clean,
    sign_up_complete,
    sign_up_request,
)
from cowork.web.accounts.common import (
    WRONG_CODE,
    CodeForm,
    NewPasswordField,
    code_asked,
    code_page,
    code_signed_in,
    phone_widget,
    safe_next,
    signed_in_next,
    with_next,
)

SESSION_DETAILS = "accounts.sign_up.details"


def centre_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Open centres grouped by country, in the order the home page lists them."""
    names = dict(COUNTRIES)
    groups: dict[str, list[tuple[str, str]]] = {}
    for space in Space.objects.filter(is_active=True).order_by("country", "city", "name"):
        name = space.name_in(get_language())
        label = f"{name} ({space.city})" if space.city not in space.name else name
        groups.setdefault(space.country, []).append((str(space.pk), label))
    return [(str(names.get(country, country)), group) for country, group in groups.items()]


class NameField(forms.CharField):
    def __init__(self, **kwargs):
        # A little longer than allowed, so that a long name gets our message, not the browser's.
        kwargs.setdefault("label", _("Your name"))
        super().__init__(max_length=NAME_MAX_LENGTH * 4, **kwargs)
        self.widget.attrs.update({"autocomplete": "name", "maxlength": str(NAME_MAX_LENGTH)})

    def clean(self, value):
        return person_name_clean(super().clean(value))


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile phone number"))
        super().__init__(max_length=32, widget=phone_widget(), **kwargs)


class LanguageField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(label=_("Language of your messages"), choices=settings.LANGUAGES, **kwargs)


class SignUpForm(forms.Form):
    name = NameField()
    phone = PhoneField()
    language = LanguageField()
    centres = forms.MultipleChoiceField(
        label=_("The centres you use"),
        help_text=_("Tick one or more. We read your phone number in the first one's country."),
        widget=forms.CheckboxSelectMultiple,
    )
    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = NewPasswordField(
        label=_("Password (optional)"),
        required=False,
        help_text=_("Without one, you sign in with a code by SMS."),
    )

    def __init__(self, *args, centre: Space | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centres"].choices = centre_choices()
        self.fields["language"].initial = translation.get_language()
        if centre is not None:
            self.fields["centres"].initial = [str(centre.pk)]
        self.fields["phone"].help_text = phone_hint(self._first_centre() or centre)

    def _first_centre(self) -> Space | None:
        if not self.is_bound:
            return None
        ids = [pk for pk in self.data.getlist("centres") if pk.isdigit()]
        return Space.objects.filter(pk=ids[0], is_active=True).first() if ids else None

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email_in_use(email):
            raise ValidationError(
                _("This e-mail address is used by another account."), code="email_in_use"
            )
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if password:
            password_validation.validate_password(password)
        return password

    def clean(self):
        cleaned = super().clean()
        ids = cleaned.get("centres")
        raw_phone = cleaned.get("phone")
        if not ids or raw_phone is None:
            return cleaned
        spaces = {str(s.pk): s for s in Space.objects.filter(pk__in=ids, is_active=True)}
        chosen = [spaces[pk] for pk in ids if pk in spaces]
        try:
            phone = phone_for_centre(raw_phone, space=chosen[0])
            for space in chosen[1:]:
                phone_for_centre(phone, space=space)  # accepted there too
        except ValidationError as error:
            self.add_error("phone", error)
            return cleaned
        cleaned["phone"] = phone
        cleaned["spaces"] = chosen
        return cleaned

    def details(self) -> SignUpDetails:
        data = self.cleaned_data
        return SignUpDetails(
            name=data["name"],
            phone=data["phone"],
            language=data["language"],
            space_ids=tuple(space.pk for space in data["spaces"]),
            email=data["email"],
            password_hash=make_password(data["password"]) if data["password"] else "",
        )


def phone_hint(space: Space | None) -> str:
    if space is not None:
        return mobile_hint(space.country)
    return gettext(
        "Written without its country code, a number is read in the country of the first "
        "centre you choose."
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sign_up(request):
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return signed_in_next(next_url)
    centre = Space.objects.filter(slug=request.GET.get("centre", ""), is_active=True).first()
    form = SignUpForm(request.POST if request.method == "POST" else None, centre=centre)
    status = 200
    if form.is_valid():
        details = form.details()
        ask = partial(sign_up_request, details=details)
        if code_asked(request, form, ask, keep=(SESSION_DETAILS, details.to_dict())):
            return redirect(with_next(reverse("accounts:sign-up-code"), next_url))
        status = 429
    elif request.method == "POST":
        status = 400
    return render(
        request, "cowork/accounts/sign_up.html", {"form": form, "next": next_url}, status=status
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sign_up_code(request):
    page = code_page(request, session_key=SESSION_DETAILS, first_page="accounts:sign-up")
    if not page.kept:
        return redirect(page.first_page_url)
    details = SignUpDetails.from_dict(page.kept)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            user = sign_up_complete(details=details, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if user is not None:
                code_signed_in(request, user, session_key=SESSION_DETAILS)
                messages.success(request, welcome(user))
                return signed_in_next(page.next_url)
            form.add_error("code", WRONG_CODE)
    return page.render(request, "cowork/accounts/sign_up_code.html", form, phone=details.phone)


def welcome(user) -> str:
    waiting = user.member.memberships.filter(status=Membership.Status.PENDING).select_related(
        "space"
    )
    if waiting:
        return gettext(
            "Welcome! Your account is ready. %(centres)s will tell you by SMS once a host "
            "has approved you."
        ) % {"centres": ", ".join(m.space.name_in(get_language()) for m in waiting)}
    return gettext("Welcome! Your account is ready: you can book now.")
