"""The profile page: name, e-mail and language; reminders and quiet hours; the
optional demographics under consent. Each form posts to its own URL, calls one service
and comes back; a refusal shows the whole page again with the form's errors (status 400)
and nothing changed. Works without JavaScript."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cowork.errors import DomainError
from cowork.models import Member
from cowork.services.profile import (
    demographics_update,
    demographics_withdraw,
    member_for,
    profile_update,
    reminders_update,
)
from cowork.web.common import error_status
from cowork.web.profile.forms import (
    CENTRE_TIMES,
    MY_TIMES,
    WHY_ASKED,
    DemographicsForm,
    ProfileForm,
    RemindersForm,
)

# Which field a service's refusal is about; the rest go above the form.
FIELD_FOR_CODE = {
    "no_name": "name",
    "bad_name": "name",
    "name_too_long": "name",
    "bad_email": "email",
    "email_taken": "email",
    "bad_language": "language",
    "bad_reminders": "minutes",
    "bad_quiet_hours": "quiet_from",
    "demographics_without_consent": "consent",
}


def _profile_initial(member: Member) -> dict:
    user = member.user
    return {
        "name": user.get_full_name(),
        "email": user.email,
        "language": member.language,
    }


def _reminders_initial(member: Member) -> dict:
    return {
        "booking_reminders": member.booking_reminders,
        "event_reminders": member.event_reminders,
        "timing": MY_TIMES if member.reminder_minutes else CENTRE_TIMES,
        "minutes": member.reminder_minutes or [],
        "quiet_from": member.quiet_from,
        "quiet_until": member.quiet_until,
    }


def _demographics_initial(member: Member) -> dict:
    fields = DemographicsForm.base_fields
    initial = {field: getattr(member, field) for field in fields if field != "consent"}
    return {**initial, "consent": member.demographics_consent_at is not None}


def _phone_change_url() -> str | None:
    """The page where a member proves a new phone, once the accounts pages offer one."""
    try:
        return reverse("accounts:phone-change")
    except NoReverseMatch:
        return None


def _render(request, member: Member, *, status: int = 200, **bound):
    context = {
        "member": member,
        "profile_form": bound.get("profile_form") or ProfileForm(initial=_profile_initial(member)),
        "reminders_form": bound.get("reminders_form")
        or RemindersForm(initial=_reminders_initial(member)),
        "demographics_form": bound.get("demographics_form")
        or DemographicsForm(initial=_demographics_initial(member)),
        "why_asked": WHY_ASKED,
        "phone_change_url": _phone_change_url(),
    }
    return render(request, "cowork/profile/profile.html", context, status=status)


def _refused(request, member, form, error: DomainError, name: str):
    form.add_error(FIELD_FOR_CODE.get(error.code), error.message)
    return _render(request, member, status=error_status(error), **{name: form})


def _posted(request, member, form, name: str, *, save: Callable[[dict], object], done):
    """One of the page's forms, posted: when valid, `save(cleaned_data)` calls its service
    and `done(result)` answers; else the whole page again with the form's errors (400, or
    the refusal's status)."""
    if not form.is_valid():
        return _render(request, member, status=400, **{name: form})
    try:
        result = save(form.cleaned_data)
    except DomainError as error:
        return _refused(request, member, form, error, name)
    return done(result)


def _saved(request, message: str, anchor: str = ""):
    """Back to the page (at `anchor`), saying what was saved."""
    messages.success(request, message)
    return redirect(reverse("web:profile") + anchor)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    member = member_for(user=request.user)
    if request.method != "POST":
        return _render(request, member)
    return _posted(
        request,
        member,
        ProfileForm(request.POST),
        "profile_form",
        save=lambda data: profile_update(
            user=request.user, name=data["name"], email=data["email"], language=data["language"]
        ),
        done=lambda saved: _profile_saved(request, saved),
    )


def _profile_saved(request, member: Member):
    response = _saved(request, _("Your profile is saved."))
    # The pages follow the language chosen here, as the SMS do.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        member.language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@login_required
@require_POST
def reminders(request):
    member = member_for(user=request.user)
    form = RemindersForm(request.POST)
    return _posted(
        request,
        member,
        form,
        "reminders_form",
        save=lambda data: reminders_update(
            member=member,
            booking_reminders=data["booking_reminders"],
            event_reminders=data["event_reminders"],
            reminder_minutes=form.reminder_minutes,
            quiet_from=data["quiet_from"],
            quiet_until=data["quiet_until"],
        ),
        done=lambda _member: _saved(request, _("Your reminders are saved."), "#reminders"),
    )


@login_required
@require_POST
def demographics(request):
    member = member_for(user=request.user)
    form = DemographicsForm(request.POST)
    return _posted(
        request,
        member,
        form,
        "demographics_form",
        save=lambda data: demographics_update(
            member=member, consent=data["consent"], answers=form.answers()
        ),
        done=lambda _member: _saved(
            request, _("Your answers are saved. Thank you."), "#demographics"
        ),
    )


@login_required
@require_POST
def demographics_withdrawal(request):
    demographics_withdraw(member=member_for(user=request.user))
    return _saved(
        request, _("Your consent is withdrawn and your answers are deleted."), "#demographics"
    )
