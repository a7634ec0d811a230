"""Who may see and manage what. Every view, consumer and admin asks here."""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from cowork.db import JSONRows, Param, Prepared
from cowork.models import Booking, Member, Organization, Space, SpaceRole, Tag

# Set on a request's user by `space_roles_of`: their roles, read once for the request.
SPACE_ROLES = "_space_roles"


def user_is_network_admin(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = getattr(user, SPACE_ROLES, None)
    if roles is not None:
        return roles.network_admin
    member = getattr(user, "member", None)
    return bool(member and member.is_network_admin)


def organizations_managed_by(*, user) -> QuerySet[Organization]:
    """Organizations whose spaces `user` manages: all for network admins, else those they host.

    One known to hold no role anywhere (HOLDS_SPACE_ROLE) hosts none: no subquery to build."""
    if user_is_network_admin(user=user):
        return Organization.objects.all()
    if not user.is_authenticated or _holds_no_role(user):
        return Organization.objects.none()
    return _organizations_hosted_by(user.pk)


def _organizations_hosted_by(user_id) -> QuerySet[Organization]:
    """`user_id` is an id, or the `Param` of a prepared query."""
    return Organization.objects.filter(
        spaces__roles__user_id=user_id, spaces__roles__role=SpaceRole.Role.HOST
    ).distinct()


def spaces_managed_by(*, user) -> QuerySet[Space]:
    """Spaces `user` may edit: a host manages every space of their own organization."""
    if user_is_network_admin(user=user):
        return Space.objects.all()
    return Space.objects.filter(organization__in=organizations_managed_by(user=user))


class PreparedOverManagedSpaces:
    """A read over the spaces a user manages (`spaces_managed_by`), built and compiled once
    for each of its two cases: every space for network admins, the spaces of the
    organizations they host for anyone else, with the user as a parameter. `build` takes
    the spaces' queryset and returns the read, with `Param`s for other values."""

    def __init__(self, build: Callable[[QuerySet[Space]], QuerySet]) -> None:
        self._everywhere = Prepared(lambda: build(Space.objects.all()))
        self._hosted = Prepared(
            lambda: build(
                Space.objects.filter(
                    organization__in=_organizations_hosted_by(Param("user_id", IntegerField()))
                )
            )
        )

    def rows(self, *, user, **values) -> list[tuple]:
        if user_is_network_admin(user=user):
            return self._everywhere.rows(**values)
        if not user.is_authenticated:
            return []
        return self._hosted.rows(user_id=user.pk, **values)


def spaces_staffed_by(*, user) -> QuerySet[Space]:
    """Spaces where `user` works, as host or staff, or all of them for network admins.

    One known to hold no role anywhere (HOLDS_SPACE_ROLE) works nowhere: no subquery to
    build, and a booking's read by its id (`booking_for`) asks only for their own."""
    if user_is_network_admin(user=user):
        return Space.objects.all()
    if not user.is_authenticated or _holds_no_role(user):
        return Space.objects.none()
    return Space.objects.filter(
        Q(roles__user=user) | Q(organization__in=organizations_managed_by(user=user))
    ).distinct()


def people_known_to(*, user) -> QuerySet:
    """Accounts `user` may find by name (to give a role): everyone for network admins; for a
    host, the people of the centres they manage — who holds a role or has booked there — and
    the members of their organizations. Nobody else is even confirmed to exist."""
    people = get_user_model().objects.all()
    if user_is_network_admin(user=user):
        return people
    spaces = spaces_managed_by(user=user)
    return people.filter(
        Q(pk__in=SpaceRole.objects.filter(space__in=spaces).values("user_id"))
        | Q(pk__in=Booking.objects.filter(space__in=spaces).values("booked_by_id"))
        | Q(member__organization__in=organizations_managed_by(user=user))
    )


def tags_usable_at(*, space: Space) -> QuerySet[Tag]:
    """Tags an event of `space` may carry: its organization's own and the network's."""
    return Tag.objects.filter(Q(organization__isnull=True) | Q(organization=space.organization_id))


def tags_visible_to(*, user) -> QuerySet[Tag]:
    """Tags `user` may see and choose: every tag for network admins; for people who work at
    centres, the network's and those of the organizations of their centres."""
    if user_is_network_admin(user=user):
        return Tag.objects.all()
    organizations = spaces_staffed_by(user=user).values("organization_id")
    return Tag.objects.filter(Q(organization__isnull=True) | Q(organization__in=organizations))


def tags_managed_by(*, user) -> QuerySet[Tag]:
    """Tags `user` may rename: every tag for network admins, else their organizations' own
    (a network-wide tag is the network admins' to change)."""
    if user_is_network_admin(user=user):
        return Tag.objects.all()
    return Tag.objects.filter(organization__in=organizations_managed_by(user=user))


# Set on a user read with an annotation saying whether they hold any role at any space
# (`holds_space_role_annotation`): one who holds none works nowhere, and is told so
# without a query. Most people who book are such members.
HOLDS_SPACE_ROLE = "holds_space_role"


def holds_space_role_annotation(user_ref: str = "pk") -> Exists:
    """Whether the user at `user_ref` (of the query it annotates) holds any space role."""
    return Exists(SpaceRole.objects.filter(user=OuterRef(user_ref)))


def _holds_no_role(user) -> bool:
    return getattr(user, HOLDS_SPACE_ROLE, None) is False and not user_is_network_admin(user=user)


def _role_at(user, space: Space, *, held: Callable) -> bool:
    """Whether `user` holds a role at `space`: `held` asks their roles, those kept on the
    user for its request (SPACE_ROLES) or else read now, not kept; one known to hold no
    role anywhere holds none here, and is not asked."""
    roles = getattr(user, SPACE_ROLES, None)
    if roles is not None:
        return held(roles, space)
    if _holds_no_role(user):
        return False
    return held(_roles_now(user), space)


def user_manages_space(*, user, space: Space) -> bool:
    """Hosts of the space's organization and network admins: approve, decline, configure."""
    return _role_at(user, space, held=SpaceRoles.manages)


def user_works_at_space(*, user, space: Space) -> bool:
    """Hosts and staff: check people in and out, see who holds what."""
    return _role_at(user, space, held=SpaceRoles.works_at)


@dataclass(frozen=True)
class SpaceRoles:
    """A user's place in the network: network admin, or the centres they work at and, of
    those, the ones they manage (the centres of the organizations they host for)."""

    network_admin: bool = False
    staffed: frozenset[int] = frozenset()
    managed: frozenset[int] = frozenset()

    @property
    def works_somewhere(self) -> bool:
        return self.network_admin or bool(self.staffed)

    def works_at(self, space: Space) -> bool:
        return self.network_admin or space.pk in self.staffed

    def manages(self, space: Space) -> bool:
        return self.network_admin or space.pk in self.managed


def space_roles_of(*, user) -> SpaceRoles:
    """`user`'s roles in one query, then kept on `user` for the rest of the request: the
    page's checks, the header's links and `user_is_network_admin`, `user_works_at_space`
    and `user_manages_space` answer from them. Only for a request's user, read afresh with
    each request: a user kept longer (a websocket's) would keep roles since taken away."""
    known = getattr(user, SPACE_ROLES, None)
    if known is not None:
        return known
    roles = _roles_now(user)
    setattr(user, SPACE_ROLES, roles)
    return roles


def _roles_now(user) -> SpaceRoles:
    if not user.is_authenticated or not user.is_active:
        return SpaceRoles()
    if user.is_superuser:
        return SpaceRoles(network_admin=True)
    return _space_roles_read(user)


def _build_space_roles():
    """Whether the user is a network admin, and the spaces they work at with whether they
    manage each, as JSON rows: one query, built and compiled once (`_SPACE_ROLES`)."""
    user_id = Param("user_id", IntegerField())
    hosted = SpaceRole.objects.filter(user_id=user_id, role=SpaceRole.Role.HOST).values(
        "space__organization_id"
    )
    staffed = (
        Space.objects.filter(
            Exists(SpaceRole.objects.filter(user_id=user_id, space=OuterRef("pk")))
            | Q(organization__in=hosted)
        )
        .order_by()
        .values(every=Value(1))  # no grouping: all of them in one row
        .annotate(
            rows=JSONRows(
                "pk",
                Case(
                    When(organization__in=hosted, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                ),
            )
        )
        .values("rows")
    )
    return (
        get_user_model()
        .objects.filter(pk=user_id)
        .values_list(
            Exists(Member.objects.filter(user=OuterRef("pk"), is_network_admin=True)),
            Subquery(staffed),
        )
    )


# Every page a signed-in person opens reads their roles: the query is built once.
_SPACE_ROLES = Prepared(_build_space_roles)


def _space_roles_read(user) -> SpaceRoles:
    found = _SPACE_ROLES.rows(user_id=user.pk)
    if not found:  # the account was deleted while its request ran
        return SpaceRoles()
    ((network_admin, rows),) = found
    spaces = json.loads(rows or "[]")
    return SpaceRoles(
        network_admin=bool(network_admin),
        staffed=frozenset(pk for pk, _manages in spaces),
        managed=frozenset(pk for pk, manages in spaces if manages),
    )


def occupancy_view_for(*, user, space: Space, display_key: str = "") -> str | None:
    """Which live view of `space` someone may watch: "named", "anonymous", or None.

    People who work at the space see names. A display (room door, lobby) shows its space by
    a live token, anonymously. Signed-in members see the anonymous view where the space
    allows it.
    """
    from cowork.models import DisplayToken

    if display_key:
        live = DisplayToken.objects.filter(
            key_hash=DisplayToken.hash(display_key), space=space, revoked_at__isnull=True
        ).exists()
        return "anonymous" if live else None
    if not user.is_authenticated:
        return None
    if user_works_at_space(user=user, space=space):
        return "named"
    return "anonymous" if space.members_see_occupancy else None
