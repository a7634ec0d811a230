"""Reads about centres: where they are, and whether they are open at a moment."""

import datetime
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count, Prefetch, Q

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
