"""The public event pages: the programme, an event's page and registering for it, the personal
page a registration's link opens (with "I am here" and cancelling), and checking in at the
event's QR code. No account is needed; phone numbers are shown masked."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cowork.errors import DomainError, NotFound
from cowork.models import Event, Registration, RegistrationStatus, Space
from cowork.phones import mask_phone
from cowork.selectors.access import spaces_staffed_by, user_works_at_space
from cowork.selectors.events import (
    EventRow,
    event_places_left,
    public_upcoming_events,
    registration_for_key,
    registration_waitlist_position,
    session_open_for_check_in,
)
from cowork.services.events.attendance import (
    attendance_check_in_by_code,
    attendance_check_in_by_key,
    attendance_check_in_by_phone,
)
from cowork.services.events.registrations import registration_cancel, registration_create
from cowork.web.client_ip import client_ip
from cowork.web.common import error_status
from cowork.web.events.common import (
    REGISTRATION_FIELD_FOR_CODE,
    add_refusal,
    event_context,
    page_notices,
    public_event,
    request_language,
)
from cowork.web.events.forms import CheckInForm, RegistrationForm
from cowork.web.page_cache import kept_page

# --- Public: the event page, registering, the personal cancellation link ---------------


def _event_page(request, event: Event, form: RegistrationForm, *, status: int = 200):
    language = request_language(request)
    return render(
        request,
        "cowork/events/event.html",
        {
            **event_context(request, event),
            "rooms": (rooms := event.rooms()),
            "step_free": bool(rooms) and all(room.accessible for room in rooms),
            "description": event.description_in(language),
            "sessions": list(event.sessions.all()),
            "places_left": event_places_left(event),
            "state": event.registration_state(timezone.now()),
            "form": form,
            "can_manage": user_works_at_space(user=request.user, space=event.space),
        },
        status=status,
    )


@kept_page
@require_http_methods(["GET", "POST"])
def event_public(request, pk):
    """The public page of an event, with its registration form; no account needed."""
    event = public_event(pk, request)
    language = request_language(request)
    if request.method == "GET":
        return _event_page(request, event, RegistrationForm(space=event.space, language=language))
    form = RegistrationForm(request.POST, space=event.space, language=language)
    if not form.is_valid():
        return _event_page(request, event, form, status=400)
    data = form.cleaned_data
    try:
        _registration, key = registration_create(
            event=event,
            **form.person(),
            language=data["language"] or language,
            email=data["email"],
            demographics=form.demographics(),
            organization_type=data["organization_type"],
            accessibility_needs=data["accessibility_needs"],
            ip=client_ip(request),
        )
    except DomainError as refusal:
        add_refusal(form, refusal, REGISTRATION_FIELD_FOR_CODE)
        return _event_page(request, event, form, status=error_status(refusal))
    messages.success(request, _("Thank you for registering"), extra_tags="headline")
    return redirect("web:registration", key)


def _registration_or_404(key: str) -> Registration:
    try:
        return registration_for_key(key=key)
    except NotFound as missing:
        raise Http404(missing.message) from missing


def _registration_context(request, registration: Registration, key: str) -> dict:
    event = registration.event
    return {
        "registration": registration,
        **event_context(request, event),
        "sessions": list(event.sessions.all()),
        "masked_phone": mask_phone(registration.participant.phone),
        "position": registration_waitlist_position(registration),
        "cancel_url": request.build_absolute_uri(reverse("web:registration-cancel", args=[key])),
        "can_cancel": registration.status != RegistrationStatus.CANCELLED,
        "registration_key": key,
        **_self_check_in(registration),
    }


def _self_check_in(registration: Registration) -> dict:
    """What the personal page offers at the door: the code, and a button while a session
    is open for check-in, or the session the person is already marked present at."""
    if registration.status != RegistrationStatus.CONFIRMED or (
        registration.event.status != Event.Status.SCHEDULED
    ):
        return {}
    session = session_open_for_check_in(registration.event, timezone.now())
    present = (
        session is not None
        and session.attendances.filter(participant_id=registration.participant_id).exists()
    )
    return {
        "check_in_code": registration.check_in_code,
        "check_in_session": session,
        "checked_in": present,
    }


@never_cache
@require_GET
def registration_page(request, key):
    """Where a registration stands: confirmed, waitlisted (and where), awaiting approval."""
    registration = _registration_or_404(key)
    context = _registration_context(request, registration, key)
    context.update(page_notices(request, places=("headline", "outcome")))
    return render(request, "cowork/events/registration.html", context)


@never_cache
@require_POST
def registration_check_in(request, key):
    """The person presses "I am here" on their personal page: the link's key is the proof,
    so no phone or code is asked for."""
    registration = _registration_or_404(key)
    try:
        attendance_check_in_by_key(registration=registration, key=key)
    except DomainError as refusal:
        return _personal_page_refusal(
            request, registration, key, refusal, "cowork/events/registration.html"
        )
    # The page itself says so: "You are marked present at the session of …".
    return redirect("web:registration", key)


def _personal_page_refusal(request, registration, key: str, refusal: DomainError, template):
    """A personal page again, with the service's refusal above it and the refusal's status."""
    context = _registration_context(request, registration, key)
    context["error"] = refusal.message
    return render(request, template, context, status=error_status(refusal))


@never_cache
@require_http_methods(["GET", "POST"])
def registration_cancel_page(request, key):
    """The personal cancellation link: GET shows what would be cancelled, POST cancels."""
    registration = _registration_or_404(key)
    if request.method == "POST":
        try:
            registration_cancel(registration=registration, key=key)
        except DomainError as refusal:
            return _personal_page_refusal(
                request, registration, key, refusal, "cowork/events/registration_cancel.html"
            )
        messages.success(
            request,
            _("Your registration is cancelled. Thank you for letting us know."),
            extra_tags="outcome",
        )
        return redirect("web:registration", key)
    return render(
        request,
        "cowork/events/registration_cancel.html",
        _registration_context(request, registration, key),
    )


@kept_page
@require_GET
def event_index(request):
    """Every upcoming public event of the network, by centre; hosts also get their centres."""
    now = timezone.now()
    groups: dict[int, tuple[Space, list[EventRow]]] = {}
    for row in public_upcoming_events(language=request_language(request), now=now):
        groups.setdefault(row.event.space_id, (row.event.space, []))[1].append(row)
    staffed = (
        list(spaces_staffed_by(user=request.user).filter(is_active=True).order_by("name"))
        if request.user.is_authenticated
        else []
    )
    return render(
        request,
        "cowork/events/index.html",
        {"groups": list(groups.values()), "staffed": staffed},
    )


# --- QR check-in ------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def event_check_in(request, pk):
    """Where the event's QR code leads: a registered person gives their phone and check-in
    code and is marked present. Nobody's name is shown, except to the centre's hosts and
    staff, who may check anyone in by phone alone."""
    event = public_event(pk, request)
    by_host = user_works_at_space(user=request.user, space=event.space)
    context = {
        **event_context(request, event),
        "by_host": by_host,
        "form": CheckInForm(space=event.space, by_host=by_host),
    }
    if request.method == "GET":
        return render(request, "cowork/events/check_in.html", context)
    form = context["form"] = CheckInForm(request.POST, space=event.space, by_host=by_host)
    if not form.is_valid():
        return render(request, "cowork/events/check_in.html", context, status=400)
    try:
        if by_host:
            attendance = attendance_check_in_by_phone(
                event=event, phone=form.cleaned_data["phone"], host=request.user
            )
        else:
            attendance = attendance_check_in_by_code(
                event=event,
                phone=form.cleaned_data["phone"],
                code=form.cleaned_data["code"],
                ip=client_ip(request),
            )
    except DomainError as refusal:
        form.add_error(None, refusal.message)
        return render(request, "cowork/events/check_in.html", context, status=error_status(refusal))
    context["attendance"] = attendance
    # A fresh, empty form for the next person at the door.
    context["form"] = CheckInForm(space=event.space, by_host=by_host)
    return render(request, "cowork/events/check_in.html", context)
