"""What the event services share: who may run a centre's events, recording what changed,
and reading a phone for the centre."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cowork.errors import InvalidInput, NotAllowed
from cowork.models import DomainEventKind, Event, Space
from cowork.phones import phone_for_centre
from cowork.selectors.access import user_works_at_space
from cowork.services.outbox import domain_event_record


def require_staff(user, space: Space) -> None:
    if not user_works_at_space(user=user, space=space):
        raise NotAllowed(_("Only the centre's hosts and staff manage its events."))


def record(kind: DomainEventKind, aggregate, event: Event, **payload) -> None:
    """Record a domain event of `event`'s centre; its payload names the event."""
    domain_event_record(
        kind=kind, aggregate=aggregate, space=event.space, payload={"event": event.pk, **payload}
    )


def phone_of_centre(phone: str, space: Space) -> str:
    """The phone read for `space` (`phone_for_centre`), or InvalidInput saying why not."""
    try:
        return phone_for_centre(phone, space=space)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], code="bad_phone") from exc
