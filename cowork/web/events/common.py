"""What the event pages share: the event or centre a URL names (and who may open it), the
reader's language, and where a service's refusal shows on a form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cowork.errors import DomainError
from cowork.models import Event, Space
from cowork.selectors.access import user_works_at_space

# Which field of a form a service's refusal is about; the rest go above the form.
EVENT_FIELD_FOR_CODE = {
    "capacity_above_room": "capacity",
    "bad_room": "room",
    "room_and_venue": "where",
    "no_venue_name": "venue_name",
    "bad_venue_capacity": "venue_capacity",
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


def add_refusal(form, refusal: DomainError, fields: dict[str, str]) -> None:
    field = fields.get(refusal.code)
    form.add_error(field if field in form.fields else None, refusal.message)


def request_language(request) -> str:
    return getattr(request, "LANGUAGE_CODE", "") or get_language()


def event_context(request, event: Event) -> dict:
    """What every event page shows of its event: the event, its centre, its title in the
    reader's language."""
    return {
        "event": event,
        "space": event.space,
        "title": event.title_in(request_language(request)),
    }


def page_notices(request, *, places: tuple[str, ...] = ()) -> dict:
    """The messages waiting for this request (`django.contrib.messages`), for a page that
    shows them among its own notices, where the person looks after acting.

    A message whose tags name one of `places` goes to the context under that name (the
    registration page words its heading and outcome so); the rest are `notices`. `messages`
    goes to the template empty, so that base.html does not show them a second time.
    """
    context: dict = {place: "" for place in places}
    notices = []
    for message in messages.get_messages(request):
        place = next((p for p in places if p in message.extra_tags.split()), None)
        if place is not None and not context[place]:
            context[place] = str(message)
        else:
            notices.append(str(message))
    return {**context, "notices": notices, "messages": ()}


def public_event(pk: int, request) -> Event:
    event = get_object_or_404(
        Event.objects.select_related("space", "room").prefetch_related("sessions"),
        pk=pk,
        space__is_active=True,
    )
    if not event.is_public and not user_works_at_space(user=request.user, space=event.space):
        raise Http404(_("No such event."))
    return event


def staffed_space(request, slug: str) -> Space:
    space = get_object_or_404(
        Space.objects.filter(is_active=True).prefetch_related("opening_hours", "closures"),
        slug=slug,
    )
    _require_staff(request, space)
    return space


def staffed_event(request, pk: int) -> Event:
    event = get_object_or_404(Event.objects.select_related("space", "room"), pk=pk)
    _require_staff(request, event.space)
    return event


def _require_staff(request, space: Space) -> None:
    if not user_works_at_space(user=request.user, space=space):
        raise PermissionDenied(_("Only the centre's hosts and staff manage its events."))
