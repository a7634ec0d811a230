"""Repeated bookings: a weekly course every Tuesday and Thursday 10:00–12:00 for 8 weeks."""

import datetime
import functools
from dataclasses import dataclass, field
from enum import StrEnum

from dateutil.rrule import rrulestr
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.booking_rules import require_aware
from cowork.errors import DomainError, InvalidInput, NotAllowed, RuleViolation
from cowork.models import Booking, BookingStatus, Resource, Series
from cowork.selectors.access import user_works_at_space
from cowork.services.booking import authorize_booking_for, booking_cancel, booking_create

MAX_OCCURRENCES = 200
REPEATS = {"DAILY", "WEEKLY", "MONTHLY"}


class ConflictMode(StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"
    SKIP_CONFLICTS = "skip_conflicts"


@dataclass(frozen=True)
class RefusedOccurrence:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    code: str
    message: str


@dataclass
class SeriesResult:
    series: Series | None
    bookings: list[Booking] = field(default_factory=list)
    refused: list[RefusedOccurrence] = field(default_factory=list)


def series_occurrences(
    *, rrule: str, first_start_local: datetime.datetime, duration: datetime.timedelta, zone
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Expand an RFC 5545 rule from a local wall-clock start into aware [start, end) pairs.

    Expansion runs on naive local times and each occurrence is placed in the zone after,
    so 10:00 stays 10:00 across a DST change.
    """
    text = rrule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    try:
        rule = rrulestr(text, dtstart=first_start_local.replace(tzinfo=None))
    except (ValueError, TypeError) as exc:
        raise InvalidInput(
            _("The recurrence rule is not valid RFC 5545: %(error)s") % {"error": exc},
            code="bad_rrule",
        ) from exc
    # dateutil has read the rule; what we ask of it we read from its own text, since the
    # parsed rule keeps its parts private.
    parts = _rule_parts(text)
    if parts.get("FREQ") not in REPEATS:
        raise InvalidInput(_("Series repeat daily, weekly or monthly."), code="bad_rrule")
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise InvalidInput(_("Give the series an end: COUNT or UNTIL."), code="unbounded_rrule")
    starts = []
    for start in rule:
        if len(starts) == MAX_OCCURRENCES:
            raise InvalidInput(
                _("A series has at most %(count)d occurrences.") % {"count": MAX_OCCURRENCES},
                code="too_many_occurrences",
            )
        starts.append(start)
    return [
        (start.replace(tzinfo=zone), (start + duration).replace(tzinfo=zone)) for start in starts
    ]


def _rule_parts(text: str) -> dict[str, str]:
    """The NAME=VALUE parts of an RRULE's text, both upper-cased: {"FREQ": "WEEKLY", …}."""
    parts = {}
    for part in text.split(";"):
        name, _equals, value = part.partition("=")
        parts[name.strip().upper()] = value.strip().upper()
    return parts


def series_create(
    *,
    resource: Resource,
    member,
    first_starts_at: datetime.datetime,
    duration_minutes: int,
    rrule: str,
    mode: ConflictMode = ConflictMode.ALL_OR_NOTHING,
    purpose: str = "",
    acting_user=None,
    now: datetime.datetime | None = None,
) -> SeriesResult:
    """Book every occurrence of `rrule`, or refuse the lot naming every refused occurrence.

    With SKIP_CONFLICTS the bookable occurrences are kept and the refused ones listed; if
    none is bookable nothing is saved.
    """
    require_aware(first_starts_at, field="first_starts_at")
    # Asked once up front: a refusal here is about who asks, not about any occurrence.
    authorize_booking_for(acting_user=acting_user or member, member=member, space=resource.space)
    if duration_minutes <= 0:
        raise RuleViolation(_("The booking must end after it starts."), code="end_not_after_start")
    zone = resource.space.zone
    local_first = first_starts_at.astimezone(zone)
    occurrences = series_occurrences(
        rrule=rrule,
        first_start_local=local_first,
        duration=datetime.timedelta(minutes=duration_minutes),
        zone=zone,
    )
    now = now or timezone.now()
    with transaction.atomic():
        series = Series.objects.create(
            resource=resource,
            booked_by=member,
            rrule=rrule.strip(),
            first_start_local=local_first.replace(tzinfo=datetime.UTC),
            duration_minutes=duration_minutes,
            time_zone=resource.space.time_zone,
            purpose=purpose,
        )
        result = SeriesResult(series=series)
        occurrence_create = functools.partial(
            booking_create,
            resource=resource,
            member=member,
            purpose=purpose,
            acting_user=acting_user,
            now=now,
            series=series,
        )
        for starts_at, ends_at in occurrences:
            try:
                result.bookings.append(occurrence_create(starts_at=starts_at, ends_at=ends_at))
            except DomainError as refusal:
                result.refused.append(
                    RefusedOccurrence(starts_at, ends_at, refusal.code, refusal.message)
                )
        if result.refused and (mode == ConflictMode.ALL_OR_NOTHING or not result.bookings):
            # Raising inside the atomic block undoes the series and every occurrence.
            raise _series_refusal(result.refused, result.refused[0])
    return result


def _series_refusal(refused: list[RefusedOccurrence], first: RefusedOccurrence) -> DomainError:
    from cowork.errors import Conflict

    error_class = Conflict if first.code == "conflict" else RuleViolation
    return error_class(
        _("%(count)d occurrences cannot be booked; nothing was booked.") % {"count": len(refused)},
        code="series_refused" if error_class is RuleViolation else "conflict",
        details={
            "refused": [
                {
                    "starts_at": item.starts_at.isoformat(),
                    "ends_at": item.ends_at.isoformat(),
                    "code": item.code,
                    "message": item.message,
                }
                for item in refused
            ]
        },
    )


def series_cancel_rest(
    *, series: Series, from_moment: datetime.datetime, acting_user, reason: str = ""
) -> list[Booking]:
    """Cancel every active occurrence of the series that starts at or after `from_moment`."""
    require_aware(from_moment, field="from")
    if acting_user != series.booked_by and not user_works_at_space(
        user=acting_user, space=series.resource.space
    ):
        raise NotAllowed(_("This series is not yours."))
    cancelled = []
    # One moment for all of them: they were cancelled together, and are told so once.
    now = timezone.now()
    with transaction.atomic():
        for booking in series.bookings.filter(
            starts_at__gte=from_moment,
            status__in=(BookingStatus.PENDING, BookingStatus.CONFIRMED),
        ).order_by("starts_at"):
            cancelled += booking_cancel(
                booking=booking, acting_user=acting_user, reason=reason, now=now
            )
    return cancelled
