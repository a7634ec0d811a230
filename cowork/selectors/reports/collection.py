"""The queries behind a report: events with their sessions, registrations and attendances,
and the centres' opening hours and resources, with the use of their desks and rooms (from
the report's bookings, read once by `bookings.period_bookings`).

Dates are local: an event counts in the period if one of its sessions starts on a local
date of its centre within [start, end]; a visit counts on the local date of its check-in.

Every read here is a fixed number of queries, whatever the number of events or bookings:
rows are fetched once and counted in Python.
"""

import datetime
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import get_language

from cowork.models import (
    ACTIVE_STATUSES,
    Attendance,
    BookingStatus,
    Event,
    EventSession,
    Registration,
    RegistrationStatus,
    Resource,
    Space,
)
from cowork.selectors.reports import ahead
from cowork.selectors.reports.bookings import PeriodBookings
from cowork.selectors.reports.clock import (
    DAY_US,
    EPOCH_WEEK_HOUR,
    HOUR_US,
    ONE_US,
    date_number,
    microseconds,
    utc_window,
)
from cowork.selectors.reports.instants import instant
from cowork.selectors.reports.people import (
    Person,
    participant_fields,
    person_from,
    returning_participants,
)

UTC = datetime.UTC

# Bookings that hold (or held) their resource. A completed booking counts until its
# check-out: the rest of its time was freed for others and may have been booked again.
USED_STATUSES = (*ACTIVE_STATUSES, BookingStatus.COMPLETED)
UTILIZATION_KINDS = (Resource.Kind.ROOM, Resource.Kind.DESK)

_ONE_DAY = datetime.timedelta(days=1)
_HOUR = datetime.timedelta(hours=1)


# --- Events -----------------------------------------------------------------------------


@dataclass
class _Session:
    pk: int
    event_id: int
    local_day: datetime.date
    ends_at: datetime.datetime
    starts_at: datetime.datetime | None = None


@dataclass
class EventData:
    pk: int
    space_id: int
    title: str
    translations: dict
    kind: str
    centre: str
    city: str
    language: str
    cancelled: bool
    sessions: list[_Session] = field(default_factory=list)
    registrations: int = 0
    confirmed: int = 0
    confirmed_absent: int = 0
    attendances: int = 0
    participants: set[int] = field(default_factory=set)


@dataclass
class CollectedEvents:
    held: dict[int, EventData]
    cancelled: dict[int, EventData]
    # participant id → what the report may read of them ("" unless consented).
    people: dict[int, Person]
    # (session local day, attendances) for the monthly series.
    attendance_days: Counter
    # participant id → the local days they came on in the period.
    days_of: dict[int, set[datetime.date]] = field(default_factory=dict)
    # Those of `people` who came to an event of the same report before the period.
    returning: set[int] = field(default_factory=set)


def _zone(name: str, cache: dict) -> zoneinfo.ZoneInfo:
    if name not in cache:
        cache[name] = zoneinfo.ZoneInfo(name)
    return cache[name]


def _sessions(where: Q, low, high) -> QuerySet:
    return (
        EventSession.objects.filter(
            event__in=Event.objects.filter(where), starts_at__gte=low, starts_at__lt=high
        )
        .order_by("starts_at", "pk")
        .values(
            "pk",
            "event_id",
            "starts_at",
            "ends_at",
            "event__status",
            "event__space_id",
            "event__space__time_zone",
            "event__space__name",
            "event__space__city",
            "event__space__languages",
            "event__title",
            "event__translations",
            "event__kind",
        )
    )


def _candidates(where: Q, low, high) -> QuerySet:
    """Events held in the coarse UTC window: those of the period among them."""
    return Event.objects.filter(
        where,
        status=Event.Status.SCHEDULED,
        sessions__starts_at__gte=low,
        sessions__starts_at__lt=high,
    ).values("pk")


def _registration_counts(candidates: QuerySet) -> QuerySet:
    attended_any = Exists(
        Attendance.objects.filter(
            session__event_id=OuterRef("event_id"), participant_id=OuterRef("participant_id")
        )
    )
    return (
        Registration.objects.filter(event__in=candidates)
        .exclude(status=RegistrationStatus.CANCELLED)
        .values("event_id")
        .annotate(
            registrations=Count("pk"),
            confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
            confirmed_absent=Count(
                "pk", filter=Q(status=RegistrationStatus.CONFIRMED) & ~attended_any
            ),
        )
        .order_by()
    )


def _attendances(candidates: QuerySet, low, high) -> QuerySet:
    return Attendance.objects.filter(
        session__event__in=candidates, session__starts_at__gte=low, session__starts_at__lt=high
    )


def _attendance_rows(in_window: QuerySet) -> QuerySet:
    # In no order: everything read of an attendance is counted (a year's were sorted by
    # session and time for nothing).
    return in_window.order_by().values_list(
        "session_id", "participant_id", *participant_fields("participant__")
    )


def events_in_window(where: Q, start, end) -> QuerySet:
    """The keys of the events `collect_events(where, start, end)` may find held, and more:
    its candidates, those scheduled with a session in the coarse UTC window of the period."""
    return _candidates(where, *utc_window(start, end))


def event_reads(where: Q, start, end) -> list[QuerySet]:
    """The queries `collect_events(where, start, end)` runs, to be read ahead (`ahead`)."""
    low, high = utc_window(start, end)
    candidates = _candidates(where, low, high)
    return [
        _sessions(where, low, high),
        _registration_counts(candidates),
        _attendance_rows(_attendances(candidates, low, high)),
    ]


def collect_events(where: Q, start, end) -> CollectedEvents:
    """Events with a session on a local date in [start, end], who came, and which of them
    had come before: four queries."""
    low, high = utc_window(start, end)
    language = get_language()
    zones: dict = {}
    events: dict[int, EventData] = {}
    sessions: dict[int, _Session] = {}
    for row in ahead.rows(_sessions(where, low, high)):
        local_day = row["starts_at"].astimezone(_zone(row["event__space__time_zone"], zones)).date()
        if not start <= local_day <= end:
            continue
        event_id = row["event_id"]
        if event_id not in events:
            translated = (row["event__translations"] or {}).get(language) or {}
            events[event_id] = EventData(
                pk=event_id,
                space_id=row["event__space_id"],
                title=translated.get("title") or row["event__title"],
                translations=row["event__translations"] or {},
                kind=row["event__kind"],
                centre=row["event__space__name"],
                city=row["event__space__city"],
                language=(row["event__space__languages"] or [settings.LANGUAGE_CODE])[0],
                cancelled=row["event__status"] == Event.Status.CANCELLED,
            )
        session = _Session(row["pk"], event_id, local_day, row["ends_at"], row["starts_at"])
        events[event_id].sessions.append(session)
        if not events[event_id].cancelled:
            sessions[session.pk] = session
    held = {pk: data for pk, data in events.items() if not data.cancelled}
    cancelled = {pk: data for pk, data in events.items() if data.cancelled}

    # Candidates by a coarse UTC window, kept only if their event is held in the period.
    candidates = _candidates(where, low, high)
    for row in ahead.rows(_registration_counts(candidates)):
        data = held.get(row["event_id"])
        if data is not None:
            data.registrations = row["registrations"]
            data.confirmed = row["confirmed"]
            data.confirmed_absent = row["confirmed_absent"]

    people: dict[int, Person] = {}
    days_of: dict[int, set] = defaultdict(set)
    attendance_days: Counter = Counter()
    in_window = _attendances(candidates, low, high)
    rows = ahead.rows(_attendance_rows(in_window))
    # Who came to each session of the period, in the order read; then counted per session.
    came: dict[int, list[int]] = {session_id: [] for session_id in sessions}
    for row in rows:
        attendees = came.get(row[0])
        if attendees is None:
            continue
        participant_id = row[1]
        attendees.append(participant_id)
        if participant_id not in people:
            # Without a recorded consent nothing is read, whatever the row holds.
            people[participant_id] = person_from(*row[2:])
    for session_id, attendees in came.items():
        if not attendees:
            continue
        session = sessions[session_id]
        data, day = held[session.event_id], session.local_day
        data.attendances += len(attendees)
        data.participants.update(attendees)
        attendance_days[day] += len(attendees)
        for participant_id in attendees:
            days_of[participant_id].add(day)
    returning = returning_participants(where, start, in_window) if people else set()
    return CollectedEvents(held, cancelled, people, attendance_days, dict(days_of), returning)


# --- Centres: opening hours, bookings, visits -------------------------------------------


@dataclass
class Usage:
    booked: dict[str, float]  # kind → booked minutes
    open: dict[str, float]  # kind → open resource-minutes
    visits: int = 0
    open_days: set = field(default_factory=set)


def _open_intervals(space: Space, start, end) -> dict[datetime.date, list[tuple]]:
    """Each local date's opening periods in [start, end] as UTC intervals, closures left out."""
    zone = space.zone
    periods = defaultdict(list)
    for hours in space.opening_hours.all():
        periods[hours.weekday].append((hours.opens, hours.closes))
    closures = [(c.starts_on, c.ends_on) for c in space.closures.all()]
    intervals = {}
    day = start
    while day <= end:
        closed = any(first <= day <= last for first, last in closures)
        if not closed and periods.get(day.weekday()):
            intervals[day] = [
                (
                    datetime.datetime.combine(day, opens, tzinfo=zone).astimezone(UTC),
                    datetime.datetime.combine(day, closes, tzinfo=zone).astimezone(UTC),
                )
                for opens, closes in sorted(periods[day.weekday()])
            ]
        day += _ONE_DAY
    return intervals


def _hour_pieces(begin: datetime.datetime, finish: datetime.datetime, zone):
    """Split a UTC interval at the local hours: (weekday, hour, minutes) pieces."""
    offset = begin.astimezone(zone).utcoffset()
    if finish.astimezone(zone).utcoffset() == offset:
        # No clock change inside (intervals are shorter than the months between changes):
        # local wall time is the UTC time moved by one offset, with no zone lookup per hour.
        # A year of a network's bookings and opening hours makes this the report's hot loop:
        # after the first piece every piece starts on the hour, the next an hour on.
        local, last = (begin + offset).replace(tzinfo=None), (finish + offset).replace(tzinfo=None)
        top = local.replace(minute=0, second=0, microsecond=0) + _HOUR
        while local < last:
            following = top if top < last else last
            yield local.weekday(), local.hour, (following - local).total_seconds() / 60
            local, top = following, following + _HOUR
        return
    moment = begin
    while moment < finish:
        local = moment.astimezone(zone)
        top = local.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
        following = min(finish, top.astimezone(UTC))
        if following <= moment:  # a wall clock that jumps: move on by an hour of real time
            following = min(finish, moment + datetime.timedelta(hours=1))
        yield local.weekday(), local.hour, (following - moment).total_seconds() / 60
        moment = following


def collect_usage(
    centres: list[Space], start, end, bookings: PeriodBookings
) -> tuple[dict[int, Usage], dict[str, dict], dict[datetime.date, int], set]:
    """Booked and open time of desks and rooms, per centre and per weekday-hour, and visits
    (`bookings.check_ins`).

    One query, the resource counts; the bookings are the report's (`bookings`): those of
    desks and rooms that hold (or held) them and meet the period's coarse UTC window.
    """
    ids = [space.pk for space in centres]
    resources = Counter(
        {
            (row["space_id"], row["kind"]): row["n"]
            for row in Resource.objects.filter(space_id__in=ids, kind__in=UTILIZATION_KINDS)
            .values("space_id", "kind")
            .annotate(n=Count("pk"))
            .order_by()
        }
    )
    heat_booked = {kind: Counter() for kind in UTILIZATION_KINDS}
    heat_open = {kind: Counter() for kind in UTILIZATION_KINDS}
    usage: dict[int, Usage] = {}
    intervals: dict[int, dict] = {}
    opening: dict[int, dict[int, list[tuple]]] = {}
    zones = {space.pk: space.zone for space in centres}
    open_dates: set = set()
    for space in centres:
        usage[space.pk] = Usage(booked=Counter(), open=Counter())
        intervals[space.pk] = _open_intervals(space, start, end)
        usage[space.pk].open_days = set(intervals[space.pk])
        open_dates |= usage[space.pk].open_days
        # One resource's open minutes per weekday-hour, then times each kind's count. The
        # same opening hours give the same pieces week after week: each interval's local
        # start and end are split once (added up day by day all the same, in order).
        #
        # Each centre's opening intervals are kept by the number of their local date too, in
        # microseconds, with the UTC offset they keep throughout (None: a clock change falls
        # inside), for the bookings below.
        opened: Counter = Counter()
        pieces_of: dict = {}
        zone = space.zone
        spans = opening[space.pk] = {}
        for day, day_intervals in intervals[space.pk].items():
            day_spans = spans[date_number(day)] = []
            for begin, finish in day_intervals:
                local_begin, local_finish = begin.astimezone(zone), finish.astimezone(zone)
                offset = local_begin.utcoffset()
                if offset == local_finish.utcoffset():
                    # Without a clock change inside, its weekday, local start and length
                    # alone decide its pieces.
                    key = (local_begin.weekday(), local_begin.time(), finish - begin)
                    day_spans.append((microseconds(begin), microseconds(finish), offset // ONE_US))
                else:
                    key = None
                    day_spans.append((microseconds(begin), microseconds(finish), None))
                pieces = pieces_of.get(key)
                if pieces is None:
                    pieces = list(_hour_pieces(begin, finish, zone))
                    if key is not None:
                        pieces_of[key] = pieces
                for weekday, hour, minutes in pieces:
                    opened[(weekday, hour)] += minutes
        for kind in UTILIZATION_KINDS:
            count = resources[(space.pk, kind)]
            for cell, minutes in opened.items():
                usage[space.pk].open[kind] += minutes * count
                heat_open[kind][cell] += minutes * count

    # How far each centre's intervals reach from the UTC midnight of their day's number:
    # an interval of day D lies within [D days + earliest, D days + latest].
    reach: dict[int, tuple[int, int]] = {
        space_id: (
            min(
                (b - day * DAY_US for day, spans in days.items() for b, _f, _o in spans), default=0
            ),
            max(
                (f - day * DAY_US for day, spans in days.items() for _b, f, _o in spans), default=0
            ),
        )
        for space_id, days in opening.items()
    }
    low_us, high_us = bookings.low_us, bookings.high_us
    # Booked minutes per local hour of the week (0 is Monday 00:00), added up in the order
    # of the bookings, their days and their pieces.
    booked_cells = {kind: [0.0] * 168 for kind in UTILIZATION_KINDS}
    for (
        space_id,
        kind,
        _name,
        _type,
        status,
        starts_us,
        ends_us,
        _in,
        checked_out_us,
        *_rest,
    ) in bookings.rows:
        if (
            kind not in UTILIZATION_KINDS
            or status not in USED_STATUSES
            or starts_us >= high_us
            or ends_us <= low_us
        ):
            continue
        if status == BookingStatus.COMPLETED and checked_out_us is not None:
            ends_us = min(ends_us, checked_out_us)
        days, booked, cells = opening[space_id], usage[space_id].booked, booked_cells[kind]
        earliest, latest = reach[space_id]
        # Only the days whose intervals can meet [starts, ends), in order.
        for day in range(
            (starts_us - latest) // DAY_US + 1, (ends_us - earliest - 1) // DAY_US + 1
        ):
            for begin, finish, offset in days.get(day, ()):
                if begin < starts_us:
                    begin = starts_us
                if finish > ends_us:
                    finish = ends_us
                if begin >= finish:
                    continue
                if offset is None:
                    zone = zones[space_id]
                    for weekday, hour, minutes in _hour_pieces(
                        instant(begin), instant(finish), zone
                    ):
                        booked[kind] += minutes
                        cells[weekday * 24 + hour] += minutes
                    continue
                # `clock.local_hours` written out: a year's bookings make hundreds of
                # thousands of pieces. `EPOCH_WEEK_HOUR` places a local hour in its week;
                # the minutes are added one piece after another.
                local, last, total = begin + offset, finish + offset, booked[kind]
                while local < last:
                    hour = local // HOUR_US
                    following = hour * HOUR_US + HOUR_US
                    if following > last:
                        following = last
                    minutes = (following - local) / 1_000_000 / 60
                    total += minutes
                    cells[(hour + EPOCH_WEEK_HOUR) % 168] += minutes
                    local = following
                booked[kind] = total
    for kind, cells in booked_cells.items():
        for cell, minutes in enumerate(cells):
            if minutes:
                heat_booked[kind][divmod(cell, 24)] = minutes

    daily: Counter = Counter()
    for space_id, day, _user_id in bookings.check_ins:
        usage[space_id].visits += 1
        daily[day] += 1
    heat = {kind: (heat_booked[kind], heat_open[kind]) for kind in UTILIZATION_KINDS}
    return usage, heat, daily, open_dates
