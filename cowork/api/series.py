"""Repeated bookings: book every occurrence of a rule, read a series, cancel the rest."""

from ninja import Router, Status

from cowork.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from cowork.api.schemas import (
    BookingsOut,
    CancelRestIn,
    PathId,
    SeriesCreatedOut,
    SeriesDetailOut,
    SeriesIn,
)
from cowork.selectors.bookings import series_for, user_to_book_for
from cowork.selectors.spaces import resource_bookable, resources_bookable
from cowork.services.series import ConflictMode, series_cancel_rest, series_create

router = Router(tags=["series"])


@router.post("/series", response={201: SeriesCreatedOut, WRITE_ERRORS: ErrorOut})
def create_series(request, payload: SeriesIn):
    """Book every occurrence of `rrule` (read in the centre's local time).

    `all_or_nothing` refuses the lot if one occurrence cannot be booked (409 when the first
    refusal is a conflict, else 422), listing every refused occurrence in
    `error.details.refused`; `skip_conflicts` books the rest and lists the refused ones.
    With `equipment`, every date brings it into the room: the room and its equipment
    count as one booking against the quota, as a series does.
    """
    resource = resource_bookable(resource_id=payload.resource)
    member = user_to_book_for(viewer=request.auth, space=resource.space, user_id=payload.member)
    result = series_create(
        resource=resource,
        member=member,
        first_starts_at=payload.first_starts_at,
        duration_minutes=payload.duration_minutes,
        rrule=payload.rrule,
        mode=ConflictMode(payload.mode),
        purpose=payload.purpose,
        acting_user=request.auth,
        equipment=resources_bookable(resource_ids=payload.equipment) if payload.equipment else (),
    )
    return Status(201, result)


@router.get("/series/{series_id}", response={200: SeriesDetailOut, READ_ERRORS: ErrorOut})
def get_series(request, series_id: PathId):
    return series_for(viewer=request.auth, series_id=series_id)


@router.post("/series/{series_id}/cancel-rest", response={200: BookingsOut, WRITE_ERRORS: ErrorOut})
def cancel_rest(request, series_id: PathId, payload: CancelRestIn):
    """Cancel every occurrence that starts at or after `from`; return those cancelled."""
    series = series_for(viewer=request.auth, series_id=series_id)
    return {
        "bookings": series_cancel_rest(
            series=series,
            from_moment=payload.from_,
            acting_user=request.auth,
            reason=payload.reason,
        )
    }
