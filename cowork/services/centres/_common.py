"""What every centre-management service does alike: who may act, validation, the event."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cowork.errors import InvalidInput, NotAllowed
from cowork.models import DomainEventKind, Space
from cowork.selectors.access import user_is_network_admin, user_manages_space
from cowork.services.locking import lock_space
from cowork.services.outbox import domain_event_record


def require_manager(*, user, space: Space) -> None:
    """Hosts of the centre's organization and network admins, or NotAllowed."""
    if not user_manages_space(user=user, space=space):
        raise NotAllowed(_("Only the centre's hosts and network administrators manage it."))


def managed_space(space_id: int, *, by, spaces: QuerySet[Space] | None = None) -> Space:
    """The centre, locked against other changes and read again under the lock, if `by`
    manages it; or NotAllowed. Call it inside the change's transaction; `spaces` reads the
    centre with what the change needs along (its opening hours, say)."""
    lock_space(space_id)
    space = (Space.objects if spaces is None else spaces).get(pk=space_id)
    require_manager(user=by, space=space)
    return space


def require_network_admin(*, user) -> None:
    if not user_is_network_admin(user=user):
        raise NotAllowed(_("Only network administrators do this."))


def validated(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """The model's own checks, or InvalidInput naming each field's errors; nothing saved."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        fields = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        first = next(iter(fields.values()))[0]
        raise InvalidInput(first, code="invalid", details={"fields": fields}) from error


def record(
    kind: DomainEventKind, /, *, aggregate: models.Model, space: Space, by, **payload
) -> None:
    """Record the change for live views and feeds; `by` is who made it (None: a schedule)."""
    domain_event_record(
        kind=kind,
        aggregate=aggregate,
        space=space,
        payload={"by": by.pk if by is not None else None, **payload},
    )


def apply_changes(instance: models.Model, changes: dict, *, allowed: set[str]) -> list[str]:
    """Set the `changes` on `instance`; refuse a field outside `allowed`. Returns the names
    of the fields whose value changed."""
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(unknown)},
            code="unknown_field",
            details={"fields": unknown},
        )
    changed = []
    for name, value in changes.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed
