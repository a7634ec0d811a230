"""What the floor plan of the booking page draws: each placed resource with its state.

Pure presentation: the view passes what the availability selector found; nothing here
reads the database.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cowork.models import Resource


class SpotState:
    FREE = "free"  # free and matching the search: a link to book it
    TAKEN = "taken"
    OUT_OF_SERVICE = "out"
    NOT_MATCHING = "other"  # free, but not what the search asks for

    # Short enough to fit inside a desk on the plan.
    LABELS = {
        FREE: _("Free"),
        TAKEN: _("Taken"),
        OUT_OF_SERVICE: _("Closed"),
        NOT_MATCHING: _("Other"),
    }
    # What the legend and screen readers say.
    DESCRIPTIONS = {
        FREE: _("Free"),
        TAKEN: _("Taken"),
        OUT_OF_SERVICE: _("Closed — out of service"),
        NOT_MATCHING: _("Other — free, but not what you are looking for"),
    }


@dataclass(frozen=True)
class PlanSpot:
    resource: Resource
    state: str

    @property
    def label(self) -> str:
        return str(SpotState.LABELS[self.state])

    @property
    def description(self) -> str:
        return str(SpotState.DESCRIPTIONS[self.state])

    @property
    def is_free(self) -> bool:
        return self.state == SpotState.FREE

    @property
    def is_room(self) -> bool:
        return self.resource.kind == Resource.Kind.ROOM

    # Where the two lines of text sit inside the resource's rectangle.
    @property
    def name_x(self) -> int:
        return self.resource.plan_x + self.resource.plan_width // 2

    @property
    def name_y(self) -> int:
        return self.resource.plan_y + self.resource.plan_height // 2 - 4

    @property
    def state_y(self) -> int:
        return self.resource.plan_y + self.resource.plan_height // 2 + 15


def plan_spots(
    *, resources: list[Resource], free_ids: set[int], matching_ids: set[int]
) -> list[PlanSpot]:
    """Each resource placed on the plan with its state for the searched window.

    `free_ids`: free whatever the search's filters; `matching_ids`: free and matching them.
    """
    spots = []
    for resource in resources:
        if not resource.on_plan:
            continue
        if resource.out_of_service:
            state = SpotState.OUT_OF_SERVICE
        elif resource.pk in matching_ids:
            state = SpotState.FREE
        elif resource.pk in free_ids:
            state = SpotState.NOT_MATCHING
        else:
            state = SpotState.TAKEN
        spots.append(PlanSpot(resource, state))
    return spots
