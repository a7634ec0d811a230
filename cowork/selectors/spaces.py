"""Reads about centres: where they are, and whether they are open at a moment."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from cowork.errors import NotFound
from cowork.models import Closure, OpeningHours, Resource, Space


@dataclass(frozen=True)
class SpaceStatus:
    space: Space
    local_time: datetime.datetime
    is_open: bool
    closure_reason: str
    desks: int
    rooms: int
    equipment: int


@dataclass(frozen=True)
class CountryGroup:
    country: str
    country_name: str
    spaces: list[SpaceStatus]


def space_is_open_at(*, space: Space, moment: datetime.datetime) -> bool:
    """Whether `space` is open at the aware `moment`, read in the space's own time zone.

    Uses prefetched `opening_hours` and `closures` when the caller loaded them.
    """
    if moment.tzinfo is None:
        raise ValueError("space_is_open_at() needs an aware datetime.")
    local = moment.astimezone(space.zone)
    if _closure_on(space=space, day=local.date()):
        return False
    wall = local.time().replace(tzinfo=None)
    return any(
        hours.weekday == local.weekday() and hours.opens <= wall < hours.closes
        for hours in space.opening_hours.all()
    )


def _closure_on(*, space: Space, day: datetime.date) -> Closure | None:
    for closure in space.closures.all():
        if closure.starts_on <= day <= closure.ends_on:
            return closure
    return None


def spaces_by_country(*, now: datetime.datetime) -> list[CountryGroup]:
    """Active spaces grouped by country, each with its local time and whether it is open now.

    Three queries whatever the number of spaces: the spaces with their resource counts, their
    opening hours, and only the closures that can cover today somewhere in the world.
    """
    around_today = (
        (now - datetime.timedelta(days=1)).date(),
        (now + datetime.timedelta(days=1)).date(),
    )
    spaces = (
        Space.objects.filter(is_active=True)
        .annotate(
            desk_count=Count("resources", filter=Q(resources__kind=Resource.Kind.DESK)),
            room_count=Count("resources", filter=Q(resources__kind=Resource.Kind.ROOM)),
            equipment_count=Count("resources", filter=Q(resources__kind=Resource.Kind.EQUIPMENT)),
        )
        .prefetch_related(
            Prefetch("opening_hours", queryset=OpeningHours.objects.all()),
            Prefetch(
                "closures",
                queryset=Closure.objects.filter(
                    starts_on__lte=around_today[1], ends_on__gte=around_today[0]
                ),
            ),
        )
        .order_by("country", "city", "name")
    )
    groups = []
    for country, members in groupby(spaces, key=lambda space: space.country):
        statuses = []
        for space in members:
            local = space.local_now(now)
            closure = _closure_on(space=space, day=local.date())
            statuses.append(
                SpaceStatus(
                    space=space,
                    local_time=local,
                    is_open=space_is_open_at(space=space, moment=now),
                    closure_reason=closure.reason if closure else "",
                    desks=space.desk_count,
                    rooms=space.room_count,
                    equipment=space.equipment_count,
                )
            )
        groups.append(
            CountryGroup(
                country=country,
                country_name=str(statuses[0].space.get_country_display()),
                spaces=statuses,
            )
        )
    return groups


def spaces_listed(*, country: str | None = None) -> QuerySet[Space]:
    """Active centres with their organization and weekly hours, optionally of one country."""
    spaces = (
        Space.objects.filter(is_active=True)
        .select_related("organization")
        .prefetch_related(Prefetch("opening_hours", queryset=OpeningHours.objects.all()))
        .order_by("country", "city", "name")
    )
    if country:
        spaces = spaces.filter(country=country)
    return spaces


def space_listed(*, space_id: int, today: datetime.date | None = None) -> Space:
    """One active centre, with its hours and the closures from `today` on."""
    closures = Closure.objects.all()
    if today is not None:
        closures = closures.filter(ends_on__gte=today)
    space = (
        spaces_listed()
        .prefetch_related(Prefetch("closures", queryset=closures.order_by("starts_on")))
        .filter(pk=space_id)
        .first()
    )
    if space is None:
        raise NotFound(_("No such centre."), details={"space": space_id})
    return space


def resources_matching(
    resources: QuerySet[Resource],
    *,
    kind: str | None = None,
    accessible: bool | None = None,
    equipment: Iterable[str] = (),
    min_capacity: int | None = None,
) -> list[Resource]:
    """`resources`, in their order, narrowed to a search: the kind, step-free or not, at
    least `min_capacity` seats, and all of `equipment` — a room's built-in equipment or a
    piece of equipment's type."""
    if kind:
        resources = resources.filter(kind=kind)
    if accessible is not None:
        resources = resources.filter(accessible=accessible)
    if min_capacity:
        resources = resources.filter(capacity__gte=min_capacity)
    wanted = set(equipment)
    # JSON containment differs between SQLite and PostgreSQL; a centre has few resources.
    return [r for r in resources if wanted <= set(r.equipment) | {r.equipment_type}]


def space_resources(
    *,
    space_id: int,
    kind: str | None = None,
    accessible: bool | None = None,
    equipment: Iterable[str] = (),
    min_capacity: int | None = None,
) -> list[Resource]:
    """Every resource of an active centre, in service or not (each says which)."""
    space = Space.objects.filter(pk=space_id, is_active=True).first()
    if space is None:
        raise NotFound(_("No such centre."), details={"space": space_id})
    return resources_matching(
        Resource.objects.filter(space=space).select_related("space").order_by("kind", "name"),
        kind=kind,
        accessible=accessible,
        equipment=equipment,
        min_capacity=min_capacity,
    )


def space_for_listing(*, space_id: int | None) -> Space | None:
    """The active centre a filter names, or None when no filter is given."""
    if space_id is None:
        return None
    space = Space.objects.filter(pk=space_id, is_active=True).first()
    if space is None:
        raise NotFound(_("No such centre."), details={"space": space_id})
    return space


def resource_bookable(*, resource_id: int) -> Resource:
    """A resource of an active centre; the booking rules decide the rest."""
    resource = (
        Resource.objects.filter(pk=resource_id, space__is_active=True)
        .select_related("space")
        .first()
    )
    if resource is None:
        raise NotFound(_("No such resource."), details={"resource": resource_id})
    return resource


def resources_bookable(*, resource_ids: Iterable[int]) -> list[Resource]:
    """Resources of active centres, in the order asked; NotFound names the missing ones."""
    wanted = list(dict.fromkeys(resource_ids))
    found = {
        r.pk: r
        for r in Resource.objects.filter(pk__in=wanted, space__is_active=True).select_related(
            "space"
        )
    }
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise NotFound(_("No such resource."), details={"resources": missing})
    return [found[pk] for pk in wanted]
