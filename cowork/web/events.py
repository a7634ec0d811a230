"""The event pages: hosts create and run events, anyone registers, people check in by QR.

Each view parses its input with a form, calls one service of `cowork.services.events`
(writes) or reads what its page shows, and renders. A refusal from a service (DomainError)
is shown as a form error in the service's own words, with the page's status; nothing has
changed. Hosts and staff of the event's centre run it; everyone else gets 403. Phone
numbers are shown in full only on the hosts' pages of that centre, masked elsewhere; those
pages, and the personal pages a cancellation key opens, are never cached.

The reads here (places left, waitlist positions, who is on the attendance list) are small
and used by these pages only; they belong in `cowork/selectors/events.py` once another
interface (the API, reports) needs them.
"""

import datetime
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cowork.errors import DomainError, NotFound
from cowork.models import (
    Attendance,
    Event,
    EventSession,
    Participant,
    Registration,
    RegistrationStatus,
    Space,
)
from cowork.phones import mask_phone
from cowork.selectors.access import spaces_staffed_by, user_works_at_space
from cowork.services.events import (
    HOLDING,
    attendance_check_in_by_code,
    attendance_check_in_by_key,
    attendance_check_in_by_phone,
    attendance_mark,
    attendance_unmark,
    event_cancel,
    event_create,
    registration_approve,
    registration_cancel,
    registration_create,
    registration_for_key,
    session_open_for_check_in,
    walk_in_add,
)
from cowork.web.client_ip import client_ip
from cowork.web.common import error_status, qr_svg
from cowork.web.event_forms import (
    CheckInForm,
    EventCancelForm,
    EventForm,
    PersonForm,
    RegistrationForm,
)

# Which field of a form a service's refusal is about; the rest go above the form.
EVENT_FIELD_FOR_CODE = {
    "capacity_above_room": "capacity",
    "bad_room": "room",
    "bad_kind": "kind",
    "no_title": "title",
}
REGISTRATION_FIELD_FOR_CODE = {
    "already_registered": "phone",
    "bad_phone": "phone",
    "no_name": "name",
    "demographics_without_consent": "consent",
    "bad_demographics": "consent",
}


def _add_refusal(form, refusal: DomainError, fields: dict[str, str]) -> None:
    field = fields.get(refusal.code)
    form.add_error(field if field in form.fields else None, refusal.message)


def _language(request) -> str:
    return getattr(request, "LANGUAGE_CODE", "") or get_language()


# --- Reads ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventRow:
    """An event as a list shows it: the title in the reader's language, and its places."""

    event: Event
    title: str
    places_left: int
    confirmed: int = 0
    pending: int = 0
    waitlisted: int = 0


def _with_counts(events):
    return events.annotate(
        n_confirmed=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        ),
        n_pending=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.PENDING)
        ),
        n_waitlisted=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
        ),
    )


def _rows(events, language: str) -> list[EventRow]:
    return [
        EventRow(
            event=event,
            title=event.title_in(language),
            places_left=max(0, event.capacity - event.n_confirmed - event.n_pending),
            confirmed=event.n_confirmed,
            pending=event.n_pending,
            waitlisted=event.n_waitlisted,
        )
        for event in events
    ]


def public_upcoming_events(
    *, language: str, now: datetime.datetime, space: Space | None = None
) -> list[EventRow]:
    """Public, scheduled events not yet over, soonest first; of one centre if given."""
    events = Event.objects.filter(
        is_public=True,
        status=Event.Status.SCHEDULED,
        ends_at__gt=now,
        space__is_active=True,
    ).select_related("space", "room")
    if space is not None:
        events = events.filter(space=space)
    return _rows(_with_counts(events).order_by("starts_at", "pk"), language)


def places_left(event: Event) -> int:
    return max(0, event.capacity - event.registrations.filter(status__in=HOLDING).count())


def waitlist_position(registration: Registration) -> int:
    """1 for the first in line; the service promotes in (created_at, id) order."""
    ahead = Registration.objects.filter(
        event_id=registration.event_id, status=RegistrationStatus.WAITLISTED
    ).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def registration_state(event: Event, now: datetime.datetime) -> str:
    """Whether the public may register now: open, not_open, closed or cancelled.

    Mirrors the service's window so the page can say so before anyone types; the service
    still decides on every attempt.
    """
    if event.status != Event.Status.SCHEDULED:
        return "cancelled"
    if event.registration_opens_at and now < event.registration_opens_at:
        return "not_open"
    if now >= (event.registration_closes_at or event.starts_at):
        return "closed"
    return "open"


# --- Public: the event page, registering, the personal cancellation link ---------------


def _public_event(pk: int, request) -> Event:
    event = get_object_or_404(
        Event.objects.select_related("space", "room").prefetch_related("sessions"),
        pk=pk,
        space__is_active=True,
    )
    if not event.is_public and not user_works_at_space(user=request.user, space=event.space):
        raise Http404(_("No such event."))
    return event


def _event_page(request, event: Event, form: RegistrationForm, *, status: int = 200):
    language = _language(request)
    left = places_left(event)
    return render(
        request,
        "cowork/events/event.html",
        {
            "event": event,
            "space": event.space,
            "room": event.room,
            "title": event.title_in(language),
            "description": event.description_in(language),
            "sessions": list(event.sessions.all()),
            "places_left": left,
            "state": registration_state(event, timezone.now()),
            "form": form,
            "can_manage": user_works_at_space(user=request.user, space=event.space),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def event_public(request, pk):
    """The public page of an event, with its registration form; no account needed."""
    event = _public_event(pk, request)
    language = _language(request)
    if request.method == "GET":
        return _event_page(request, event, RegistrationForm(space=event.space, language=language))
    form = RegistrationForm(request.POST, space=event.space, language=language)
    if not form.is_valid():
        return _event_page(request, event, form, status=400)
    data = form.cleaned_data
    try:
        _registration, key = registration_create(
            event=event,
            name=data["name"],
            phone=data["phone"],
            language=data["language"] or language,
            email=data["email"],
            demographics=form.demographics(),
            organization_type=data["organization_type"],
            accessibility_needs=data["accessibility_needs"],
            ip=client_ip(request),
        )
    except DomainError as refusal:
        _add_refusal(form, refusal, REGISTRATION_FIELD_FOR_CODE)
        return _event_page(request, event, form, status=error_status(refusal))
    return redirect(reverse("web:registration", args=[key]) + "?done=registered")


def _registration_or_404(key: str) -> Registration:
    try:
        return registration_for_key(key=key)
    except NotFound as missing:
        raise Http404(missing.message) from missing


def _registration_context(request, registration: Registration, key: str) -> dict:
    event = registration.event
    language = _language(request)
    return {
        "registration": registration,
        "event": event,
        "space": event.space,
        "title": event.title_in(language),
        "sessions": list(event.sessions.all()),
        "masked_phone": mask_phone(registration.participant.phone),
        "position": (
            waitlist_position(registration)
            if registration.status == RegistrationStatus.WAITLISTED
            else None
        ),
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
    context["done"] = request.GET.get("done", "")
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
    return redirect(reverse("web:registration", args=[key]) + "?done=checked_in")


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
        return redirect(reverse("web:registration", args=[key]) + "?done=cancelled")
    return render(
        request,
        "cowork/events/registration_cancel.html",
        _registration_context(request, registration, key),
    )


@require_GET
def event_index(request):
    """Every upcoming public event of the network, by centre; hosts also get their centres."""
    now = timezone.now()
    groups: dict[int, tuple[Space, list[EventRow]]] = {}
    for row in public_upcoming_events(language=_language(request), now=now):
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
    event = _public_event(pk, request)
    by_host = user_works_at_space(user=request.user, space=event.space)
    context = {
        "event": event,
        "space": event.space,
        "title": event.title_in(_language(request)),
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


# --- Hosts: list, create, manage --------------------------------------------------------


def _staffed_space(request, slug: str) -> Space:
    space = get_object_or_404(
        Space.objects.filter(is_active=True).prefetch_related("opening_hours", "closures"),
        slug=slug,
    )
    if not user_works_at_space(user=request.user, space=space):
        raise PermissionDenied(_("Only the centre's hosts and staff manage its events."))
    return space


def _staffed_event(request, pk: int) -> Event:
    event = get_object_or_404(Event.objects.select_related("space", "room"), pk=pk)
    if not user_works_at_space(user=request.user, space=event.space):
        raise PermissionDenied(_("Only the centre's hosts and staff manage its events."))
    return event


@login_required
@require_GET
def event_qr(request, pk):
    """The event's QR code to print: scanning it opens the check-in page."""
    event = _staffed_event(request, pk)
    url = request.build_absolute_uri(reverse("web:event-check-in", args=[event.pk]))
    title = event.title_in(_language(request))
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
    space = _staffed_space(request, slug)
    now = timezone.now()
    language = _language(request)
    events = _with_counts(space.events.select_related("room"))
    return render(
        request,
        "cowork/events/list.html",
        {
            "space": space,
            "upcoming": _rows(events.filter(ends_at__gt=now).order_by("starts_at", "pk"), language),
            "past": _rows(events.filter(ends_at__lte=now).order_by("-starts_at", "-pk"), language),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request, slug):
    space = _staffed_space(request, slug)
    if request.method == "GET":
        form = EventForm(space=space, initial={"kind": Event.Kind.ROUND_TABLE})
        return render(request, "cowork/events/new.html", {"space": space, "form": form})
    form = EventForm(request.POST, space=space)
    context = {"space": space, "form": form}
    if not form.is_valid():
        return render(request, "cowork/events/new.html", context, status=400)
    data = form.cleaned_data
    try:
        event = event_create(
            space=space,
            room=data["room"],
            host=request.user,
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            translations=data["translations"],
            sessions=data["sessions"],
            capacity=data["capacity"],
            is_public=data["is_public"],
            registration_opens_at=data["registration_opens_at"],
            registration_closes_at=data["registration_closes_at"],
            registrations_need_approval=data["registrations_need_approval"],
            organizer_name=data["organizer_name"],
            organizer_phone=data["organizer_phone"],
            organizer_email=data["organizer_email"],
            tags=list(data["tags"]),
        )
    except DomainError as refusal:
        _add_refusal(form, refusal, EVENT_FIELD_FOR_CODE)
        return render(request, "cowork/events/new.html", context, status=error_status(refusal))
    return redirect(reverse("web:event-manage", args=[event.pk]) + "?done=created")


@dataclass(frozen=True)
class RegistrationRow:
    registration: Registration
    position: int | None = None


MANAGE_NOTICES = {
    "created": gettext_lazy("The event is created and its room booked for every session."),
    "registered": gettext_lazy("%(name)s is registered: %(status)s."),
    "approved": gettext_lazy("%(name)s is approved: %(status)s."),
    "cancelled": gettext_lazy("The registration of %(name)s is cancelled."),
    "event_cancelled": gettext_lazy("The event is cancelled and its room freed."),
}


def _manage_notice(event: Event, query) -> str:
    text = MANAGE_NOTICES.get(query.get("done", ""))
    if text is None:
        return ""
    if "%(name)s" not in str(text):
        return str(text)
    registration = (
        event.registrations.select_related("participant")
        .filter(pk=query.get("registration", "") if query.get("registration", "").isdigit() else 0)
        .first()
    )
    if registration is None:
        return ""
    return text % {
        "name": registration.participant.name,
        "status": registration.get_status_display(),
    }


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
    registrations = list(
        event.registrations.select_related("participant", "registered_by").order_by(
            "created_at", "pk"
        )
    )
    by_status: dict[str, list[RegistrationRow]] = {value: [] for value in RegistrationStatus}
    for registration in registrations:
        bucket = by_status[registration.status]
        position = len(bucket) + 1 if registration.status == RegistrationStatus.WAITLISTED else None
        bucket.append(RegistrationRow(registration, position))
    holding = len(by_status[RegistrationStatus.CONFIRMED]) + len(
        by_status[RegistrationStatus.PENDING]
    )
    now = timezone.now()
    return render(
        request,
        "cowork/events/manage.html",
        {
            "event": event,
            "space": event.space,
            "title": event.title_in(_language(request)),
            "sessions": list(event.sessions.all()),
            "confirmed": by_status[RegistrationStatus.CONFIRMED],
            "pending": by_status[RegistrationStatus.PENDING],
            "waitlisted": by_status[RegistrationStatus.WAITLISTED],
            "cancelled": by_status[RegistrationStatus.CANCELLED],
            "places_left": max(0, event.capacity - holding),
            "state": registration_state(event, now),
            "is_over": event.ends_at <= now,
            "person_form": person_form or PersonForm(space=event.space),
            "cancel_form": cancel_form or EventCancelForm(),
            "errors": errors or {},
            "error": error,
            "notice": "" if (errors or error) else _manage_notice(event, request.GET),
        },
        status=status,
    )


def _back_to_manage(event: Event, done: str, registration: Registration | None = None):
    query = {"done": done, **({"registration": registration.pk} if registration else {})}
    anchor = f"#registration-{registration.pk}" if registration else ""
    return redirect(f"{reverse('web:event-manage', args=[event.pk])}?{urlencode(query)}{anchor}")


@never_cache
@login_required
@require_GET
def event_manage(request, pk):
    """Registrations of an event by status, with the hosts' actions on each."""
    return _render_manage(request, _staffed_event(request, pk))


@login_required
@require_POST
def register_on_behalf(request, pk):
    """A host registers someone who phoned or came by, within the registration window."""
    event = _staffed_event(request, pk)
    form = PersonForm(request.POST, space=event.space)
    if not form.is_valid():
        return _render_manage(request, event, person_form=form, status=400)
    try:
        registration, _key = registration_create(
            event=event,
            name=form.cleaned_data["name"],
            phone=form.cleaned_data["phone"],
            registered_by=request.user,
        )
    except DomainError as refusal:
        _add_refusal(form, refusal, REGISTRATION_FIELD_FOR_CODE)
        return _render_manage(request, event, person_form=form, status=error_status(refusal))
    return _back_to_manage(event, "registered", registration)


def _event_registration(event: Event, registration_id: int) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("participant"), pk=registration_id, event=event
    )


def _act_on_registration(request, pk, registration_id, act, done: str):
    """Run one service on a registration of a staffed event; refusals show on the page."""
    event = _staffed_event(request, pk)
    registration = _event_registration(event, registration_id)
    try:
        act(registration)
    except DomainError as refusal:
        return _render_manage(
            request,
            event,
            errors={registration.pk: refusal.message},
            status=error_status(refusal),
        )
    return _back_to_manage(event, done, registration)


@login_required
@require_POST
def registration_approve_view(request, pk, registration_id):
    return _act_on_registration(
        request,
        pk,
        registration_id,
        lambda registration: registration_approve(registration=registration, host=request.user),
        "approved",
    )


@login_required
@require_POST
def registration_cancel_by_host(request, pk, registration_id):
    return _act_on_registration(
        request,
        pk,
        registration_id,
        lambda registration: registration_cancel(
            registration=registration, acting_user=request.user
        ),
        "cancelled",
    )


@login_required
@require_POST
def event_cancel_view(request, pk):
    event = _staffed_event(request, pk)
    form = EventCancelForm(request.POST)
    if not form.is_valid():
        return _render_manage(request, event, cancel_form=form, status=400)
    try:
        event_cancel(event=event, host=request.user, reason=form.cleaned_data["reason"])
    except DomainError as refusal:
        return _render_manage(request, event, error=refusal.message, status=error_status(refusal))
    return _back_to_manage(event, "event_cancelled")


# --- Hosts: the attendance list at the door ---------------------------------------------


@dataclass(frozen=True)
class AttendanceRow:
    participant: Participant
    registration: Registration | None
    attendance: Attendance | None

    @property
    def phone_digits(self) -> str:
        return (self.participant.phone or "").lstrip("+")  # none once erased


def _session_for(sessions: list[EventSession], wanted: str, now) -> EventSession:
    """The session asked for, else the one under way or next, else the last one."""
    by_pk = {str(session.pk): session for session in sessions}
    if wanted in by_pk:
        return by_pk[wanted]
    return next((s for s in sessions if s.ends_at > now), sessions[-1])


def _attendance_rows(event: Event, session: EventSession) -> list[AttendanceRow]:
    """Everyone confirmed, and anyone else marked present at this session (walk-ins)."""
    attendances = {
        a.participant_id: a
        for a in session.attendances.select_related("participant").order_by("at")
    }
    registrations = {
        r.participant_id: r
        for r in event.registrations.select_related("participant").filter(
            Q(status=RegistrationStatus.CONFIRMED) | Q(participant_id__in=list(attendances))
        )
    }
    people = {r.participant_id: r.participant for r in registrations.values()}
    people.update({a.participant_id: a.participant for a in attendances.values()})
    rows = [
        AttendanceRow(person, registrations.get(pk), attendances.get(pk))
        for pk, person in people.items()
    ]
    return sorted(rows, key=lambda row: (row.participant.name.casefold(), row.participant.pk))


def _matches(row: AttendanceRow, query: str) -> bool:
    """A name containing the words typed, or a phone ending in the digits typed."""
    text = query.strip()
    if not text:
        return True
    if re.fullmatch(r"[\d\s+()-]+", text):
        return row.phone_digits.endswith(re.sub(r"\D", "", text))
    return text.casefold() in row.participant.name.casefold()


def _render_attendance(
    request,
    event: Event,
    *,
    query,
    walk_in_form=None,
    error: str = "",
    status: int = 200,
):
    now = timezone.now()
    sessions = list(event.sessions.all())
    if not sessions:
        raise Http404(_("This event has no sessions."))
    session = _session_for(sessions, str(query.get("session", "")), now)
    search = query.get("q", "").strip()[:100]
    rows = _attendance_rows(event, session)
    registered = [
        row
        for row in rows
        if row.registration and row.registration.status == RegistrationStatus.CONFIRMED
    ]
    present = [row for row in rows if row.attendance]
    notice = ""
    if not error and query.get("done") in ATTENDANCE_NOTICES:
        named = next((row for row in rows if str(row.participant.pk) == query.get("person")), None)
        if named is not None:
            notice = ATTENDANCE_NOTICES[query["done"]] % {"name": named.participant.name}
    return render(
        request,
        "cowork/events/attendance.html",
        {
            "event": event,
            "space": event.space,
            "title": event.title_in(_language(request)),
            "sessions": sessions,
            "session": session,
            "session_over": session.ends_at <= now,
            "search": search,
            "rows": [row for row in rows if _matches(row, search)],
            "total": len(rows),
            "registered_count": len(registered),
            "present_count": len(present),
            "no_show_count": len([row for row in registered if not row.attendance]),
            "walk_in_form": walk_in_form or PersonForm(space=event.space, auto_id="walk-in-%s"),
            "error": error,
            "notice": notice,
        },
        status=status,
    )


ATTENDANCE_NOTICES = {
    "present": gettext_lazy("%(name)s is marked present."),
    "absent": gettext_lazy("%(name)s is no longer marked present."),
    "walk_in": gettext_lazy("%(name)s is added as a walk-in and marked present."),
}


def _back_to_attendance(event, session, *, search="", done="", person=None):
    query = {"session": session.pk}
    if search:
        query["q"] = search
    if done and person is not None:
        query.update(done=done, person=person.pk)
    anchor = f"#person-{person.pk}" if person is not None else ""
    url = reverse("web:event-attendance", args=[event.pk])
    return redirect(f"{url}?{urlencode(query)}{anchor}")


@never_cache
@login_required
@require_GET
def attendance(request, pk):
    """Who came, per session, for a phone or tablet at the door; searchable without JS."""
    return _render_attendance(request, _staffed_event(request, pk), query=request.GET)


@login_required
@require_POST
def attendance_toggle(request, pk):
    """The big Present button: mark someone present, or take it back."""
    event = _staffed_event(request, pk)
    session = get_object_or_404(EventSession, pk=request.POST.get("session") or 0, event=event)
    # Only someone of this event: registered for it, or already marked at this session.
    participant = get_object_or_404(
        Participant.objects.filter(
            Q(registrations__event=event) | Q(attendances__session=session)
        ).distinct(),
        pk=request.POST.get("participant") or 0,
    )
    present = request.POST.get("present") == "1"
    try:
        if present:
            attendance_mark(session=session, participant=participant, host=request.user)
        else:
            attendance_unmark(session=session, participant=participant, host=request.user)
    except DomainError as refusal:
        return _render_attendance(
            request, event, query=request.POST, error=refusal.message, status=error_status(refusal)
        )
    return _back_to_attendance(
        event,
        session,
        search=request.POST.get("q", ""),
        done="present" if present else "absent",
        person=participant,
    )


@login_required
@require_POST
def attendance_walk_in(request, pk):
    """Someone came without registering: register them on the spot and mark them present."""
    event = _staffed_event(request, pk)
    session = get_object_or_404(EventSession, pk=request.POST.get("session") or 0, event=event)
    form = PersonForm(request.POST, space=event.space, auto_id="walk-in-%s")
    if not form.is_valid():
        return _render_attendance(request, event, query=request.POST, walk_in_form=form, status=400)
    try:
        marked = walk_in_add(
            session=session,
            name=form.cleaned_data["name"],
            phone=form.cleaned_data["phone"],
            host=request.user,
        )
    except DomainError as refusal:
        _add_refusal(form, refusal, REGISTRATION_FIELD_FOR_CODE)
        return _render_attendance(
            request,
            event,
            query=request.POST,
            walk_in_form=form,
            status=error_status(refusal),
        )
    return _back_to_attendance(event, session, done="walk_in", person=marked.participant)
