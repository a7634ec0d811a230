"""Equipment by kind: "Laptop 1" … "Laptop 10" are one choice, "Laptop", with a number of units.

People ask for "2 laptops", not for Laptop 7 and Laptop 10; the service picks the units.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.text import slugify
from django.utils.translation import get_language

from cowork.models import Resource

_NUMBER = re.compile(r"(\d+)")
# A unit's number at the end of its name: "Laptop 10", "Camera #2", "Projector №1", "Tablet-3".
_UNIT_NUMBER = re.compile(r"[\s#№\-]*\d+\s*$")


def natural_key(name: str) -> tuple:
    """Sort key that reads numbers as numbers: "Laptop 2" before "Laptop 10"."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in _NUMBER.split(name)
        if part
    )


def name_stem(name: str) -> str:
    """A unit's name without its number: "Laptop 10" → "Laptop"; a name that is only a
    number stays as it is."""
    stem = _UNIT_NUMBER.sub("", name).strip()
    return stem or name.strip()


@dataclass(frozen=True)
class EquipmentGroup:
    """Units of one kind: the same type and the same name once its number is taken off."""

    key: str
    label: str
    equipment_type: str
    units: tuple[Resource, ...]


def equipment_groups(resources: Iterable[Resource]) -> list[EquipmentGroup]:
    """`resources` (equipment) grouped by type and name stem, groups and units in natural
    order. A group's `key` is stable while its units keep their names, so a form can name
    it."""
    grouped: dict[tuple[str, str], list[Resource]] = {}
    for resource in resources:
        stem = name_stem(resource.name)
        grouped.setdefault((resource.equipment_type, stem.casefold()), []).append(resource)
    groups = []
    for (equipment_type, folded), units in grouped.items():
        units.sort(key=lambda unit: natural_key(unit.name))
        # Named in the reader's language ("Ноутбук" for "Laptop 1" … "Laptop 17"); the key
        # stays the typed name's, so a form posted in one language reads in another.
        label = name_stem(units[0].name_in(get_language()))
        slug = slugify(folded, allow_unicode=True) or "item"
        groups.append(
            EquipmentGroup(
                key=f"{equipment_type or 'other'}-{slug}",
                label=label,
                equipment_type=equipment_type,
                units=tuple(units),
            )
        )
    groups.sort(key=lambda group: natural_key(group.label))
    return groups


def space_equipment_groups(*, space) -> list[EquipmentGroup]:
    """The centre's equipment in service, by kind."""
    return equipment_groups(
        Resource.objects.filter(space=space, kind=Resource.Kind.EQUIPMENT, out_of_service=False)
    )
