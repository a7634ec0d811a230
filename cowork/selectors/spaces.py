"""Reads about centres: where they are, and whether they are open at a moment."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count, DateField, IntegerField, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cowork.db import Param, Prepared, built
from cowork.errors import NotFound
from cowork.models import ACTIVE_STATUSES, Booking, Closure, OpeningHours, Resource, Space
from cowork.selectors.rules import near_days, rules_attached, rules_columns


@dataclass(frozen=True)
class SpaceStatus:
    space: Space
    local_time: datetime.datetime
    is_open: bool
    closure_reason: str
    desks: int
    rooms: int
    equipment: int
    # In service and held by no active booking now; zero while the centre is closed.
    free_desks: int = 0
    free_rooms: int = 0


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


def _held_now(now: datetime.datetime) -> dict[int, tuple[int, int]]:
    """Per space, how many desks and rooms in service an active booking holds at `now`."""
    rows = (
        Booking.objects.filter(
            status__in=ACTIVE_STATUSES,
            starts_at__lte=now,
            blocked_until__gt=now,
            space__is_active=True,
            resource__out_of_service=False,
        )
        .values("space_id")
        .annotate(
            desks=Count("resource", distinct=True, filter=Q(resource__kind=Resource.Kind.DESK)),
            rooms=Count("resource", distinct=True, filter=Q(resource__kind=Resource.Kind.ROOM)),
        )
    )
    return {row["space_id"]: (row["desks"], row["rooms"]) for row in rows}


def _space_statuses(*, now: datetime.datetime) -> list[SpaceStatus]:
    around_today = (
        (now - datetime.timedelta(days=1)).date(),
        (now + datetime.timedelta(days=1)).date(),
    )
    in_service = Q(resources__out_of_service=False)
    spaces = (
        Space.objects.filter(is_active=True)
        .annotate(
            desk_count=Count("resources", filter=Q(resources__kind=Resource.Kind.DESK)),
            room_count=Count("resources", filter=Q(resources__kind=Resource.Kind.ROOM)),
            equipment_count=Count("resources", filter=Q(resources__kind=Resource.Kind.EQUIPMENT)),
            desks_in_service=Count(
                "resources", filter=Q(resources__kind=Resource.Kind.DESK) & in_service
            ),
            rooms_in_service=Count(
                "resources", filter=Q(resources__kind=Resource.Kind.ROOM) & in_service
            ),
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
    held = _held_now(now)
    statuses = []
    for space in spaces:
        local = space.local_now(now)
        closure = _closure_on(space=space, day=local.date())
        is_open = space_is_open_at(space=space, moment=now)
        desks_held, rooms_held = held.get(space.pk, (0, 0))
        statuses.append(
            SpaceStatus(
                space=space,
                local_time=local,
                is_open=is_open,
                closure_reason=closure.text_in("reason", get_language()) if closure else "",
                desks=space.desk_count,
                rooms=space.room_count,
                equipment=space.equipment_count,
                free_desks=max(space.desks_in_service - desks_held, 0) if is_open else 0,
                free_rooms=max(space.rooms_in_service - rooms_held, 0) if is_open else 0,
            )
        )
    return statuses


def _by_country(statuses: list[SpaceStatus]) -> list[CountryGroup]:
    return [
        CountryGroup(
            country=country,
            country_name=str(members[0].space.get_country_display()),
            spaces=members,
        )
        for country, group in groupby(statuses, key=lambda status: status.space.country)
        if (members := list(group))
    ]


def spaces_by_country(*, now: datetime.datetime) -> list[CountryGroup]:
    """Active spaces grouped by country, each with its local time, whether it is open now
    and how many desks and rooms are free now.

    Four queries whatever the number of spaces: the spaces with their resource counts, their
    opening hours, only the closures that can cover today somewhere in the world, and what
    is held now.
    """
    return _by_country(_space_statuses(now=now))


@dataclass(frozen=True)
class CentreSearch:
    """The centres a search on the home page finds, and what its filters offer."""

    groups: list[CountryGroup]
    countries: list[tuple[str, str]]
    cities: list[str]
    total: int
    found: int
    open_found: int


def _matches(status: SpaceStatus, words: list[str]) -> bool:
    space = status.space
    haystack = " ".join([space.name, space.city, space.region]).casefold()
    return all(word in haystack for word in words)


def centres_found(
    *, now: datetime.datetime, text: str = "", country: str = "", city: str = ""
) -> CentreSearch:
    """Active centres whose name, city or region hold every word of `text`, in `country`
    and `city` when given, by country as on `spaces_by_country`.

    The same four queries as `spaces_by_country`: the network is a few dozen centres, so
    the words are matched here, case-blind in every script (SQLite's LIKE folds only
    ASCII), and the filters' choices come from the same rows.
    """
    statuses = _space_statuses(now=now)
    countries = list(
        dict.fromkeys(
            (status.space.country, str(status.space.get_country_display())) for status in statuses
        )
    )
    in_country = [s for s in statuses if not country or s.space.country == country]
    cities = sorted({s.space.city for s in in_country}, key=str.casefold)
    words = text.casefold().split()
    found = [s for s in in_country if (not city or s.space.city == city) and _matches(s, words)]
    return CentreSearch(
        groups=_by_country(found),
        countries=countries,
        cities=cities,
        total=len(statuses),
        found=len(found),
        open_found=sum(s.is_open for s in found),
    )


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


_RESOURCE_FIELDS = [field.attname for field in Resource._meta.concrete_fields]
_SPACE_FIELDS = [field.attname for field in Space._meta.concrete_fields]
# Every booking through the API reads its resource so: built and compiled once. One row,
# by its key: not sorted by the resources' default order.
_BOOKABLE_WITH_RULES = Prepared(
    lambda: (
        Resource.objects.filter(pk=Param("resource", IntegerField()), space__is_active=True)
        .order_by()
        .annotate(
            **rules_columns(
                space_ref=OuterRef("space_id"),
                near=(Param("first", DateField()), Param("last", DateField())),
            )
        )
        .values_list(
            *_RESOURCE_FIELDS,
            *(f"space__{name}" for name in _SPACE_FIELDS),
            "rules_hours",
            "rules_closures",
        )
    )
)


def resource_bookable(
    *, resource_id: int, rules_around: datetime.datetime | None = None
) -> Resource:
    """A resource of an active centre; the booking rules decide the rest.

    `rules_around`: its space comes with the rules for that moment's day, read in the same
    query (for a booking about to be checked against them)."""
    if rules_around is not None:
        return _bookable_with_rules(resource_id, rules_around)
    resource = (
        Resource.objects.filter(pk=resource_id, space__is_active=True)
        .select_related("space")
        .first()
    )
    if resource is None:
        raise NotFound(_("No such resource."), details={"resource": resource_id})
    return resource


def _bookable_with_rules(resource_id: int, around: datetime.datetime) -> Resource:
    first, last = near_days(around)
    rows = _BOOKABLE_WITH_RULES.rows(resource=resource_id, first=first, last=last)
    if not rows:
        raise NotFound(_("No such resource."), details={"resource": resource_id})
    row = rows[0]
    resources, spaces = len(_RESOURCE_FIELDS), len(_SPACE_FIELDS)
    resource = built(Resource, row[:resources], db="default")
    space = built(Space, row[resources : resources + spaces], db="default")
    resource.space = space
    hours, closures = row[resources + spaces :]
    rules_attached(space, around=around, row={"rules_hours": hours, "rules_closures": closures})
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
