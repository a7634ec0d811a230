"""Repeated bookings: a weekly course every Tuesday and Thursday 10:00–12:00 for 8 weeks.

The API and the booking page share one path: `series_rule` turns the page's choices (every
week, every two weeks, every month; until a date or a number of times) into the rule the
API takes as text, `series_preview` tells every occurrence's fate without writing, and
`series_create` books them. A series counts as one booking against a member's quota of
upcoming bookings (`cowork.services.booking.checks`); each occurrence's hours count in its
own week. One `series.created` event tells the member about the lot, in one message.
"""

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
from cowork.models import Booking, BookingStatus, DomainEventKind, Resource, Series
from cowork.selectors.access import user_works_at_space
from cowork.selectors.rules import space_with_rules
from cowork.services.booking import (
    authorize_booking_for,
    booking_cancel,
    booking_create,
    booking_create_with_equipment,
)
from cowork.services.booking.checks import check_contended, check_request
from cowork.services.booking.common import Roles
from cowork.services.booking.create import require_equipment_of
from cowork.services.outbox import domain_event_record

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


@dataclass(frozen=True)
class PlannedOccurrence:
    """One occurrence as the preview sees it: free (`code` empty) or refused and why."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    code: str = ""
    message: str = ""

    @property
    def is_free(self) -> bool:
        return not self.code


class Repeat(StrEnum):
    """How often the booking page repeats a booking."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


_REPEAT_RULES = {
    Repeat.WEEKLY: "FREQ=WEEKLY",
    Repeat.FORTNIGHTLY: "FREQ=WEEKLY;INTERVAL=2",
    Repeat.MONTHLY: "FREQ=MONTHLY",
}


def series_rule(
    *, repeat: Repeat, until: datetime.date | None = None, count: int | None = None
) -> str:
    """The RFC 5545 rule of the booking page's choices: an end by date or by count, one."""
    if (until is None) == (count is None):
        raise InvalidInput(_("Give the series an end: a date or a number of times."))
    end = f"COUNT={count}" if count is not None else f"UNTIL={until:%Y%m%d}T235959"
    return f"{_REPEAT_RULES[Repeat(repeat)]};{end}"


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
    equipment: list[Resource] = (),
) -> SeriesResult:
    """Book every occurrence of `rrule`, or refuse the lot naming every refused occurrence.

    With SKIP_CONFLICTS the bookable occurrences are kept and the refused ones listed; if
    none is bookable nothing is saved. `equipment` comes with the room to every occurrence,
    all of it or the occurrence is refused. Records one `series.created` event.
    """
    require_aware(first_starts_at, field="first_starts_at")
    # Asked once up front: a refusal here is about who asks, not about any occurrence.
    authorize_booking_for(acting_user=acting_user or member, member=member, space=resource.space)
    if duration_minutes <= 0:
        raise RuleViolation(_("The booking must end after it starts."), code="end_not_after_start")
    if equipment:  # a wrong item is wrong on every date: refused once, as bad input
        require_equipment_of(resource, list(equipment))
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
        common = {"member": member, "purpose": purpose, "acting_user": acting_user, "now": now}
        if equipment:
            occurrence_create = functools.partial(
                booking_create_with_equipment,
                room=resource,
                equipment=list(equipment),
                series=series,
                **common,
            )
        else:
            occurrence_create = functools.partial(
                booking_create, resource=resource, series=series, **common
            )
        for starts_at, ends_at in occurrences:
            try:
                made = occurrence_create(starts_at=starts_at, ends_at=ends_at)
                # The room is the occurrence; its equipment rides on it.
                result.bookings.append(made[0] if isinstance(made, list) else made)
            except DomainError as refusal:
                result.refused.append(
                    RefusedOccurrence(starts_at, ends_at, refusal.code, refusal.message)
                )
        if result.refused and (mode == ConflictMode.ALL_OR_NOTHING or not result.bookings):
            # Raising inside the atomic block undoes the series and every occurrence.
            raise _series_refusal(result.refused, result.refused[0])
        domain_event_record(
            kind=DomainEventKind.SERIES_CREATED,
            aggregate=series,
            space=resource.space,
            payload={
                "series": series.pk,
                "member": member.pk,
                "resource": resource.pk,
                "bookings": [booking.pk for booking in result.bookings],
                "skipped": len(result.refused),
            },
        )
    return result


def series_preview(
    *,
    resource: Resource,
    member,
    first_starts_at: datetime.datetime,
    duration_minutes: int,
    rrule: str,
    acting_user=None,
    now: datetime.datetime | None = None,
    equipment: list[Resource] = (),
) -> list[PlannedOccurrence]:
    """Every occurrence of `rrule` and whether `series_create` would book it; writes nothing.

    The same checks in the same order as a booking (`check_request`, then `check_contended`
    for the room and its equipment), read without the lock, so a slot taken meanwhile is
    refused when booking and said so then. A refusal of who asks is raised, not listed.
    """
    require_aware(first_starts_at, field="first_starts_at")
    acting_user = acting_user or member
    authorize_booking_for(acting_user=acting_user, member=member, space=resource.space)
    if duration_minutes <= 0:
        raise RuleViolation(_("The booking must end after it starts."), code="end_not_after_start")
    zone = resource.space.zone
    occurrences = series_occurrences(
        rrule=rrule,
        first_start_local=first_starts_at.astimezone(zone),
        duration=datetime.timedelta(minutes=duration_minutes),
        zone=zone,
    )
    now = now or timezone.now()
    roles = Roles.of(acting_user, resource.space)
    planned = []
    for starts_at, ends_at in occurrences:
        space = space_with_rules(resource.space_id, around=starts_at)
        try:
            for item in [resource, *equipment]:
                blocked_until = check_request(
                    space=space,
                    resource=item,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    now=now,
                    with_room=item is not resource,
                )
                check_contended(
                    space=space,
                    resource=item,
                    member=member,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    blocked_until=blocked_until,
                    now=now,
                    roles=roles,
                    count_quota=item is resource,
                )
        except DomainError as refusal:
            planned.append(PlannedOccurrence(starts_at, ends_at, refusal.code, refusal.message))
        else:
            planned.append(PlannedOccurrence(starts_at, ends_at))
    return planned


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


@dataclass(frozen=True)
class SeriesTally:
    repeat: str  # "daily", "weekly", "fortnightly", "monthly"
    booked: int
    skipped: int


def series_tally(*, series: Series) -> SeriesTally:
    """How often a series repeats, how many of its dates were booked and how many skipped
    (its rule's dates that have no booking of its resource); the one message about a new
    series says so."""
    parts = _rule_parts(series.rrule.removeprefix("RRULE:"))
    interval = parts.get("INTERVAL", "1")
    repeat = parts.get("FREQ", "").lower()
    if interval not in ("", "1"):  # other intervals have no word of their own
        repeat = "fortnightly" if (repeat, interval) == ("weekly", "2") else ""
    zone = series.resource.space.zone
    planned = series_occurrences(
        rrule=series.rrule,
        first_start_local=series.first_start_local.replace(tzinfo=zone),
        duration=datetime.timedelta(minutes=series.duration_minutes),
        zone=zone,
    )
    booked = series.bookings.filter(resource_id=series.resource_id).count()
    return SeriesTally(repeat=repeat, booked=booked, skipped=max(0, len(planned) - booked))


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
