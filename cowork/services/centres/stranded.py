"""Upcoming bookings a change would strand: refuse until the host chooses to cancel them."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cowork.errors import RuleViolation
from cowork.models import Booking
from cowork.selectors.centres import event_of
from cowork.services.booking import booking_cancel


class StrandsBookings(RuleViolation):
    """The change would leave these upcoming bookings outside the centre's hours, on a
    closed day, or on a retired resource. Nothing was changed."""

    code = "strands_bookings"

    def __init__(self, bookings: list[Booking]):
        super().__init__(
            ngettext(
                "This change would strand %(count)d upcoming booking.",
                "This change would strand %(count)d upcoming bookings.",
                len(bookings),
            )
            % {"count": len(bookings)},
            details={"bookings": [booking.pk for booking in bookings]},
        )
        self.bookings = bookings
        # A room an event holds is freed by cancelling or moving the event, not here.
        self.events = list({event.pk: event for b in bookings if (event := event_of(b))}.values())


def settle_stranded(*, stranded: list[Booking], by, cancel: bool, reason: str) -> int:
    """Cancel the stranded bookings if `cancel`, telling their holders; else refuse.

    Bookings an event holds are never cancelled here: the change is refused until the
    event is cancelled or moved. Returns how many bookings were cancelled. Call inside the
    caller's transaction, under the space's lock.
    """
    if not stranded:
        return 0
    error = StrandsBookings(stranded)
    if not cancel or error.events:
        raise error
    cancelled: set[int] = set()
    for booking in stranded:
        if booking.pk in cancelled:
            continue  # cancelled already with the room it was booked with
        together = booking_cancel(booking=booking, acting_user=by, reason=reason or _("Closed"))
        cancelled.update(item.pk for item in together)
    return len(cancelled)
