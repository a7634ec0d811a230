"""Writes of bookings: create, move, cancel, approve, check in and out, release no-shows.

Every write takes the space's row lock (`cowork.services.locking.lock_space`) around the
checks that read what other writers change — overlap, the space's head count, a member's
quotas — and the insert that follows, so they are one serialized step per space; the
checks of the request alone (time rules, roles, price) run before the lock, to keep its
hold short. On PostgreSQL the exclusion constraint `booking_no_overlap` is the last word
on overlap; on SQLite IMMEDIATE transactions serialize every writer, which gives the same
guarantee.

By capability: `create` (new bookings and moves), `equipment` (a room with
so many pieces of each kind of equipment), `lifecycle` (cancel, approve, decline,
confirm attendance), `presence` (check-in and -out, no-shows); `checks` holds what a new
or moved booking must pass, `common` what every write shares. Events, series, the API and
SMS replies import from here.
"""

from cowork.services.booking.common import authorize_booking_for
from cowork.services.booking.create import (
    booking_create,
    booking_create_with_equipment,
    booking_modify,
)
from cowork.services.booking.equipment import booking_create_with_equipment_counts
from cowork.services.booking.lifecycle import (
    booking_approve,
    booking_cancel,
    booking_confirm_attendance,
    booking_decline,
)
from cowork.services.booking.presence import (
    booking_check_in,
    booking_check_in_by_qr,
    booking_check_in_now,
    booking_check_out,
    check_out_finished,
    event_room_check_in,
    release_no_shows,
)

__all__ = [
    "authorize_booking_for",
    "booking_approve",
    "booking_cancel",
    "booking_check_in",
    "booking_check_in_by_qr",
    "booking_check_in_now",
    "booking_check_out",
    "booking_confirm_attendance",
    "booking_create",
    "booking_create_with_equipment",
    "booking_create_with_equipment_counts",
    "booking_decline",
    "booking_modify",
    "check_out_finished",
    "event_room_check_in",
    "release_no_shows",
]
