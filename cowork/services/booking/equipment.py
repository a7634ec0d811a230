"""A room with a number of pieces of equipment of each kind: "2 laptops", the units ours to pick."""

import datetime
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.errors import Conflict, InvalidInput
from cowork.models import Booking, EquipmentRefusal, Resource
from cowork.selectors.availability import free_resources
from cowork.selectors.equipment import space_equipment_groups
from cowork.services.booking.create import booking_create_with_equipment
from cowork.services.locking import lock_space


def booking_create_with_equipment_counts(
    *,
    room: Resource,
    quantities: Mapping[str, int],
    member,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    purpose: str = "",
    acting_user=None,
    now: datetime.datetime | None = None,
) -> list[Booking]:
    """Book `room` with `quantities[key]` free units of each equipment group (keys of
    `cowork.selectors.equipment`), lowest-numbered free units first: all or nothing.

    The free units are read under the space's lock, so two people asking for the last
    laptops at once cannot both be given the same one; too few free is a Conflict naming
    how many are, and the refusal is kept (`EquipmentRefusal`).
    """
    wanted = {key: count for key, count in quantities.items() if count}
    bad = {key: count for key, count in wanted.items() if not isinstance(count, int) or count < 0}
    if bad:
        raise InvalidInput(
            _("Ask for a whole number of each piece of equipment."),
            code="bad_quantity",
            details={"quantities": bad},
        )
    try:
        with transaction.atomic():
            lock_space(room.space_id)
            return booking_create_with_equipment(
                room=room,
                equipment=_free_units(room, wanted, starts_at=starts_at, ends_at=ends_at),
                member=member,
                starts_at=starts_at,
                ends_at=ends_at,
                purpose=purpose,
                acting_user=acting_user,
                now=now,
            )
    except _TooFew as refusal:
        # The booking is refused whole and nothing of it was written; the refusal itself is
        # kept (in the caller's transaction, if any), for the reports' "asked for and refused".
        EquipmentRefusal.objects.create(
            space_id=room.space_id,
            equipment_type=refusal.group.equipment_type,
            label=refusal.group.label,
            wanted=refusal.wanted,
            free=refusal.free,
            starts_at=starts_at.astimezone(datetime.UTC),
            ends_at=ends_at.astimezone(datetime.UTC),
            refused_at=now or timezone.now(),
        )
        raise refusal.conflict from None


class _TooFew(Exception):
    def __init__(self, conflict: Conflict, group, wanted: int, free: int):
        super().__init__(str(conflict))
        self.conflict, self.group, self.wanted, self.free = conflict, group, wanted, free


def _free_units(room, wanted, *, starts_at, ends_at) -> list[Resource]:
    """`wanted[key]` free units of each equipment group, lowest-numbered first; _TooFew if a
    group has too few. The caller holds the space's lock."""
    groups = {group.key: group for group in space_equipment_groups(space=room.space_id)}
    unknown = sorted(key for key in wanted if key not in groups)
    if unknown:
        raise InvalidInput(
            _("This centre has no such equipment."),
            code="bad_equipment",
            details={"equipment": unknown},
        )
    free_ids = set()
    if wanted:
        free_ids = {
            item.pk
            for item in free_resources(
                space=room.space_id,
                kind=Resource.Kind.EQUIPMENT,
                starts_at=starts_at,
                ends_at=ends_at,
            )
        }
    chosen: list[Resource] = []
    for key, count in wanted.items():
        group = groups[key]
        free_units = [unit for unit in group.units if unit.pk in free_ids]
        if len(free_units) < count:
            conflict = Conflict(
                _("Only %(free)d × %(name)s free at that time; you asked for %(wanted)d.")
                % {"free": len(free_units), "name": group.label, "wanted": count},
                code="not_enough_equipment",
                details={"equipment": key, "free": len(free_units), "wanted": count},
            )
            raise _TooFew(conflict, group, count, len(free_units))
        chosen.extend(free_units[:count])
    return chosen
