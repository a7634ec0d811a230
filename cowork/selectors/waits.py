"""Reads of the waitlist of rooms and desks: a member's waits, a centre's for a day, and
a place in line."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from cowork.models import Resource, Space
from cowork.models.waits import (
    OPEN_WAIT_STATUSES,
    OfferStatus,
    ResourceWait,
    ResourceWaitOffer,
)


@dataclass(frozen=True)
class WaitRow:
    wait: ResourceWait
    # The offer the member may accept now, if any; its page's key is `offer.link_key()`.
    offer: ResourceWaitOffer | None
    position: int


def _open_offers() -> Prefetch:
    return Prefetch(
        "offers",
        queryset=ResourceWaitOffer.objects.filter(status=OfferStatus.OPEN).select_related(
            "resource"
        ),
        to_attr="open_offers",
    )


def member_waits(*, member, now: datetime.datetime) -> list[WaitRow]:
    """The member's places in line whose window has not begun, soonest first."""
    waits = list(
        ResourceWait.objects.filter(member=member, status__in=OPEN_WAIT_STATUSES, starts_at__gt=now)
        .select_related("space", "resource")
        .prefetch_related(_open_offers())
        .order_by("starts_at", "id")
    )
    return [
        WaitRow(
            wait=wait,
            offer=next((o for o in wait.open_offers if o.is_live(now)), None),
            position=wait_position(wait),
        )
        for wait in waits
    ]


def space_waits(
    *, space: Space, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> list[ResourceWait]:
    """The open waits of a centre whose window touches [starts_at, ends_at), in line order,
    for the host's calendar."""
    return list(
        ResourceWait.objects.filter(
            space=space,
            status__in=OPEN_WAIT_STATUSES,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .select_related("resource", "member")
        .prefetch_related(_open_offers())
        .order_by("starts_at", "created_at", "id")
    )


def wait_position(wait: ResourceWait) -> int:
    """1 for the first in line: open waits for the same thing over an overlapping window
    that joined earlier, plus one. Any-desk waits and a desk's waits share a line."""
    same = Q(resource=wait.resource_id)
    if wait.resource_id is None:
        same = Q(resource__isnull=True) | Q(resource__kind=Resource.Kind.DESK)
    elif wait.resource.kind == Resource.Kind.DESK:
        same |= Q(resource__isnull=True)
    return (
        ResourceWait.objects.filter(
            same,
            space_id=wait.space_id,
            status__in=OPEN_WAIT_STATUSES,
            starts_at__lt=wait.ends_at,
            ends_at__gt=wait.starts_at,
        )
        .filter(Q(created_at__lt=wait.created_at) | Q(created_at=wait.created_at, pk__lt=wait.pk))
        .count()
        + 1
    )
