"""Counting walk-in visitors: the "+1 visitor" tap on the live page and on the door tablet,
and the door kiosk where visitors sign themselves in.

Every form works as a plain POST (answered with a redirect back, or the page with its error)
and, with visitors.js, without reloading (answered in JSON). Each form carries a fresh
client key, so a tap retried after a dropped connection is counted once.
"""

import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cowork.errors import DomainError
from cowork.models import DisplayToken, Space, WalkInSource
from cowork.models.people import AgeBand, Gender
from cowork.selectors.access import user_works_at_space
from cowork.selectors.occupancy import space_figures
from cowork.services.visits import WalkInResult, walk_in_record
from cowork.web.common import active_space, error_status
from cowork.web.live import shapes

NOT_SAID = [("", gettext_lazy("Not said"))]


def new_client_key() -> str:
    return uuid.uuid4().hex


class VisitorForm(forms.Form):
    """One walk-in: the tap's key and, if the visitor says, their sex and age band."""

    client_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    gender = forms.ChoiceField(
        label=gettext_lazy("Sex (optional)"),
        choices=NOT_SAID + Gender.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    age_band = forms.ChoiceField(
        label=gettext_lazy("Age (optional)"),
        choices=NOT_SAID + AgeBand.choices,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, prefix_id: str = "visitor", **kwargs):
        kwargs.setdefault("initial", {"client_key": new_client_key(), "gender": "", "age_band": ""})
        kwargs.setdefault("auto_id", f"{prefix_id}-%s")
        super().__init__(*args, **kwargs)


class KioskForm(VisitorForm):
    """A visitor signing themselves in: their phone if they want to be recognised, and their
    sex and age band only with their consent, as the registration form asks."""

    phone = forms.CharField(
        label=gettext_lazy("Your phone (optional)"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        help_text=gettext_lazy("Type it to be recognised when you come again."),
    )
    consent = forms.BooleanField(
        label=gettext_lazy("I agree that the answers below are kept for the centre's reports."),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if (data.get("gender") or data.get("age_band")) and not data.get("consent"):
            self.add_error(
                "consent",
                _("These answers are kept only with your consent; tick the consent box."),
            )
        return data


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _answer_json(result: WalkInResult | None, space: Space, *, error: str = "", status=200):
    figures = space_figures(space=space, now=timezone.now())
    body = {
        "counted": bool(result and result.counted),
        "returning": bool(result and result.returning),
        "visits_today": figures["visits_today"],
        "unique_visitors_today": figures["unique_visitors_today"],
        "client_key": new_client_key(),
    }
    if error:
        body["error"] = error
    return shapes.json_response(body, status=status)


def _form_error(form: forms.Form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def _record(form: VisitorForm, space: Space, **who) -> WalkInResult:
    data = form.cleaned_data
    return walk_in_record(
        space=space,
        client_key=data["client_key"],
        gender=data.get("gender", ""),
        age_band=data.get("age_band", ""),
        phone=data.get("phone", ""),
        **who,
    )


def _tablet(key: str) -> DisplayToken | None:
    """The working lobby display this key opens: the door tablet."""
    return (
        DisplayToken.objects.select_related("space")
        .filter(
            key_hash=DisplayToken.hash(key),
            revoked_at__isnull=True,
            space__is_active=True,
            room__isnull=True,
        )
        .first()
    )


def _tap(request, form: VisitorForm, space: Space, back: str, **who):
    """Count the tap of a "+1 visitor" form; answer in JSON or by a redirect to `back`."""
    if not form.is_valid():
        if _wants_json(request):
            return _answer_json(None, space, error=_form_error(form), status=400)
        return redirect(f"{back}?visitor=invalid#visitor")
    try:
        result = _record(form, space, **who)
    except DomainError as refusal:
        if _wants_json(request):
            return _answer_json(None, space, error=refusal.message, status=error_status(refusal))
        raise PermissionDenied(refusal.message) from refusal
    if _wants_json(request):
        return _answer_json(result, space)
    return redirect(f"{back}?visitor={'counted' if result.counted else 'again'}#visitor")


@login_required
@require_POST
def live_visitor(request, slug):
    """The host's "+1 visitor" on the live page."""
    space = active_space(slug)
    if not user_works_at_space(user=request.user, space=space):
        raise PermissionDenied(_("Only the centre's hosts and staff count visitors."))
    back = reverse("web:live-dashboard", args=[space.slug])
    return _tap(
        request,
        VisitorForm(request.POST),
        space,
        back,
        source=WalkInSource.LIVE,
        logged_by=request.user,
    )


@require_POST
def tablet_visitor(request, key):
    """The "+1 visitor" of the door tablet (a lobby display), opened by its key."""
    token = _tablet(key)
    if token is None:
        return shapes.no_store(render(request, "cowork/live/display_gone.html", status=404))
    back = reverse("web:display", args=[key])
    return _tap(
        request,
        VisitorForm(request.POST),
        token.space,
        back,
        source=WalkInSource.TABLET,
        display=token,
    )


VISITOR_NOTICES = {
    "counted": gettext_lazy("Counted: one more visitor."),
    "again": gettext_lazy("That tap was counted already."),
    "invalid": gettext_lazy("Nothing counted: choose from the list and tap again."),
}


def visitor_notice(request) -> str:
    """What the page says after a plain (no-JS) "+1 visitor" post redirected back to it."""
    notice = VISITOR_NOTICES.get(request.GET.get("visitor", ""))
    return str(notice) if notice else ""


def _kiosk_page(request, token, form, *, status=200, result: WalkInResult | None = None):
    context = {
        "space": token.space,
        "form": form,
        "result": result,
        "action": reverse("web:door-kiosk", args=[request.resolver_match.kwargs["key"]]),
    }
    response = render(request, "cowork/live/kiosk.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return shapes.no_store(response)


@require_http_methods(["GET", "POST"])
def door_kiosk(request, key):
    """The door kiosk: a visitor signs in, with their phone and answers if they want."""
    token = _tablet(key)
    if token is None:
        return shapes.no_store(render(request, "cowork/live/display_gone.html", status=404))
    if request.method == "GET":
        return _kiosk_page(request, token, KioskForm(prefix_id="kiosk"))
    form = KioskForm(request.POST, prefix_id="kiosk")
    if not form.is_valid():
        return _kiosk_page(request, token, form, status=400)
    try:
        result = _record(form, token.space, source=WalkInSource.KIOSK, display=token)
    except DomainError as refusal:
        field = "phone" if refusal.code == "bad_phone" else None
        form.add_error(field, refusal.message)
        return _kiosk_page(request, token, form, status=error_status(refusal))
    # A fresh, empty form for the next visitor, under the welcome of this one.
    return _kiosk_page(request, token, KioskForm(prefix_id="kiosk"), result=result)
