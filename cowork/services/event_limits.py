"""Limits on what people without an account may do at events: register, check themselves in.

A registration makes us text the number typed, so it is what SMS pumping abuses; a self
check-in by phone and code can be guessed at. Each is counted in `EventAttempt` rows, in
the database every web process shares, over the past hour:

- registrations without an account, per IP address (`EVENT_REGISTRATION_IP_HOURLY_LIMIT`),
  per event (`EVENT_REGISTRATION_EVENT_HOURLY_LIMIT`) and per centre
  (`EVENT_REGISTRATION_CENTRE_HOURLY_LIMIT`); a centre's Wi-Fi puts many people behind one
  address, so the address limit is not tight;
- refused self check-ins, per IP address (`EVENT_CHECK_IN_IP_HOURLY_FAILURES`) and per event
  (`EVENT_CHECK_IN_EVENT_HOURLY_FAILURES`); check-ins that succeed cost nothing, since each
  needed the person's own code.

The caller counts and records inside one transaction after `event_attempts_lock()`, so
concurrent attempts cannot slip past a limit together. Over a limit, `TooManyAttempts`
is raised before anything is stored.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.errors import TooManyAttempts
from cowork.models import Event, EventAttempt
from cowork.services.locking import lock_named

Kind = EventAttempt.Kind

HOUR = datetime.timedelta(hours=1)
# Rows older than this are no use to any limit.
KEEP_ATTEMPTS = datetime.timedelta(days=1)


def event_attempts_lock() -> None:
    """Serialize counting and recording attempts across processes; call inside the
    transaction that records. Held for a few small indexed counts, and only by people
    without an account.
    """
    lock_named("event attempts")


def _over(kind: str, condition: Q, limit: int, *, now: datetime.datetime) -> bool:
    recent = EventAttempt.objects.filter(condition, kind=kind, created_at__gt=now - HOUR)
    return recent.count() >= limit


def registration_limits_check(*, event: Event, ip: str | None, now: datetime.datetime) -> None:
    """Raise TooManyAttempts if one more registration without an account is too many.

    The caller holds `event_attempts_lock()`.
    """
    # filter(ip=None) matches NULL: attempts of unknown origin share one count.
    if (
        _over(Kind.REGISTERED, Q(ip=ip), settings.EVENT_REGISTRATION_IP_HOURLY_LIMIT, now=now)
        or _over(
            Kind.REGISTERED,
            Q(event=event),
            settings.EVENT_REGISTRATION_EVENT_HOURLY_LIMIT,
            now=now,
        )
        or _over(
            Kind.REGISTERED,
            Q(space_id=event.space_id),
            settings.EVENT_REGISTRATION_CENTRE_HOURLY_LIMIT,
            now=now,
        )
    ):
        raise TooManyAttempts(
            _(
                "Too many registrations from here or for this event in the past hour. "
                "Please try again later, or ask the centre to register you."
            ),
            code="too_many_registrations",
        )


def check_in_limits_check(*, event: Event, ip: str | None, now: datetime.datetime) -> None:
    """Raise TooManyAttempts if too many self check-ins were refused from `ip` or at `event`.

    The caller holds `event_attempts_lock()`.
    """
    if _over(
        Kind.CHECK_IN_REFUSED, Q(ip=ip), settings.EVENT_CHECK_IN_IP_HOURLY_FAILURES, now=now
    ) or _over(
        Kind.CHECK_IN_REFUSED,
        Q(event=event),
        settings.EVENT_CHECK_IN_EVENT_HOURLY_FAILURES,
        now=now,
    ):
        raise TooManyAttempts(
            _(
                "Too many check-in attempts from here or for this event in the past hour. "
                "Please ask a host at the door."
            ),
            code="too_many_check_ins",
        )


def event_attempt_record(
    *, kind: str, event: Event, ip: str | None, now: datetime.datetime
) -> EventAttempt:
    return EventAttempt.objects.create(
        kind=kind, event=event, space_id=event.space_id, ip=ip, created_at=now
    )


def event_attempts_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete attempts no limit counts any more; return how many."""
    before = (now or timezone.now()) - KEEP_ATTEMPTS
    deleted, _rows = EventAttempt.objects.filter(created_at__lt=before).delete()
    return deleted
