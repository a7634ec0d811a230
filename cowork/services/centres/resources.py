"""A centre's desks, rooms and equipment: add, change, place on the plan, retire, restore."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.errors import InvalidInput
from cowork.models import DomainEventKind, Resource, Space
from cowork.selectors.centres import bookings_stranded_by_retiring
from cowork.services.centres._common import apply_changes, managed_space, record, validated
from cowork.services.centres.stranded import settle_stranded

RESOURCE_FIELDS = {
    "kind",
    "name",
    "description",
    "translations",
    "capacity",
    "equipment",
    "attributes",
    "equipment_type",
    "bookable_alone",
    "accessible",
    "needs_approval",
    "price_per_hour",
    "plan_width",
    "plan_height",
    "min_booking_minutes",
    "max_booking_minutes",
    "max_days_ahead",
    "buffer_minutes",
}
# New desks and rooms are laid out left to right, top to bottom, this far apart.
PLAN_GAP = 20
# What stands on the floor plan; equipment is carried about.
PLACED_KINDS = {Resource.Kind.DESK, Resource.Kind.ROOM}
MOST_DESKS_AT_ONCE = 100


def _record(kind: DomainEventKind, resource: Resource, /, *, by, **payload) -> None:
    record(
        kind,
        aggregate=resource,
        space=resource.space,
        by=by,
        resource=resource.pk,
        name=resource.name,
        **payload,
    )


def resource_create(*, space: Space, by, **fields) -> Resource:
    """A new desk, room or piece of equipment; `fields` are Resource fields.

    A desk or room given no place is put on the first free place of the floor plan (off it
    while there is no room), so the live plan shows it at once; equipment stays off it.
    """
    resource = Resource(space=space)
    apply_changes(resource, fields, allowed=RESOURCE_FIELDS | {"plan_x", "plan_y"})
    with transaction.atomic():
        resource.space = managed_space(space.pk, by=by)
        if resource.kind in PLACED_KINDS and resource.plan_x is None and resource.plan_y is None:
            spots = _free_spots(
                resource.space, width=resource.plan_width, height=resource.plan_height, count=1
            )
            if spots:
                resource.plan_x, resource.plan_y = spots[0]
        validated(resource)
        resource.save()
        _record(DomainEventKind.RESOURCE_CREATED, resource, by=by, kind=resource.kind)
    return resource


def _free_spots(space: Space, *, width: int, height: int, count: int) -> list[tuple[int, int]]:
    """Up to `count` places for a `width`×`height` item that overlap nothing on the plan."""
    taken = [
        (r.plan_x, r.plan_y, r.plan_width, r.plan_height)
        for r in space.resources.filter(plan_x__isnull=False)
    ]
    spots = []
    for y in range(PLAN_GAP, space.floor_plan_height - height + 1, height + PLAN_GAP):
        for x in range(PLAN_GAP, space.floor_plan_width - width + 1, width + PLAN_GAP):
            box = (x, y, width, height)
            if not any(_overlap(box, other) for other in taken):
                spots.append((x, y))
                taken.append(box)
                if len(spots) == count:
                    return spots
    return spots


def _overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def desks_add(
    *,
    space: Space,
    by,
    count: int,
    prefix: str,
    prefixes: dict[str, str] | None = None,
    **fields,
) -> list[Resource]:
    """`count` desks named "<prefix> 01", "<prefix> 02"… after the highest number in use,
    each put on a free place of the floor plan while there is room (else off the plan).

    `prefixes` names them in other languages too ({"uz": "Stol"}: "Stol 01" for Uzbek
    readers), with the same numbers."""
    if not 1 <= count <= MOST_DESKS_AT_ONCE:
        raise InvalidInput(
            _("Add between 1 and %(most)d desks at once.") % {"most": MOST_DESKS_AT_ONCE},
            code="desk_count",
        )
    prefix = prefix.strip() or _("Desk")
    made = []
    with transaction.atomic():
        space = managed_space(space.pk, by=by)
        names = set(space.resources.values_list("name", flat=True))
        template = Resource(space=space, kind=Resource.Kind.DESK)
        apply_changes(template, fields, allowed=RESOURCE_FIELDS - {"kind", "name", "capacity"})
        spots = _free_spots(
            space, width=template.plan_width, height=template.plan_height, count=count
        )
        number = 1
        for index in range(count):
            while f"{prefix} {number:02d}" in names:
                number += 1
            desk = Resource(space=space, kind=Resource.Kind.DESK, name=f"{prefix} {number:02d}")
            apply_changes(desk, fields, allowed=RESOURCE_FIELDS)
            desk.translations = {
                code: {"name": f"{text.strip()} {number:02d}"}
                for code, text in (prefixes or {}).items()
                if text.strip()
            }
            if index < len(spots):
                desk.plan_x, desk.plan_y = spots[index]
            validated(desk)
            desk.save()
            names.add(desk.name)
            _record(DomainEventKind.RESOURCE_CREATED, desk, by=by, kind=desk.kind)
            made.append(desk)
    return made


def resource_update(*, resource: Resource, by, changes: dict) -> Resource:
    """Change what a resource is (name, seats, features, approval, price, rule overrides)."""
    with transaction.atomic():
        space = managed_space(resource.space_id, by=by)
        fresh = Resource.objects.get(pk=resource.pk, space=space)
        fresh.space = space
        changed = apply_changes(fresh, changes, allowed=RESOURCE_FIELDS - {"kind"})
        if not changed:
            return fresh
        validated(fresh)
        fresh.save(update_fields=changed)
        _record(DomainEventKind.RESOURCE_UPDATED, fresh, by=by, fields=changed)
    return fresh


def floor_plan_arrange(*, space: Space, by, positions: dict[int, tuple[int, int] | None]) -> int:
    """Put resources of the centre where `positions` says ((x, y), or None: off the plan).

    Every position must lie inside the plan. Returns how many resources moved.
    """
    with transaction.atomic():
        space = managed_space(space.pk, by=by)
        resources = space.resources.in_bulk(list(positions))
        if len(resources) != len(positions):
            raise InvalidInput(_("That resource is not in this centre."), code="unknown_resource")
        moved = 0
        for pk, place in positions.items():
            resource = resources[pk]
            resource.space = space
            x, y = place if place is not None else (None, None)
            if place is not None and not (
                0 <= x <= space.floor_plan_width - resource.plan_width
                and 0 <= y <= space.floor_plan_height - resource.plan_height
            ):
                raise InvalidInput(
                    _("%(name)s would lie outside the floor plan (%(width)d × %(height)d).")
                    % {
                        "name": resource.name,
                        "width": space.floor_plan_width,
                        "height": space.floor_plan_height,
                    },
                    code="off_plan",
                    details={"resource": pk},
                )
            if (resource.plan_x, resource.plan_y) == (x, y):
                continue
            resource.plan_x, resource.plan_y = x, y
            resource.save(update_fields=["plan_x", "plan_y"])
            _record(DomainEventKind.RESOURCE_PLACED, resource, by=by, x=x, y=y)
            moved += 1
    return moved


def resource_retire(
    *,
    resource: Resource,
    by,
    reason: str,
    cancel_bookings: bool = False,
    now: datetime.datetime | None = None,
) -> int:
    """Take a resource out of service: no one can book it. Upcoming bookings of it are
    listed (`StrandsBookings`) unless `cancel_bookings`. Returns how many were cancelled."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why, so members know."), code="no_reason")
    with transaction.atomic():
        space = managed_space(resource.space_id, by=by)
        fresh = Resource.objects.get(pk=resource.pk, space=space)
        fresh.space = space
        cancelled = settle_stranded(
            stranded=bookings_stranded_by_retiring(resource=fresh, now=now),
            by=by,
            cancel=cancel_bookings,
            reason=_("%(name)s is out of service: %(reason)s")
            % {"name": fresh.name, "reason": reason},
        )
        fresh.out_of_service = True
        fresh.out_of_service_reason = reason[:200]
        fresh.save(update_fields=["out_of_service", "out_of_service_reason"])
        _record(DomainEventKind.RESOURCE_RETIRED, fresh, by=by, reason=reason, cancelled=cancelled)
    return cancelled


def resource_restore(*, resource: Resource, by) -> Resource:
    """Put a retired resource back into service."""
    with transaction.atomic():
        space = managed_space(resource.space_id, by=by)
        fresh = Resource.objects.get(pk=resource.pk, space=space)
        fresh.space = space
        if fresh.out_of_service:
            fresh.out_of_service = False
            fresh.out_of_service_reason = ""
            fresh.save(update_fields=["out_of_service", "out_of_service_reason"])
            _record(DomainEventKind.RESOURCE_RESTORED, fresh, by=by)
    return fresh
