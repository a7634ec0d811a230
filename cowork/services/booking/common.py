"""What every booking write shares: the space with its rules, the roles of the person
acting, the re-read under the lock, the status a change needs, and the domain events."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from babel.dates import format_skeleton, get_datetime_format
from django.conf import settings
from django.db import transaction
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _

from cowork.errors import NotAllowed, RuleViolation
from cowork.models import Booking, DomainEventKind, Space
from cowork.selectors.access import user_manages_space, user_works_at_space
from cowork.selectors.accounts import user_admitted_at
from cowork.services.locking import lock_space
from cowork.services.outbox import domain_event_record, domain_event_record_inserting


@dataclass(frozen=True)
class Roles:
    """What the person acting may do at the space, asked once per write."""

    works_here: bool
    manages: bool

    @classmethod
    def of(cls, user, space: Space) -> "Roles":
        works_here = user_works_at_space(user=user, space=space)
        return cls(works_here, works_here and user_manages_space(user=user, space=space))


def record(
    kind: DomainEventKind, booking: Booking, *, space_seq=None, inserting=False, **extra
) -> None:
    """Record `kind` of `booking`; `space_seq`, the number its space lock took, if so.

    `inserting`: `booking` is new, and is inserted here with its event, in one statement
    where the database allows; the exclusion constraint's refusal raises IntegrityError.
    """
    payload = {
        "booking": booking.pk,
        "resource": booking.resource_id,
        "kind": booking.resource.kind,
        "member": booking.booked_by_id,
        "starts_at": booking.starts_at.isoformat(),
        "ends_at": booking.ends_at.isoformat(),
        "status": booking.status,
        "sequence": booking.sequence,
        **extra,
    }
    common = {"kind": kind, "aggregate": booking, "space": booking.space, "space_seq": space_seq}
    if inserting:
        domain_event_record_inserting(**common, payload=payload, key_in_payload="booking")
    else:
        domain_event_record(**common, payload=payload)


def authorize_booking_for(*, acting_user, member, space: Space, roles=None) -> None:
    """Refuse a booking the acting person may not make: for someone else unless they work at
    the space; for themself at a centre whose hosts approve new members first, until then.

    The approval costs a query only at centres that ask for it (off by default).
    """
    works_here = roles.works_here if roles else user_works_at_space(user=acting_user, space=space)
    if acting_user == member:
        if not works_here and not user_admitted_at(user=member, space=space):
            raise NotAllowed(
                _(
                    "This centre's hosts approve new members first: you can book here once "
                    "they have approved you."
                ),
                code="not_admitted",
            )
        return
    if not works_here:
        raise NotAllowed(_("Only the centre's hosts and staff book for someone else."))


def authorize_change(*, booking: Booking, acting_user) -> None:
    if acting_user == booking.booked_by:
        return
    if not user_works_at_space(user=acting_user, space=booking.space):
        raise NotAllowed(_("This booking is not yours."))


def wrong_status(booking: Booking, *, action: str) -> RuleViolation:
    return RuleViolation(
        _("A booking that is %(status)s cannot be %(action)s.")
        % {"status": booking.get_status_display().lower(), "action": action},
        code="wrong_status",
        details={"status": booking.status},
    )


def require_status(booking: Booking, allowed, *, action: str) -> None:
    if booking.status not in allowed:
        raise wrong_status(booking, action=action)


def local_text(moment: datetime.datetime, zone, *, with_date: bool = True) -> str:
    """`moment` in `zone` as it reads in the active language, with a 24-hour time as every
    page shows it: "Mar 4, 2030, 11:00" in English, "4 мар. 2030 г., 11:00" in Russian;
    only "11:00" without the date."""
    locale = to_locale(get_language() or settings.LANGUAGE_CODE)
    local = moment.astimezone(zone)
    time = format_skeleton("Hm", local, locale=locale)
    if not with_date:
        return time
    date = format_skeleton("yMMMd", local, locale=locale)
    # The locale's way of joining a date and a time, read as Babel's format_datetime does.
    joined = get_datetime_format("medium", locale=locale).replace("'", "")
    return joined.replace("{0}", time).replace("{1}", date)


def fresh(booking: Booking) -> Booking:
    """Re-read the booking under the space lock, so decisions use committed state."""
    return Booking.objects.select_related("resource", "space", "booked_by").get(pk=booking.pk)


@contextmanager
def held_for_change(booking: Booking, *, acting_user) -> Iterator[Booking]:
    """In one transaction under the space's lock: the booking re-read, once `acting_user`
    may change it (its holder, or someone who works at the space)."""
    with transaction.atomic():
        lock_space(booking.space_id)
        booking = fresh(booking)
        authorize_change(booking=booking, acting_user=acting_user)
        yield booking
