"""Hosts approve or decline bookings of rooms that need approval."""

from typing import Annotated

from ninja import Query, Router
from ninja.pagination import paginate

from cowork.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from cowork.api.pagination import Paging
from cowork.api.schemas import MAX_ID, ApproveIn, BookingOut, DeclineIn, PathId
from cowork.selectors.bookings import approvals_pending, booking_to_decide
from cowork.selectors.spaces import space_for_listing
from cowork.services.booking import booking_approve, booking_decline

router = Router(tags=["approvals"])


@router.get("/approvals", response={200: list[BookingOut], READ_ERRORS: ErrorOut})
@paginate(Paging)
def list_approvals(request, space: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None):
    """Pending bookings at the centres you manage, soonest first; empty for everyone else."""
    return approvals_pending(host=request.auth, space=space_for_listing(space_id=space))


@router.post("/approvals/{booking_id}/approve", response={200: BookingOut, WRITE_ERRORS: ErrorOut})
def approve(request, booking_id: PathId, payload: ApproveIn | None = None):
    """Approve a pending booking; the body, with an optional reason, may be left out."""
    booking = booking_to_decide(host=request.auth, booking_id=booking_id)
    return booking_approve(
        booking=booking, host=request.auth, reason=payload.reason if payload else ""
    )


@router.post("/approvals/{booking_id}/decline", response={200: BookingOut, WRITE_ERRORS: ErrorOut})
def decline(request, booking_id: PathId, payload: DeclineIn):
    """Decline with a reason, which the member is told."""
    booking = booking_to_decide(host=request.auth, booking_id=booking_id)
    return booking_decline(booking=booking, host=request.auth, reason=payload.reason)
