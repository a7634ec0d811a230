"""The time rules of a booking, as pure functions of a policy and a request.

No database here: services load the policy, hours and closures and call `time_violations`;
property tests call it directly with random inputs. Every refusal names its rule by code.
"""

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cowork.dates import local_datetime, local_time
from cowork.models import Resource, Space


@dataclass(frozen=True)
class Violation:
    code: str
    message: str
    details: dict


@dataclass(frozen=True)
class BookingPolicy:
    zone: zoneinfo.ZoneInfo
    grid_minutes: int
    min_minutes: int
    max_minutes: int
    max_days_ahead: int
    buffer_minutes: int

    @classmethod
    def for_resource(cls, resource: Resource, space: Space | None = None) -> "BookingPolicy":
        """The space's rules with the resource's overrides applied."""
        space = space or resource.space
        default_buffer = space.room_buffer_minutes if resource.kind == Resource.Kind.ROOM else 0

        def pick(override, fallback):
            return fallback if override is None else override

        return cls(
            zone=space.zone,
            grid_minutes=space.booking_grid_minutes,
            min_minutes=pick(resource.min_booking_minutes, space.min_booking_minutes),
            max_minutes=pick(resource.max_booking_minutes, space.max_booking_minutes),
            max_days_ahead=pick(resource.max_days_ahead, space.max_days_ahead),
            buffer_minutes=pick(resource.buffer_minutes, default_buffer),
        )

    @property
    def buffer(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.buffer_minutes)


@dataclass(frozen=True)
class Period:
    """An opening period on a weekday (0 is Monday), in local wall-clock time."""

    weekday: int
    opens: datetime.time
    closes: datetime.time


@dataclass(frozen=True)
class ClosedDays:
    starts_on: datetime.date
    ends_on: datetime.date
    reason: str


# Python allows UTC offsets up to ±23:59, PostgreSQL stores them only below ±16:00 and
# refuses the rest; no time zone has ever been more than 14 hours from UTC.
OFFSET_LIMIT = datetime.timedelta(hours=16)


def offset_is_storable(value: datetime.datetime) -> bool:
    offset = value.utcoffset()
    return offset is None or abs(offset) < OFFSET_LIMIT


def offset_refusal(field: str) -> str:
    return _("%(field)s has a UTC offset beyond ±15:59, which no time zone has.") % {"field": field}


def require_aware(value: datetime.datetime, *, field: str) -> None:
    """An offset that PostgreSQL can store, or InvalidInput naming `field`."""
    from cowork.errors import InvalidInput

    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(
            _("%(field)s has no time zone offset; send e.g. 2027-03-01T10:00:00+04:00.")
            % {"field": field},
            code="naive_datetime",
            details={"field": field},
        )
    if not offset_is_storable(value):
        raise InvalidInput(
            offset_refusal(field), code="offset_out_of_range", details={"field": field}
        )


def require_window(starts_at: datetime.datetime, ends_at: datetime.datetime) -> None:
    """Both ends aware and the end after the start, or InvalidInput/RuleViolation."""
    from cowork.errors import RuleViolation

    require_aware(starts_at, field="starts_at")
    require_aware(ends_at, field="ends_at")
    if ends_at <= starts_at:
        raise RuleViolation(_("The booking must end after it starts."), code="end_not_after_start")


def _on_grid(moment: datetime.datetime, policy: BookingPolicy) -> bool:
    local = moment.astimezone(policy.zone)
    minutes = local.hour * 60 + local.minute
    return local.second == 0 and local.microsecond == 0 and minutes % policy.grid_minutes == 0


def time_violations(
    *,
    policy: BookingPolicy,
    hours: Iterable[Period],
    closures: Iterable[ClosedDays],
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    now: datetime.datetime,
) -> list[Violation]:
    """Every time rule that [starts_at, ends_at) breaks, most basic first; empty if none.

    Both ends must be aware. The booking must lie inside one opening period of one local
    day: a centre that closes for lunch cannot be booked across lunch.
    """
    if ends_at <= starts_at:
        return [
            Violation(
                "end_not_after_start",
                _("The booking must end after it starts."),
                {"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
            )
        ]
    violations: list[Violation] = []

    def refuse(code: str, message: str, **details) -> None:
        """The rule `code` is broken: say so with `message`, and `details` for machines."""
        violations.append(Violation(code, message, details))

    zone = policy.zone
    if not (_on_grid(starts_at, policy) and _on_grid(ends_at, policy)):
        refuse(
            "off_grid",
            _("Bookings start and end on a %(grid)d-minute grid of local time.")
            % {"grid": policy.grid_minutes},
            grid_minutes=policy.grid_minutes,
        )
    minutes = (ends_at - starts_at).total_seconds() / 60
    if minutes < policy.min_minutes:
        refuse(
            "too_short",
            _("The shortest booking here is %(minutes)d minutes.")
            % {"minutes": policy.min_minutes},
            min_minutes=policy.min_minutes,
        )
    if minutes > policy.max_minutes:
        refuse(
            "too_long",
            _("The longest booking here is %(minutes)d minutes.") % {"minutes": policy.max_minutes},
            max_minutes=policy.max_minutes,
        )
    # A booking may start within the current grid slot, so "book now" works at 10:07.
    if starts_at <= now - datetime.timedelta(minutes=policy.grid_minutes):
        refuse("in_past", _("That time has already passed."))
    if starts_at > now + datetime.timedelta(days=policy.max_days_ahead):
        refuse(
            "too_far_ahead",
            _("Bookings open %(days)d days ahead.") % {"days": policy.max_days_ahead},
            max_days_ahead=policy.max_days_ahead,
        )
    local_start = starts_at.astimezone(zone)
    local_end = ends_at.astimezone(zone)
    day = local_start.date()
    for closure in closures:
        if closure.starts_on <= day <= closure.ends_on or (
            closure.starts_on <= local_end.date() <= closure.ends_on
        ):
            refuse(
                "closed",
                _("The centre is closed on that day: %(reason)s.") % {"reason": closure.reason},
                reason=closure.reason,
            )
            break
    else:
        inside = local_end.date() == day and any(
            period.weekday == local_start.weekday()
            and period.opens <= local_start.time().replace(tzinfo=None)
            and local_end.time().replace(tzinfo=None) <= period.closes
            for period in hours
        )
        if not inside:
            refuse(
                "outside_opening_hours",
                _("%(start)s–%(end)s is outside the centre's opening hours.")
                % {"start": local_datetime(starts_at, zone), "end": local_time(ends_at, zone)},
            )
    return violations


def periods_of(space: Space) -> list[Period]:
    return [Period(h.weekday, h.opens, h.closes) for h in space.opening_hours.all()]


def closures_of(space: Space) -> list[ClosedDays]:
    """The space's closures, each reason in the active language where it has one (a
    public holiday's name)."""
    language = get_language()
    return [
        ClosedDays(c.starts_on, c.ends_on, c.text_in("reason", language))
        for c in space.closures.all()
    ]
