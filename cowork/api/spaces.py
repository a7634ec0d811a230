"""Centres, their resources, and which resources are free for a window."""

import datetime
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from cowork.api.errors import READ_ERRORS, ErrorOut
from cowork.api.schemas import (
    MAX_ID,
    AwareDatetime,
    Country,
    EquipmentCode,
    PathId,
    ResourceKind,
    ResourceOut,
    SpaceDetailOut,
    SpaceOut,
)
from cowork.errors import InvalidInput
from cowork.selectors.availability import free_resources
from cowork.selectors.spaces import space_for_listing, space_listed, space_resources, spaces_listed

router = Router(tags=["spaces"])

# Capacities are small numbers; the bound keeps fuzzed input out of integer overflow.
MAX_CAPACITY = 10_000


@router.get("/spaces", response={200: list[SpaceOut], READ_ERRORS: ErrorOut})
def list_spaces(request, country: Country | None = None):
    """Active centres of the network, optionally of one country."""
    return spaces_listed(country=country)


@router.get("/spaces/{space_id}", response={200: SpaceDetailOut, READ_ERRORS: ErrorOut})
def get_space(request, space_id: PathId):
    """One centre with its weekly hours and upcoming closures."""
    return space_listed(
        space_id=space_id,
        today=(timezone.now() - datetime.timedelta(days=1)).date(),
    )


@router.get(
    "/spaces/{space_id}/resources", response={200: list[ResourceOut], READ_ERRORS: ErrorOut}
)
def list_resources(
    request,
    space_id: PathId,
    kind: ResourceKind | None = None,
    accessible: bool | None = None,
    equipment: Annotated[list[EquipmentCode], Query()] = (),
    min_capacity: Annotated[int | None, Query(ge=1, le=MAX_CAPACITY)] = None,
):
    """Every resource of a centre, in service or not; `equipment` must all be present."""
    return space_resources(
        space_id=space_id,
        kind=kind,
        accessible=accessible,
        equipment=equipment,
        min_capacity=min_capacity,
    )


@router.get("/availability", response={200: list[ResourceOut], READ_ERRORS: ErrorOut})
def availability(
    request,
    starts_at: AwareDatetime,
    ends_at: AwareDatetime,
    space: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    kind: ResourceKind | None = None,
    accessible: bool | None = None,
    equipment: Annotated[list[EquipmentCode], Query()] = (),
    min_capacity: Annotated[int | None, Query(ge=1, le=MAX_CAPACITY)] = None,
):
    """Resources in service that nobody holds during [starts_at, ends_at).

    Of one centre, or of the whole network without `space`. Free means not held: opening
    hours and quotas are checked when booking.
    """
    if ends_at <= starts_at:
        raise InvalidInput(_("The window must end after it starts."), code="end_not_after_start")
    return free_resources(
        starts_at=starts_at,
        ends_at=ends_at,
        space=space_for_listing(space_id=space),
        kind=kind,
        accessible=accessible,
        equipment=tuple(equipment),
        min_capacity=min_capacity,
    )
