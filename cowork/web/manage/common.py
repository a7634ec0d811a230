"""What every management page does alike: find the centre, check who asks, show refusals."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cowork.errors import DomainError
from cowork.models import Space
from cowork.selectors.access import user_manages_space
from cowork.services.centres.stranded import StrandsBookings
from cowork.web.common import error_status

# The sections of a centre's management, in the order of its tabs.
SECTIONS = [
    ("details", "web:manage-centre", gettext_lazy("Details")),
    ("photo", "web:manage-photo", gettext_lazy("Photo")),
    ("hours", "web:manage-hours", gettext_lazy("Opening hours")),
    ("closures", "web:manage-closures", gettext_lazy("Closures")),
    ("resources", "web:manage-resources", gettext_lazy("Resources")),
    ("plan", "web:manage-plan", gettext_lazy("Floor plan")),
    ("rules", "web:manage-rules", gettext_lazy("Booking rules")),
    ("people", "web:manage-people", gettext_lazy("Hosts and staff")),
    ("sms", "web:manage-sms", gettext_lazy("SMS")),
]


def managed_space(request, slug: str) -> Space:
    """The centre `slug` names (inactive ones too), or 404; 403 unless `request.user`
    manages it. Centres are public, so a 403 tells nothing a visitor could not see."""
    space = get_object_or_404(Space.objects.select_related("organization"), slug=slug)
    if not user_manages_space(user=request.user, space=space):
        raise PermissionDenied(_("Only the centre's hosts and network administrators manage it."))
    return space


def managed_item(request, slug: str, model, pk):
    """The centre `slug` names, as `managed_space` gives it, and its `model` row `pk`, or 404."""
    space = managed_space(request, slug)
    return space, get_object_or_404(model, pk=pk, space=space)


def show_refusal(form: forms.Form | None, refusal: DomainError) -> None:
    """Put a service's refusal on the form: on the fields it names, else on the whole form."""
    if form is None:
        return
    fields = refusal.details.get("fields")
    if isinstance(fields, dict):
        for name, errors in fields.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        form.add_error(None, refusal.message)


def page(request, space: Space, section: str, template: str, context: dict, *, status=200):
    """Render a section of the centre's management with its tabs."""
    return render(
        request,
        template,
        {"space": space, "section": section, "sections": SECTIONS, **context},
        status=status,
    )


def refusal_context(refusal: DomainError, request) -> dict:
    """What a page shows for a refusal: a change that strands bookings lists them and asks
    again with everything the person sent, this time cancelling them."""
    if isinstance(refusal, StrandsBookings):
        resend = [
            (key, value)
            for key in request.POST
            if key not in ("csrfmiddlewaretoken", "cancel_bookings")
            for value in request.POST.getlist(key)
        ]
        return {
            "stranded": refusal.bookings,
            "stranded_events": refusal.events,
            "stranded_message": refusal.message,
            "resend": resend,
        }
    return {}


def refused_status(refusal: DomainError) -> int:
    return error_status(refusal)


def refusal_shown(request, form: forms.Form | None, refusal: DomainError) -> tuple[dict, int]:
    """Put a refusal on the form; what the page then adds for it, and the page's status."""
    show_refusal(form, refusal)
    return refusal_context(refusal, request), refused_status(refusal)


def cancelled_notice(request, cancelled: int) -> None:
    if cancelled:
        messages.info(
            request,
            ngettext(
                "%(count)d booking was cancelled; its holder is told.",
                "%(count)d bookings were cancelled; their holders are told.",
                cancelled,
            )
            % {"count": cancelled},
        )


@dataclass(frozen=True)
class Submitted:
    """What became of a posted form: `saved` with the service's `result`, else the page is
    shown again with `status`, and `context` is what it adds for a refusal."""

    saved: bool
    result: object = None
    context: dict = field(default_factory=dict)
    status: int = 400


def submit(request, form: forms.Form, save: Callable[[], object]) -> Submitted:
    """A posted form: when valid, `save()` calls the service; its refusal goes on the form."""
    if not form.is_valid():
        return Submitted(saved=False)
    try:
        result = save()
    except DomainError as refusal:
        context, status = refusal_shown(request, form, refusal)
        return Submitted(saved=False, context=context, status=status)
    return Submitted(saved=True, result=result)
