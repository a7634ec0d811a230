"""The hosts' attendance list at the door: who came to each session, searchable without JS, with
a big Present button and walk-ins, following check-ins live (realtime.attendance) where the
browser runs scripts; and the session's sign-in sheet to print for the donor's file."""

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cowork.dates import local_datetime, local_time
from cowork.errors import DomainError
from cowork.models import Attendance, Event, EventSession, Participant
from cowork.selectors.events import AttendanceRow, attendance_figures, session_attendance_rows
from cowork.services.events.attendance import attendance_mark, attendance_unmark, walk_in_add
from cowork.web.common import error_status
from cowork.web.events.common import (
    REGISTRATION_FIELD_FOR_CODE,
    add_refusal,
    event_context,
    page_notices,
    staffed_event,
)
from cowork.web.events.forms import PersonForm

# --- Hosts: the attendance list at the door ---------------------------------------------


def _session_for(sessions: list[EventSession], wanted: str, now) -> EventSession:
    """The session asked for, else the one under way or next, else the last one."""
    by_pk = {str(session.pk): session for session in sessions}
    if wanted in by_pk:
        return by_pk[wanted]
    return next((s for s in sessions if s.ends_at > now), sessions[-1])


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
    rows = session_attendance_rows(event, session)
    figures = attendance_figures(rows)
    present = sorted((row for row in rows if row.attendance), key=lambda row: row.attendance.at)
    return render(
        request,
        "cowork/events/attendance.html",
        {
            **event_context(request, event),
            "sessions": sessions,
            "session": session,
            "session_over": session.ends_at <= now,
            "search": search,
            "rows": [row for row in rows if _matches(row, search)],
            "total": len(rows),
            "registered_count": figures.registered,
            "present_count": figures.present,
            "no_show_count": figures.absent,
            "present_rows": present,
            "walk_in_form": walk_in_form or PersonForm(space=event.space, auto_id="walk-in-%s"),
            "error": error,
            **page_notices(request),
        },
        status=status,
    )


def _back_to_attendance(request, event, session, person: Participant, notice: str, *, search=""):
    """Back to the list where it was, at the person acted on, saying `notice` of them."""
    messages.success(request, notice % {"name": person.name})
    query = {"session": session.pk, **({"q": search} if search else {})}
    anchor = f"#person-{person.pk}"
    url = reverse("web:event-attendance", args=[event.pk])
    return redirect(f"{url}?{urlencode(query)}{anchor}")


@never_cache
@login_required
@require_GET
def attendance(request, pk):
    """Who came, per session, for a phone or tablet at the door; searchable without JS."""
    return _render_attendance(request, staffed_event(request, pk), query=request.GET)


@never_cache
@login_required
@require_GET
def sign_in_sheet(request, pk):
    """The session's sign-in sheet: a page to print (or save as PDF from the browser's print
    dialog), with everyone expected or present, a column to sign, and the counts.

    A printable page rather than a generated PDF: the browser draws every script our five
    languages use with the fonts it has, and nothing heavy runs on the server or goes down
    a paid mobile connection. Names only: phones stay off paper that leaves the centre.
    """
    event = staffed_event(request, pk)
    sessions = list(event.sessions.all())
    if not sessions:
        raise Http404(_("This event has no sessions."))
    session = _session_for(sessions, str(request.GET.get("session", "")), timezone.now())
    rows = session_attendance_rows(event, session)
    figures = attendance_figures(rows)
    return render(
        request,
        "cowork/events/sign_in_sheet.html",
        {
            **event_context(request, event),
            "session": session,
            "when": local_datetime(session.starts_at, event.space.zone),
            "until": local_time(session.ends_at, event.space.zone),
            "session_number": sessions.index(session) + 1,
            "session_count": len(sessions),
            "rows": rows,
            "figures": figures,
            "walk_ins": len(
                [
                    row
                    for row in rows
                    if row.attendance and row.attendance.method == Attendance.Method.WALK_IN
                ]
            ),
            "blank_rows": range(max(5, len(rows) // 10)),
            "tags": list(event.tags.all()),
        },
    )


@login_required
@require_POST
def attendance_toggle(request, pk):
    """The big Present button: mark someone present, or take it back."""
    event = staffed_event(request, pk)
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
        request,
        event,
        session,
        participant,
        _("%(name)s is marked present.") if present else _("%(name)s is no longer marked present."),
        search=request.POST.get("q", ""),
    )


@login_required
@require_POST
def attendance_walk_in(request, pk):
    """Someone came without registering: register them on the spot and mark them present."""
    event = staffed_event(request, pk)
    session = get_object_or_404(EventSession, pk=request.POST.get("session") or 0, event=event)
    form = PersonForm(request.POST, space=event.space, auto_id="walk-in-%s")
    if not form.is_valid():
        return _render_attendance(request, event, query=request.POST, walk_in_form=form, status=400)
    try:
        marked = walk_in_add(session=session, host=request.user, **form.person())
    except DomainError as refusal:
        add_refusal(form, refusal, REGISTRATION_FIELD_FOR_CODE)
        return _render_attendance(
            request,
            event,
            query=request.POST,
            walk_in_form=form,
            status=error_status(refusal),
        )
    return _back_to_attendance(
        request,
        event,
        session,
        marked.participant,
        _("%(name)s is added as a walk-in and marked present."),
    )
