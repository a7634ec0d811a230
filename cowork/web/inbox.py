"""The host's inbox: everything that waits for their decision at the centres they manage,
whatever its day, with the decision at hand (plain forms, no script needed).

Each action calls one service; the person concerned is told by the notices the service's
domain event leads to. A refusal (decided meanwhile by another host) shows on the item.
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cowork.dates import local_datetime, local_time
from cowork.errors import DomainError
from cowork.models import Booking, Membership, Registration
from cowork.selectors.access import spaces_managed_by
from cowork.selectors.inbox import bookings_waiting, memberships_waiting_for, registrations_waiting
from cowork.services.accounts.memberships import membership_decide
from cowork.services.booking import booking_approve, booking_decline
from cowork.services.events.registrations import registration_approve, registration_cancel
from cowork.web.booking.common import say_done
from cowork.web.common import error_status
from cowork.web.events.common import request_language
from cowork.web.forms import DeclineForm, PersonReasonForm


@dataclass(frozen=True)
class Item:
    """One thing that waits, as the page shows it."""

    key: str  # "booking-12": the anchor, and where a refusal is shown
    what: str
    centre: str
    when: str
    who: str
    note: str
    approve_url: str
    decline_url: str
    reason: str  # "required", "optional" or "" (no reason asked)


def _require_host(request) -> None:
    if not spaces_managed_by(user=request.user).exists():
        raise PermissionDenied(_("Only the hosts of a centre have an inbox."))


def _waiting(request, rows, pk: str, *, space: str = "space"):
    """One waiting item (from `rows`) of a centre the host manages; 404 for any other.
    `space` is the lookup from the item to its centre."""
    _require_host(request)
    return get_object_or_404(
        rows, pk=int(pk), **{f"{space}__in": spaces_managed_by(user=request.user)}
    )


def _span(starts_at, ends_at, zone) -> str:
    return f"{local_datetime(starts_at, zone)}–{local_time(ends_at, zone)}"


def _items(request) -> dict[str, list[Item]]:
    user, now, language = request.user, timezone.now(), request_language(request)
    bookings = [
        Item(
            key=f"booking-{booking.pk}",
            what=booking.resource.name_in(get_language()),
            centre=booking.space.name_in(get_language()),
            when=_span(booking.starts_at, booking.ends_at, booking.space.zone),
            who=booking.booked_by.get_full_name() or booking.booked_by.get_username(),
            note=booking.purpose,
            approve_url=reverse("web:inbox-booking", args=[booking.pk, "approve"]),
            decline_url=reverse("web:inbox-booking", args=[booking.pk, "decline"]),
            reason="required",
        )
        for booking in bookings_waiting(host=user, now=now)
    ]
    registrations = [
        Item(
            key=f"registration-{registration.pk}",
            what=event.title_in(language),
            centre=event.space.name_in(get_language()),
            when=_span(event.starts_at, event.ends_at, event.space.zone),
            who=registration.participant.name,
            note=registration.accessibility_needs,
            approve_url=reverse("web:inbox-registration", args=[registration.pk, "approve"]),
            decline_url=reverse("web:inbox-registration", args=[registration.pk, "decline"]),
            reason="optional",
        )
        for registration in registrations_waiting(host=user, now=now)
        for event in [registration.event]
    ]
    memberships = [
        Item(
            key=f"membership-{membership.pk}",
            what=str(membership.member),
            centre=membership.space.name_in(get_language()),
            when=local_datetime(membership.created_at, membership.space.zone),
            who=str(membership.member.phone or ""),
            note="",
            approve_url=reverse("web:inbox-membership", args=[membership.pk, "approve"]),
            decline_url=reverse("web:inbox-membership", args=[membership.pk, "decline"]),
            reason="",
        )
        for membership in memberships_waiting_for(host=user)
    ]
    return {"bookings": bookings, "registrations": registrations, "memberships": memberships}


def _render(request, *, errors: dict[str, str] | None = None, status: int = 200):
    sections = _items(request)
    errors = errors or {}
    shown = {item.key for items in sections.values() for item in items}
    context = {
        **sections,
        "total": sum(len(items) for items in sections.values()),
        "errors": errors,
        # A refusal about something no longer waiting (decided by another host) has no
        # item to sit on.
        "other_errors": [text for key, text in errors.items() if key not in shown],
    }
    return render(request, "cowork/host/inbox.html", context, status=status)


@never_cache
@login_required
@require_GET
def inbox(request):
    _require_host(request)
    return _render(request)


def _refused(request, key: str, refusal: DomainError):
    return _render(request, errors={key: refusal.message}, status=error_status(refusal))


def _reason_refused(request, key: str, form):
    return _render(request, errors={key: " ".join(form.errors["reason"])}, status=400)


def _done(request, text: str, values: dict):
    say_done(request, text % values)
    return redirect("web:inbox")


@login_required
@require_POST
def booking_decide(request, pk: str, verdict: str):
    booking = _waiting(
        request, Booking.objects.select_related("resource", "space", "booked_by"), pk
    )
    key = f"booking-{booking.pk}"
    names = {
        "resource": booking.resource.name_in(get_language()),
        "name": booking.booked_by.get_full_name() or booking.booked_by.get_username(),
    }
    try:
        if verdict == "approve":
            booking_approve(booking=booking, host=request.user)
            return _done(request, _("Approved: %(resource)s for %(name)s."), names)
        form = DeclineForm(request.POST)
        if not form.is_valid():
            return _reason_refused(request, key, form)
        booking_decline(booking=booking, host=request.user, reason=form.cleaned_data["reason"])
    except DomainError as refusal:
        return _refused(request, key, refusal)
    return _done(
        request, _("Declined: %(resource)s for %(name)s. They are told the reason."), names
    )


@login_required
@require_POST
def registration_decide(request, pk: str, verdict: str):
    registration = _waiting(
        request,
        Registration.objects.select_related("event__space", "participant"),
        pk,
        space="event__space",
    )
    key = f"registration-{registration.pk}"
    names = {
        "name": registration.participant.name,
        "event": registration.event.title_in(request_language(request)),
    }
    try:
        if verdict == "approve":
            registration = registration_approve(registration=registration, host=request.user)
            return _done(
                request,
                _("%(name)s is approved for %(event)s: %(status)s."),
                {**names, "status": registration.get_status_display()},
            )
        form = PersonReasonForm(request.POST)
        if not form.is_valid():
            return _reason_refused(request, key, form)
        registration_cancel(
            registration=registration,
            acting_user=request.user,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as refusal:
        return _refused(request, key, refusal)
    return _done(request, _("%(name)s is not approved for %(event)s and is told so."), names)


@login_required
@require_POST
def membership_decide_view(request, pk: str, verdict: str):
    membership = _waiting(request, Membership.objects.select_related("space", "member"), pk)
    try:
        membership_decide(
            membership_id=membership.pk,
            space=membership.space,
            host=request.user,
            approve=verdict == "approve",
        )
    except DomainError as refusal:
        return _refused(request, f"membership-{membership.pk}", refusal)
    name = {"name": str(membership.member)}
    if verdict == "approve":
        return _done(request, _("%(name)s is approved and told by SMS."), name)
    return _done(request, _("%(name)s is declined and told by SMS."), name)
