"""A member's bookings, and a host's view of the bookings of their centre."""

from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from cowork.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from cowork.api.pagination import Paging
from cowork.api.schemas import (
    MAX_ID,
    AwareDatetime,
    BookingIn,
    BookingOut,
    BookingPatchIn,
    BookingsOut,
    CancelIn,
    PathId,
    QuoteOut,
    StatusName,
)
from cowork.errors import InvalidInput
from cowork.selectors.bookings import booking_for, bookings_listed, user_to_book_for
from cowork.selectors.pricing import booking_quote
from cowork.selectors.spaces import resource_bookable, resources_bookable, space_for_listing
from cowork.services.booking import (
    booking_cancel,
    booking_check_in,
    booking_check_out,
    booking_create,
    booking_create_with_equipment,
    booking_modify,
)

router = Router(tags=["bookings"])

# OpenAPI links from a page of bookings to what can be done with the first one, for clients
# and for the stateful fuzzing that follows them.
_FIRST_LISTED = {"booking_id": "$response.body#/items/0/id"}
_LISTED_BOOKING_LINKS = {
    "responses": {
        200: {
            "links": {
                name: {"operationId": f"cowork_api_bookings_{name}", "parameters": _FIRST_LISTED}
                for name in (
                    "get_booking",
                    "move_booking",
                    "cancel_booking",
                    "check_in",
                    "check_out",
                )
            }
        }
    }
}


@router.get(
    "/bookings",
    response={200: list[BookingOut], READ_ERRORS | {403}: ErrorOut},
    openapi_extra=_LISTED_BOOKING_LINKS,
)
@paginate(Paging)
def list_bookings(
    request,
    space: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    from_: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    to: AwareDatetime | None = None,
    status: Annotated[list[StatusName], Query()] = (),
):
    """Your bookings; or, for its hosts and staff, every booking of centre `space`.

    `from`/`to` keep the bookings that overlap that window.
    """
    return bookings_listed(
        viewer=request.auth,
        space=space_for_listing(space_id=space),
        since=from_,
        until=to,
        statuses=status,
    )


@router.get("/bookings/quote", response={200: QuoteOut, READ_ERRORS: ErrorOut})
def quote(
    request,
    resource: Annotated[int, Query(ge=1, le=MAX_ID)],
    starts_at: AwareDatetime,
    ends_at: AwareDatetime,
):
    """What booking `resource` for that time would cost you, before you confirm."""
    _require_order(starts_at, ends_at)
    bookable = resource_bookable(resource_id=resource)
    price = booking_quote(
        resource=bookable, member=request.auth, starts_at=starts_at, ends_at=ends_at
    )
    zone = bookable.space.zone
    return {
        "resource": bookable.pk,
        "starts_at": starts_at.astimezone(zone),
        "ends_at": ends_at.astimezone(zone),
        "amount": price.amount,
        "currency": price.currency,
        "free_reason": price.free_reason,
    }


@router.post("/bookings", response={201: BookingsOut, WRITE_ERRORS: ErrorOut})
def create_booking(request, payload: BookingIn):
    """Book a resource; with `equipment`, a room and its equipment together, all or none.

    The first booking is the resource asked for. Rooms that need approval come back
    `pending`. Hosts and staff may book for someone else with `member`.
    """
    # The space's rules for the day come with the resource: the service checks them.
    resource = resource_bookable(resource_id=payload.resource, rules_around=payload.starts_at)
    member = user_to_book_for(viewer=request.auth, space=resource.space, user_id=payload.member)
    times = {"starts_at": payload.starts_at, "ends_at": payload.ends_at}
    if payload.equipment:
        bookings = booking_create_with_equipment(
            room=resource,
            equipment=resources_bookable(resource_ids=payload.equipment),
            member=member,
            purpose=payload.purpose,
            acting_user=request.auth,
            **times,
        )
    else:
        bookings = [
            booking_create(
                resource=resource,
                member=member,
                purpose=payload.purpose,
                acting_user=request.auth,
                **times,
            )
        ]
    return Status(201, {"bookings": bookings})


@router.get("/bookings/{booking_id}", response={200: BookingOut, READ_ERRORS: ErrorOut})
def get_booking(request, booking_id: PathId):
    return booking_for(viewer=request.auth, booking_id=booking_id)


@router.patch("/bookings/{booking_id}", response={200: BookingOut, WRITE_ERRORS: ErrorOut})
def move_booking(request, booking_id: PathId, payload: BookingPatchIn):
    """Move or extend a booking; an end left out stays where it is. Same rules as booking."""
    if payload.starts_at is None and payload.ends_at is None:
        raise InvalidInput(_("Send starts_at, ends_at or both."), code="nothing_to_change")
    booking = booking_for(viewer=request.auth, booking_id=booking_id)
    return booking_modify(
        booking=booking,
        starts_at=payload.starts_at or booking.starts_at,
        ends_at=payload.ends_at or booking.ends_at,
        acting_user=request.auth,
        reason=payload.reason,
    )


@router.post("/bookings/{booking_id}/cancel", response={200: BookingsOut, WRITE_ERRORS: ErrorOut})
def cancel_booking(request, booking_id: PathId, payload: CancelIn | None = None):
    """Cancel a booking, and the bookings made together with it; all are returned.

    The body is optional: without it, no reason is recorded.
    """
    booking = booking_for(viewer=request.auth, booking_id=booking_id)
    return {
        "bookings": booking_cancel(
            booking=booking, acting_user=request.auth, reason=payload.reason if payload else ""
        )
    }


@router.post("/bookings/{booking_id}/check-in", response={200: BookingOut, WRITE_ERRORS: ErrorOut})
def check_in(request, booking_id: PathId):
    booking = booking_for(viewer=request.auth, booking_id=booking_id)
    return booking_check_in(booking=booking, acting_user=request.auth)


@router.post("/bookings/{booking_id}/check-out", response={200: BookingOut, WRITE_ERRORS: ErrorOut})
def check_out(request, booking_id: PathId):
    booking = booking_for(viewer=request.auth, booking_id=booking_id)
    return booking_check_out(booking=booking, acting_user=request.auth)


def _require_order(starts_at, ends_at) -> None:
    if ends_at <= starts_at:
        raise InvalidInput(_("The end must come after the start."), code="end_not_after_start")
