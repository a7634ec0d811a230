"""The event pages, by capability: `public` (the programme, an event's page, registering,
the personal registration page, self check-in), `management` (a centre's events, creating,
managing registrations, cancelling) and `attendance` (the list at the door); their forms in
`forms`, what they share in `common`.

Each view parses its input with a form, calls one service of `cowork.services.events`
(writes) or one selector of `cowork.selectors.events` (reads), and renders. A refusal from
a service (DomainError) is shown as a form error in the service's own words, with the
page's status; nothing has changed. Hosts and staff of the event's centre run it; everyone
else gets 403. Phone numbers are shown in full only on the hosts' pages of that centre,
masked elsewhere; those pages, and the personal pages a cancellation key opens, are never
cached.

The URL list and the centre pages (`cowork.views`) import the views and
`public_upcoming_events` from here.
"""

from cowork.selectors.events import public_upcoming_events
from cowork.web.events.attendance import (
    attendance,
    attendance_toggle,
    attendance_walk_in,
    sign_in_sheet,
)
from cowork.web.events.management import (
    event_cancel_view,
    event_list,
    event_manage,
    event_new,
    event_qr,
    register_on_behalf,
    registration_approve_view,
    registration_cancel_by_host,
)
from cowork.web.events.public import (
    event_check_in,
    event_index,
    event_public,
    registration_cancel_page,
    registration_check_in,
    registration_page,
)

__all__ = [
    "attendance",
    "attendance_toggle",
    "attendance_walk_in",
    "event_cancel_view",
    "event_check_in",
    "event_index",
    "event_list",
    "event_manage",
    "event_new",
    "event_public",
    "event_qr",
    "public_upcoming_events",
    "register_on_behalf",
    "registration_approve_view",
    "registration_cancel_by_host",
    "registration_cancel_page",
    "registration_check_in",
    "registration_page",
    "sign_in_sheet",
]
