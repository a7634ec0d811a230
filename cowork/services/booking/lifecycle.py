"""What happens to a booking before it is used: cancelled, approved or declined by a host,
or confirmed by its holder (a reply of Y to a reminder)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.errors import InvalidInput, NotAllowed, RuleViolation
from cowork.models import ACTIVE_STATUSES, Booking, BookingStatus, DomainEventKind
from cowork.models.bookings import CHANGEABLE_STATUSES
from cowork.selectors.access import user_manages_space
from cowork.services.booking.common import fresh, held_for_change, record, require_status
from cowork.services.locking import lock_space


def booking_cancel(
    *, booking: Booking, acting_user, reason: str = "", now: datetime.datetime | None = None
) -> list[Booking]:
    """Cancel a booking and the bookings made together with it; return all cancelled."""
    now = now or timezone.now()
    with held_for_change(booking, acting_user=acting_user) as booking:
        require_status(booking, CHANGEABLE_STATUSES, action=_("cancelled"))
        together = [booking]
        if booking.group:
            together += list(
                Booking.objects.filter(group=booking.group, status__in=ACTIVE_STATUSES)
                .exclude(pk=booking.pk)
                .select_related("resource", "space")
            )
        for item in together:
            item.status = BookingStatus.CANCELLED
            item.cancelled_at = now
            item.cancelled_by = acting_user
            item.reason = reason[:300]
            item.sequence += 1
            item.save(
                update_fields=[
                    "status",
                    "cancelled_at",
                    "cancelled_by",
                    "reason",
                    "sequence",
                    "updated_at",
                ]
            )
            record(
                DomainEventKind.BOOKING_CANCELLED,
                item,
                by=acting_user.pk,
                by_host=acting_user != item.booked_by,
                reason=item.reason,
            )
    return together


def _decide(*, booking: Booking, host, approve: bool, reason: str, now) -> Booking:
    with transaction.atomic():
        lock_space(booking.space_id)
        booking = fresh(booking)
        if not user_manages_space(user=host, space=booking.space):
            raise NotAllowed(_("Only the centre's hosts approve or decline bookings."))
        require_status(
            booking, (BookingStatus.PENDING,), action=_("approved") if approve else _("declined")
        )
        booking.status = BookingStatus.CONFIRMED if approve else BookingStatus.DECLINED
        booking.decided_by = host
        booking.decided_at = now
        booking.reason = reason[:300]
        booking.sequence += 1
        booking.save(
            update_fields=["status", "decided_by", "decided_at", "reason", "sequence", "updated_at"]
        )
        record(
            DomainEventKind.BOOKING_APPROVED if approve else DomainEventKind.BOOKING_DECLINED,
            booking,
            reason=booking.reason,
        )
    return booking


def booking_approve(*, booking: Booking, host, reason: str = "", now=None) -> Booking:
    return _decide(
        booking=booking, host=host, approve=True, reason=reason, now=now or timezone.now()
    )


def booking_decline(*, booking: Booking, host, reason: str, now=None) -> Booking:
    """Decline a pending booking; the member is told the reason, so one is required."""
    if not reason.strip():
        raise InvalidInput(_("Say why the booking is declined."), code="reason_required")
    return _decide(
        booking=booking, host=host, approve=False, reason=reason.strip(), now=now or timezone.now()
    )


def booking_confirm_attendance(
    *, booking: Booking, acting_user, now: datetime.datetime | None = None
) -> Booking:
    """Record that the member will come (a reply of Y to a reminder); a second time keeps
    the first moment and records nothing."""
    now = now or timezone.now()
    with held_for_change(booking, acting_user=acting_user) as booking:
        require_status(booking, CHANGEABLE_STATUSES, action=_("confirmed"))
        if booking.ends_at <= now:
            raise RuleViolation(_("This booking has ended."), code="ended")
        if booking.attendance_confirmed_at is None:
            booking.attendance_confirmed_at = now
            booking.save(update_fields=["attendance_confirmed_at", "updated_at"])
            record(DomainEventKind.BOOKING_ATTENDANCE_CONFIRMED, booking, by=acting_user.pk)
    return booking
