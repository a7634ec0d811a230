from cowork.models.accounts import (
    CodePurpose,
    Invitation,
    Membership,
    PhoneCode,
    PhoneCodeRequest,
)
from cowork.models.bookings import (
    ACTIVE_STATUSES,
    ApiToken,
    Booking,
    BookingStatus,
    Series,
)
from cowork.models.displays import DisplayToken
from cowork.models.donor_reports import DonorMonthlyReport
from cowork.models.events import (
    Attendance,
    DonorAccess,
    Event,
    EventAttempt,
    EventSession,
    EventSessionRoom,
    Registration,
    RegistrationStatus,
    Tag,
)
from cowork.models.idempotency import IdempotencyKey
from cowork.models.outbox import DomainEvent, DomainEventKind
from cowork.models.page_version import PageVersion
from cowork.models.people import Member, Participant, SpaceRole
from cowork.models.phone_repairs import PhoneRepair
from cowork.models.refusals import EquipmentRefusal
from cowork.models.rentals import Invoice, InvoiceCounter, Payment
from cowork.models.resources import Resource
from cowork.models.spaces import Closure, OpeningHours, Organization, ServicePrice, Space
from cowork.models.visits import WalkIn, WalkInSource
from cowork.models.waits import (
    OfferStatus,
    ResourceWait,
    ResourceWaitOffer,
    WaitStatus,
)

__all__ = [
    "ACTIVE_STATUSES",
    "ApiToken",
    "Attendance",
    "Booking",
    "BookingStatus",
    "Closure",
    "CodePurpose",
    "DisplayToken",
    "DomainEvent",
    "DomainEventKind",
    "DonorAccess",
    "DonorMonthlyReport",
    "EquipmentRefusal",
    "Event",
    "EventAttempt",
    "EventSession",
    "EventSessionRoom",
    "IdempotencyKey",
    "Invitation",
    "Invoice",
    "InvoiceCounter",
    "Member",
    "Membership",
    "OfferStatus",
    "OpeningHours",
    "Organization",
    "PageVersion",
    "Participant",
    "Payment",
    "PhoneCode",
    "PhoneCodeRequest",
    "PhoneRepair",
    "Registration",
    "RegistrationStatus",
    "Resource",
    "ResourceWait",
    "ResourceWaitOffer",
    "Series",
    "ServicePrice",
    "Space",
    "SpaceRole",
    "Tag",
    "WaitStatus",
    "WalkIn",
    "WalkInSource",
]
