"""What the API reads and writes.

Inputs: every datetime must carry an offset (a naive one is refused with 400
`naive_datetime`, never guessed, and one beyond ±15:59 with 422 naming the field); ids and
numbers are bounded so nothing out of a database's range reaches a query. Outputs: times
carry an offset and are shown in the space's own time zone; no phone number of anyone
appears anywhere.
"""

import datetime
import uuid
import zoneinfo
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Path, Schema
from pydantic import AfterValidator, ValidationInfo
from pydantic_core import PydanticCustomError

from cowork.booking_rules import offset_is_storable, offset_refusal, require_aware
from cowork.errors import InvalidInput
from cowork.models import BookingStatus, Resource
from cowork.models.resources import ROOM_EQUIPMENT
from cowork.models.spaces import COUNTRIES
from cowork.selectors.bookings import staffed_space_ids

MAX_ID = 2**63 - 1  # a signed 64-bit key, the widest either database stores
# Far beyond any booking window, and far from datetime.min/max so converting to any zone
# cannot overflow.
EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(2200, 1, 1, tzinfo=datetime.UTC)


def _aware(value: datetime.datetime, info: ValidationInfo) -> datetime.datetime:
    field = (info.field_name or "datetime").rstrip("_")
    if not offset_is_storable(value):
        # A schema error naming the field (422), like any other value the type refuses.
        raise PydanticCustomError("offset_out_of_range", offset_refusal(field))
    # Raised as a domain error, not a ValueError, so it is a 400 of its own code rather than
    # one more schema failure among others.
    require_aware(value, field=field)
    if not EARLIEST <= value < LATEST:
        raise InvalidInput(
            _("%(field)s is out of range.") % {"field": field},
            code="datetime_out_of_range",
            details={"field": field},
        )
    return value


AwareDatetime = Annotated[
    datetime.datetime,
    AfterValidator(_aware),
    Field(description="ISO 8601 with an offset, e.g. 2027-03-01T10:00:00+04:00."),
]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
# PostgreSQL refuses NUL in text; refuse it here, as a schema error, before any query.
_NO_NUL = r"^[^\x00]*$"
Purpose = Annotated[str, Field(max_length=200, pattern=_NO_NUL)]
Reason = Annotated[str, Field(max_length=300, pattern=_NO_NUL)]

ResourceKind = Literal["desk", "room", "equipment"]
StatusName = Literal[tuple(BookingStatus.values)]  # type: ignore[valid-type]
Country = Literal[tuple(code for code, _label in COUNTRIES)]  # type: ignore[valid-type]
# A room's built-in equipment or the type of a piece of equipment, as availability reads it.
_EQUIPMENT_CODES = [code for code, _label in ROOM_EQUIPMENT] + list(Resource.EquipmentType.values)
EquipmentCode = Literal[tuple(dict.fromkeys(_EQUIPMENT_CODES))]  # type: ignore[valid-type]
ConflictModeName = Literal["all_or_nothing", "skip_conflicts"]


def _in_zone(moment: datetime.datetime | None, zone) -> datetime.datetime | None:
    return None if moment is None else moment.astimezone(zone)


def _in_space_zone(name: str) -> staticmethod:
    """A resolver giving the object's moment `name` in the time zone of its space."""

    def resolve(obj):
        return _in_zone(getattr(obj, name), obj.space.zone)

    return staticmethod(resolve)


# --- Spaces and resources ------------------------------------------------------------------


class OrganizationRef(Schema):
    id: int
    name: str


class OpeningHoursOut(Schema):
    weekday: int = Field(description="0 is Monday.")
    opens: datetime.time
    closes: datetime.time


class ClosureOut(Schema):
    starts_on: datetime.date
    ends_on: datetime.date
    reason: str


class SpaceOut(Schema):
    id: int
    name: str
    slug: str
    organization: OrganizationRef
    city: str
    region: str
    country: str
    address: str
    time_zone: str
    languages: list[str]
    accessibility: list[str]
    currency: str
    opening_hours: list[OpeningHoursOut]
    booking_grid_minutes: int
    min_booking_minutes: int
    max_booking_minutes: int
    max_days_ahead: int
    check_in_early_minutes: int

    @staticmethod
    def resolve_opening_hours(obj):
        return list(obj.opening_hours.all())


class SpaceDetailOut(SpaceOut):
    closures: list[ClosureOut] = Field(description="Closures from today on.")

    @staticmethod
    def resolve_closures(obj):
        return list(obj.closures.all())


class SpaceRef(Schema):
    id: int
    name: str
    time_zone: str


class ResourceOut(Schema):
    id: int
    space: SpaceRef
    kind: ResourceKind
    name: str
    description: str
    capacity: int
    equipment: list[str]
    attributes: list[str]
    equipment_type: str
    bookable_alone: bool
    accessible: bool
    needs_approval: bool
    price_per_hour: Decimal
    out_of_service: bool
    out_of_service_reason: str


class ResourceRef(Schema):
    id: int
    name: str
    kind: ResourceKind


# --- Bookings --------------------------------------------------------------------------------


class BookingIn(Schema):
    resource: Id
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    purpose: Purpose = ""
    equipment: list[Id] = Field(
        default_factory=list,
        max_length=10,
        description="Equipment booked together with the room: all or none.",
    )
    member: Id | None = Field(None, description="Hosts and staff: the user booked for.")


class BookingPatchIn(Schema):
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    reason: Reason = Field("", description="Why a host moves it; told to the member.")


class CancelIn(Schema):
    reason: Reason = ""


class BookingOut(Schema):
    id: int
    resource: ResourceRef
    space: SpaceRef
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: StatusName
    purpose: str
    price: Decimal
    currency: str
    series: int | None
    group: uuid.UUID | None = Field(description="Shared by bookings made together.")
    sequence: int
    checked_in_at: datetime.datetime | None
    checked_out_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    cancelled_at: datetime.datetime | None
    reason: str
    mine: bool = Field(description="Booked for the caller.")
    booked_by: str | None = Field(
        description="The booker's name: for the booker and the centre's hosts and staff only."
    )
    created_at: datetime.datetime

    resolve_starts_at = _in_space_zone("starts_at")
    resolve_ends_at = _in_space_zone("ends_at")
    resolve_checked_in_at = _in_space_zone("checked_in_at")
    resolve_checked_out_at = _in_space_zone("checked_out_at")
    resolve_decided_at = _in_space_zone("decided_at")
    resolve_cancelled_at = _in_space_zone("cancelled_at")
    resolve_created_at = _in_space_zone("created_at")

    @staticmethod
    def resolve_series(obj):
        return obj.series_id

    @staticmethod
    def resolve_mine(obj, context):
        return obj.booked_by_id == context["request"].auth.pk

    @staticmethod
    def resolve_booked_by(obj, context):
        request = context["request"]
        viewer = request.auth
        if obj.booked_by_id != viewer.pk:
            # Asked once per request, however many bookings are rendered.
            if not hasattr(request, "_cowork_staffed_space_ids"):
                request._cowork_staffed_space_ids = staffed_space_ids(viewer=viewer)
            if obj.space_id not in request._cowork_staffed_space_ids:
                return None
        user = obj.booked_by
        return user.get_full_name() or user.get_username()


class BookingsOut(Schema):
    bookings: list[BookingOut] = Field(
        description="Bookings made or cancelled together: a room and its equipment."
    )


class QuoteOut(Schema):
    resource: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    amount: Decimal
    currency: str
    free_reason: str = Field(
        description="Why it is free (free_resource, partner_ngo, centre_own), or ''."
    )


# --- Series ------------------------------------------------------------------------------------


class SeriesIn(Schema):
    resource: Id
    first_starts_at: AwareDatetime
    duration_minutes: int = Field(ge=1, le=24 * 60)
    rrule: str = Field(
        min_length=1,
        max_length=300,
        pattern=_NO_NUL,
        description="RFC 5545 with COUNT or UNTIL, e.g. FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8.",
    )
    mode: ConflictModeName = "all_or_nothing"
    purpose: Purpose = ""
    equipment: list[Id] = Field(
        default_factory=list,
        max_length=10,
        description="Equipment brought into the room on every date: a date where one "
        "of it cannot be booked is refused as the room's would be.",
    )
    member: Id | None = Field(None, description="Hosts and staff: the user booked for.")


class CancelRestIn(Schema):
    from_: AwareDatetime = Field(alias="from", description="Cancel occurrences from here on.")
    reason: Reason = ""


class SeriesOut(Schema):
    id: int
    resource: ResourceRef
    space: SpaceRef
    rrule: str
    first_starts_at: datetime.datetime
    duration_minutes: int
    time_zone: str
    purpose: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_space(obj):
        return obj.resource.space

    @staticmethod
    def resolve_first_starts_at(obj):
        # Stored as the local wall time tagged UTC; it means that wall time in the zone.
        return obj.first_start_local.replace(tzinfo=zoneinfo.ZoneInfo(obj.time_zone))

    @staticmethod
    def resolve_created_at(obj):
        return _in_zone(obj.created_at, zoneinfo.ZoneInfo(obj.time_zone))


class SeriesDetailOut(SeriesOut):
    bookings: list[BookingOut]

    @staticmethod
    def resolve_bookings(obj):
        return list(obj.bookings.all())


class RefusedOut(Schema):
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    code: str
    message: str


class SeriesCreatedOut(Schema):
    series: SeriesOut
    bookings: list[BookingOut]
    refused: list[RefusedOut] = Field(description="Occurrences skipped, with the reason.")


# --- Approvals ----------------------------------------------------------------------------------


class ApproveIn(Schema):
    reason: Reason = ""


class DeclineIn(Schema):
    reason: Reason = Field(description="Told to the member; required.")
