"""Making bookings and moving them: one resource, a room with its equipment, a new time."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.errors import InvalidInput
from cowork.metrics import count_booking_outcome
from cowork.models import Booking, BookingStatus, DomainEventKind, Resource
from cowork.models.bookings import CHANGEABLE_STATUSES, new_group_id
from cowork.selectors.pricing import booking_quote
from cowork.selectors.rules import rules_read, space_with_rules
from cowork.services.booking.checks import (
    check_contended,
    check_request,
    insert,
    overlap_conflict,
)
from cowork.services.booking.common import (
    Roles,
    authorize_booking_for,
    held_for_change,
    record,
    require_status,
)
from cowork.services.locking import lock_space_numbered


@count_booking_outcome
def booking_create(
    *,
    resource: Resource,
    member,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    purpose: str = "",
    acting_user=None,
    now: datetime.datetime | None = None,
    series=None,
    group=None,
    with_room: bool = False,
) -> Booking:
    """Book `resource` for `member` over [starts_at, ends_at).

    Rooms that need approval are held as pending unless a host books them. Raises
    InvalidInput, RuleViolation (naming the rule), Conflict or NotAllowed, and then nothing
    has changed. Runs in its own transaction, or in the caller's (for bundles and series).
    """
    now = now or timezone.now()
    acting_user = acting_user or member
    # A resource read with its space in this request (the API's, a series') is not read
    # again; the space is given its rules for the day.
    if Resource.space.is_cached(resource):
        space = rules_read(resource.space, around=starts_at)
    else:
        space = space_with_rules(resource.space_id, around=starts_at)
        resource.space = space
    roles = Roles.of(acting_user, space)
    authorize_booking_for(acting_user=acting_user, member=member, space=space, roles=roles)
    blocked_until = check_request(
        space=space,
        resource=resource,
        starts_at=starts_at,
        ends_at=ends_at,
        now=now,
        with_room=with_room,
    )
    quote = booking_quote(resource=resource, member=member, starts_at=starts_at, ends_at=ends_at)
    needs_approval = resource.needs_approval and not roles.manages
    booking = Booking(
        resource=resource,
        space=space,
        booked_by=member,
        starts_at=starts_at.astimezone(datetime.UTC),
        ends_at=ends_at.astimezone(datetime.UTC),
        blocked_until=blocked_until.astimezone(datetime.UTC),
        status=BookingStatus.PENDING if needs_approval else BookingStatus.CONFIRMED,
        purpose=purpose,
        series=series,
        group=group,
        price=quote.amount,
        currency=quote.currency,
    )
    try:
        with transaction.atomic():
            # The lock takes the number of the event recorded below, in one statement.
            space_seq = lock_space_numbered(space.pk)
            check_contended(
                space=space,
                resource=resource,
                member=member,
                starts_at=starts_at,
                ends_at=ends_at,
                blocked_until=blocked_until,
                now=now,
                roles=roles,
                series=series,
                group=group,
            )
            # The booking and its event, in one statement where the database allows. No
            # savepoint of its own: a refusal by the exclusion constraint rolls back this
            # block, and is told as a conflict once it has.
            record(
                DomainEventKind.BOOKING_REQUESTED
                if needs_approval
                else DomainEventKind.BOOKING_CREATED,
                booking,
                space_seq=space_seq,
                inserting=True,
            )
    except IntegrityError as error:
        raise overlap_conflict(booking, error, holder_visible=roles.works_here) from error
    return booking


def require_equipment_of(room: Resource, equipment: list[Resource]) -> None:
    """InvalidInput unless `room` is a room and `equipment` is equipment of its centre."""
    if room.kind != Resource.Kind.ROOM:
        raise InvalidInput(_("Equipment is booked together with a room."), code="not_a_room")
    strangers = [item for item in equipment if item.kind != Resource.Kind.EQUIPMENT]
    elsewhere = [item for item in equipment if item.space_id != room.space_id]
    if strangers or elsewhere:
        raise InvalidInput(
            _("Only equipment of the same centre can be booked with a room."),
            code="bad_equipment",
            details={"resources": [item.pk for item in strangers + elsewhere]},
        )


def booking_create_with_equipment(
    *,
    room: Resource,
    equipment: list[Resource],
    member,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    purpose: str = "",
    acting_user=None,
    now: datetime.datetime | None = None,
    series=None,
) -> list[Booking]:
    """Book a room and its equipment together: all of them, or none (the first refusal).

    They count as one booking against the member's quota (a `group`); `series` makes them
    one occurrence of a repeated booking."""
    require_equipment_of(room, equipment)
    group = new_group_id()
    with transaction.atomic():
        bookings = [
            booking_create(
                resource=item,
                member=member,
                starts_at=starts_at,
                ends_at=ends_at,
                purpose=purpose,
                acting_user=acting_user,
                now=now,
                series=series,
                group=group,
                with_room=item.kind == Resource.Kind.EQUIPMENT,
            )
            for item in [room, *equipment]
        ]
    return bookings


def booking_modify(
    *,
    booking: Booking,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    acting_user,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Booking:
    """Move or extend a booking; the same rules apply as to a new one, minus itself.

    `reason`: why, when someone else (a host) moves it; the holder is told it.
    """
    now = now or timezone.now()
    space = space_with_rules(booking.space_id, around=starts_at)
    roles = Roles.of(acting_user, space)
    with held_for_change(booking, acting_user=acting_user) as booking:
        booking.space = booking.resource.space = space
        require_status(booking, CHANGEABLE_STATUSES, action=_("moved"))
        blocked_until = check_request(
            space=space,
            resource=booking.resource,
            starts_at=starts_at,
            ends_at=ends_at,
            now=now,
            with_room=booking.group is not None,
        )
        check_contended(
            space=space,
            resource=booking.resource,
            member=booking.booked_by,
            starts_at=starts_at,
            ends_at=ends_at,
            blocked_until=blocked_until,
            now=now,
            roles=roles,
            moving=booking,
            series=booking.series,
            group=booking.group,
        )
        previous = {
            "starts_at": booking.starts_at.isoformat(),
            "ends_at": booking.ends_at.isoformat(),
        }
        booking.starts_at = starts_at.astimezone(datetime.UTC)
        booking.ends_at = ends_at.astimezone(datetime.UTC)
        booking.blocked_until = blocked_until.astimezone(datetime.UTC)
        booking.price = booking_quote(
            resource=booking.resource,
            member=booking.booked_by,
            starts_at=starts_at,
            ends_at=ends_at,
        ).amount
        if booking.resource.needs_approval and not roles.manages:
            booking.status = BookingStatus.PENDING
        booking.sequence += 1
        insert(booking, holder_visible=roles.works_here)
        record(
            DomainEventKind.BOOKING_MOVED,
            booking,
            previous=previous,
            by=acting_user.pk,
            reason=" ".join(reason.split())[:300],
        )
    return booking
