"""Who hosts and staffs a centre: a role for a person who already has an account."""

from django.db import transaction
from django.utils.translation import gettext as _

from cowork.errors import InvalidInput, NotAllowed
from cowork.models import DomainEventKind, Space, SpaceRole
from cowork.selectors.access import user_is_network_admin
from cowork.services.centres._common import managed_space, record, require_manager
from cowork.services.locking import lock_space


def _record_role(kind: DomainEventKind, held: SpaceRole, *, space: Space, by) -> None:
    """Record a role given or taken: whose it is and which, as it stood."""
    record(kind, aggregate=held, space=space, by=by, user=held.user_id, role=held.role)


def space_role_grant(*, space: Space, by, user, role: str) -> SpaceRole:
    """Make `user` host or staff of the centre (one role per person and centre).

    A host manages every centre of the organization, so only hosts and network admins
    give roles.
    """
    if role not in SpaceRole.Role.values:
        raise InvalidInput(_("A role is host or staff."), code="unknown_role")
    if not user.is_active:
        raise InvalidInput(_("This account is switched off."), code="inactive_user")
    with transaction.atomic():
        lock_space(space.pk)
        require_manager(user=by, space=space)
        held, created = SpaceRole.objects.get_or_create(
            space=space, user=user, defaults={"role": role}
        )
        if not created and held.role == role:
            return held
        held.role = role
        held.save(update_fields=["role"])
        _record_role(DomainEventKind.ROLE_GRANTED, held, space=space, by=by)
    return held


def space_role_revoke(*, role: SpaceRole, by) -> None:
    """Take a role away. A host does not remove their own host role (a network admin
    does), so no centre loses its last host by a slip."""
    with transaction.atomic():
        space = managed_space(role.space_id, by=by)
        held = SpaceRole.objects.filter(pk=role.pk, space=space).first()
        if held is None:
            return
        if (
            held.user_id == by.pk
            and held.role == SpaceRole.Role.HOST
            and not user_is_network_admin(user=by)
        ):
            raise NotAllowed(
                _("You cannot remove your own host role; ask a network administrator.")
            )
        # Recorded first: a deleted row has no primary key left to name the aggregate by.
        _record_role(DomainEventKind.ROLE_REVOKED, held, space=space, by=by)
        held.delete()
