"""Writes of events, by capability: `events` (create, cancel), `registrations` (register,
the waitlist, approve, cancel, confirm) and `attendance` (marking who came, check-in).

Other parts of the project import these names from here; the event pages and services
import from the module that holds each.
"""

from cowork.services.events.attendance import (
    attendance_check_in_by_code,
    attendance_check_in_by_key,
    attendance_check_in_by_phone,
    attendance_mark,
    attendance_unmark,
    walk_in_add,
)
from cowork.services.events.events import OutsideVenue, event_cancel, event_create
from cowork.services.events.registrations import (
    Demographics,
    registration_approve,
    registration_cancel,
    registration_confirm_attendance,
    registration_create,
)

__all__ = [
    "Demographics",
    "OutsideVenue",
    "attendance_check_in_by_code",
    "attendance_check_in_by_key",
    "attendance_check_in_by_phone",
    "attendance_mark",
    "attendance_unmark",
    "event_cancel",
    "event_create",
    "registration_approve",
    "registration_cancel",
    "registration_confirm_attendance",
    "registration_create",
    "walk_in_add",
]
