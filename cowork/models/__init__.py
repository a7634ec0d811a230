from cowork.models.events import Event
from cowork.models.outbox import DomainEvent
from cowork.models.people import Member, Participant, SpaceRole
from cowork.models.resources import Resource
from cowork.models.spaces import Closure, OpeningHours, Organization, ServicePrice, Space

__all__ = [
    "Closure",
    "DomainEvent",
    "Event",
    "Member",
    "OpeningHours",
    "Organization",
    "Participant",
    "Resource",
    "ServicePrice",
    "Space",
    "SpaceRole",
]
