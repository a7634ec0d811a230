"""The hosts' event pages: a centre's events, creating one, its QR code to print, and managing
its registrations (registering someone, approving, cancelling one or the whole event)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cowork.errors import DomainError
from cowork.models import Event, Registration, RegistrationStatus
from cowork.selectors.events import (
    event_places_left,
    event_registrations_by_status,
    space_event_rows,
)
from cowork.services.events.events import event_cancel, event_create
from cowork.services.events.registrations import (
    registration_approve,
    registration_cancel,
    registration_create,
)
from cowork.web.common import error_status, qr_svg
from cowork.web.events.common import (
    EVENT_FIELD_FOR_CODE,
    REGISTRATION_FIELD_FOR_CODE,
    add_refusal,
    event_context,
    page_notices,
    request_language,
    staffed_event,
    staffed_space,
)
from cowork.web.events.forms import EventCancelForm, EventForm, PersonForm
from cowork.web.forms import PersonReasonForm


@login_required
@require_GET
def event_qr(request, pk):
    """The event's QR code to print: scanning it opens the check-in page."""
    event = staffed_event(request, pk)
    url = request.build_absolute_uri(reverse("web:event-check-in", args=[event.pk]))
    title = event.title_in(request_language(request))
    return render(
        request,
        "cowork/events/qr.html",
        {
            "event": event,
            "space": event.space,
            "title": title,
            "url": url,
            "svg": qr_svg(url, title=title),
            "sessions": list(event.sessions.all()),
        },
    )


@login_required
@require_GET
def event_list(request, slug):
    space = staffed_space(request, slug)
    upcoming, past = space_event_rows(
        space=space, language=request_language(request), now=timezone.now()
    )
    return render(
        request, "cowork/events/list.html", {"space": space, "upcoming": upcoming, "past": past}
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request, slug):
    space = staffed_space(request, slug)
    if request.method == "GET":
        form = EventForm(space=space, initial={"kind": Event.Kind.ROUND_TABLE})
        return render(request, "cowork/events/new.html", {"space": space, "form": form})
    form = EventForm(request.POST, space=space)
    context = {"space": space, "form": form}
    if not form.is_valid():
        return render(request, "cowork/events/new.html", context, status=400)
    try:
        event = event_create(space=space, host=request.user, **form.event_arguments())
    except DomainError as refusal:
        add_refusal(form, refusal, EVENT_FIELD_FOR_CODE)
        # A course names every session its room cannot be booked for, one line each.
        for item in (
            refusal.details.get("refused", ()) if refusal.code == "sessions_refused" else ()
        ):
            form.add_error(None, f"{item['day']}: {item['message']}")
        return render(request, "cowork/events/new.html", context, status=error_status(refusal))
    held, planned = event.sessions.count(), len(form.cleaned_data["sessions"])
    if held < planned:
        messages.success(
            request,
            _("The event is created with %(held)d of %(planned)d sessions; the others are skipped.")
            % {"held": held, "planned": planned},
        )
    else:
        messages.success(request, _("The event is created and its room booked for every session."))
    return _back_to_manage(event)


def _render_manage(
    request,
    event: Event,
    *,
    person_form=None,
    cancel_form=None,
    errors: dict[int, str] | None = None,
    error: str = "",
    status: int = 200,
):
    by_status = event_registrations_by_status(event)
    now = timezone.now()
    return render(
        request,
        "cowork/events/manage.html",
        {
            **event_context(request, event),
            "sessions": list(event.sessions.all()),
            "confirmed": by_status[RegistrationStatus.CONFIRMED],
            "pending": by_status[RegistrationStatus.PENDING],
            "waitlisted": by_status[RegistrationStatus.WAITLISTED],
            "cancelled": by_status[RegistrationStatus.CANCELLED],
            "places_left": event_places_left(event),
            "state": event.registration_state(now),
            "is_over": event.ends_at <= now,
            "person_form": person_form or PersonForm(space=event.space),
            "cancel_form": cancel_form or EventCancelForm(),
            "errors": errors or {},
            "error": error,
            **page_notices(request),
        },
        status=status,
    )


def _back_to_manage(event: Event, registration: Registration | None = None):
    anchor = f"#registration-{registration.pk}" if registration else ""
    return redirect(reverse("web:event-manage", args=[event.pk]) + anchor)


def _person_notice(text: str, registration: Registration) -> str:
    """`text` naming the person and the status their registration has now."""
    return text % {
        "name": registration.participant.name,
        "status": registration.get_status_display(),
    }


@never_cache
@login_required
@require_GET
def event_manage(request, pk):
    """Registrations of an event by status, with the hosts' actions on each."""
    return _render_manage(request, staffed_event(request, pk))


@login_required
@require_POST
def register_on_behalf(request, pk):
    """A host registers someone who phoned or came by, within the registration window."""
    event = staffed_event(request, pk)
    form = PersonForm(request.POST, space=event.space)
    if not form.is_valid():
        return _render_manage(request, event, person_form=form, status=400)
    try:
        registration, _key = registration_create(
            event=event, registered_by=request.user, **form.person()
        )
    except DomainError as refusal:
        add_refusal(form, refusal, REGISTRATION_FIELD_FOR_CODE)
        return _render_manage(request, event, person_form=form, status=error_status(refusal))
    messages.success(
        request, _person_notice(_("%(name)s is registered: %(status)s."), registration)
    )
    return _back_to_manage(event, registration)


def _event_registration(event: Event, registration_id: int) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("participant"), pk=registration_id, event=event
    )


def _act_on_registration(request, pk, registration_id, act, notice: str):
    """Run one service on a registration of a staffed event, then say `notice` of it (with
    the person's name and the registration's new status); refusals show on the page."""
    event = staffed_event(request, pk)
    registration = _event_registration(event, registration_id)
    try:
        registration = act(registration)
    except DomainError as refusal:
        return _render_manage(
            request,
            event,
            errors={registration.pk: refusal.message},
            status=error_status(refusal),
        )
    messages.success(request, _person_notice(notice, registration))
    return _back_to_manage(event, registration)


@login_required
@require_POST
def registration_approve_view(request, pk, registration_id):
    return _act_on_registration(
        request,
        pk,
        registration_id,
        lambda registration: registration_approve(registration=registration, host=request.user),
        _("%(name)s is approved: %(status)s."),
    )


@login_required
@require_POST
def registration_cancel_by_host(request, pk, registration_id):
    form = PersonReasonForm(request.POST)
    if not form.is_valid():
        event = staffed_event(request, pk)
        return _render_manage(
            request,
            event,
            errors={
                _event_registration(event, registration_id).pk: " ".join(form.errors["reason"])
            },
            status=400,
        )
    return _act_on_registration(
        request,
        pk,
        registration_id,
        lambda registration: registration_cancel(
            registration=registration, acting_user=request.user, reason=form.cleaned_data["reason"]
        ),
        _("The registration of %(name)s is cancelled."),
    )


@login_required
@require_POST
def event_cancel_view(request, pk):
    event = staffed_event(request, pk)
    form = EventCancelForm(request.POST)
    if not form.is_valid():
        return _render_manage(request, event, cancel_form=form, status=400)
    try:
        event_cancel(event=event, host=request.user, reason=form.cleaned_data["reason"])
    except DomainError as refusal:
        return _render_manage(request, event, error=refusal.message, status=error_status(refusal))
    messages.success(request, _("The event is cancelled and its room freed."))
    return _back_to_manage(event)
