"""Reports of the network's events and centres, for network admins, hosts and donors.

Who sees what (`report_scope`):

- network admins: every centre and every event;
- hosts and staff: the centres they work at (`spaces_staffed_by`) and their events;
- donors (users with DonorAccess rows): the events carrying one of their tags, where the tag
  may be used (an organization's tag on that organization's centres, a network tag
  anywhere), and of those events only: how many were held or cancelled, registrations,
  attendances, people, no-shows, the suppressed breakdowns, the months, each event's row.
  Centres appear only as where those events took place, with those events' figures. Desk,
  room and visit figures (utilization, visits, days open, heat maps) are never a donor's:
  they count everyone's use of a centre, not the donor's events. A donor who asks for a
  centre or a tag outside that scope is refused (NotAllowed), not answered.
  Someone who is both host and donor sees the union; desk, room and visit figures then
  cover only the centres they work at.

Dates are local: an event counts in the period if one of its sessions starts on a local
date of its centre within [start, end]; a visit counts on the local date of its check-in.

Attendees are broken down by gender, age band and disability with small-cell suppression
(`suppress_row`): a count from 1 to 4 is shown as "<5", and further cells are hidden (as
"x") while a hidden count could still be worked out from the row's total, which the report
publishes. Participants who gave no consent are counted as "not given", never inferred;
that cell is hidden in all three breakdowns or in none (`_breakdowns`).

Suppression protects each published table against subtraction within it and across the
three breakdowns. It cannot stop differencing between two reports a viewer asks for (all
centres, then all but one): the filters are for trusted roles, not for the public.

Every read here is a fixed number of queries, whatever the number of events or bookings:
rows are fetched once and counted in Python.
"""

import datetime
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext
from django.utils.translation import gettext as _

from cowork.errors import InvalidInput, NotAllowed
from cowork.models import (
    ACTIVE_STATUSES,
    Attendance,
    Booking,
    BookingStatus,
    DonorAccess,
    Event,
    EventSession,
    Registration,
    RegistrationStatus,
    Resource,
    Space,
    Tag,
)
from cowork.models.people import AgeBand, Disability, Gender
from cowork.selectors.access import spaces_staffed_by, tags_visible_to, user_is_network_admin

UTC = datetime.UTC

# Counts from 1 to SMALL_CELL - 1 are never shown.
SMALL_CELL = 5
SMALL_MARK = "<5"
# A cell hidden so that a small one cannot be worked out from the total and the others.
HIDDEN_MARK = "x"
NOT_GIVEN = "not_given"
NOT_GIVEN_LABEL = gettext_lazy("Not given")

# Bookings that hold (or held) their resource. A completed booking counts until its
# check-out: the rest of its time was freed for others and may have been booked again.
USED_STATUSES = (*ACTIVE_STATUSES, BookingStatus.COMPLETED)
UTILIZATION_KINDS = (Resource.Kind.ROOM, Resource.Kind.DESK)

# Every zone's local day lies inside [UTC midnight - 14 h, UTC midnight + 12 h + 1 day).
_BEFORE = datetime.timedelta(hours=14)
_AFTER = datetime.timedelta(hours=12)
_ONE_DAY = datetime.timedelta(days=1)


# --- Who sees what ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReportScope:
    every_centre: bool = False
    staffed_ids: frozenset[int] = frozenset()
    donor_tag_ids: frozenset[int] = frozenset()

    @property
    def donor_only(self) -> bool:
        return not self.every_centre and not self.staffed_ids

    def shows_use_of(self, space_id: int) -> bool:
        """Whether the viewer may see a centre's desk, room and visit figures."""
        return self.every_centre or space_id in self.staffed_ids


def user_has_donor_access(*, user) -> bool:
    return bool(user.is_authenticated and DonorAccess.objects.filter(user=user).exists())


def report_scope(*, user) -> ReportScope | None:
    """What `user` may report on; None for people with no role (anonymous, plain members)."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user_is_network_admin(user=user):
        return ReportScope(every_centre=True)
    staffed = frozenset(spaces_staffed_by(user=user).values_list("pk", flat=True))
    tags = frozenset(DonorAccess.objects.filter(user=user).values_list("tag_id", flat=True))
    if not staffed and not tags:
        return None
    return ReportScope(staffed_ids=staffed, donor_tag_ids=tags)


def _tagged(tag_ids: Iterable[int]) -> Q:
    """Events carrying one of `tag_ids` where it may be used: an organization's tag counts
    on its own centres' events only, whoever attached it elsewhere."""
    links = Event.tags.through.objects.filter(tag_id__in=tag_ids).filter(
        Q(tag__organization__isnull=True) | Q(tag__organization=F("event__space__organization"))
    )
    return Q(pk__in=links.values("event_id"))


def _visible_events(scope: ReportScope) -> Q:
    if scope.every_centre:
        return Q()
    visible = Q(space_id__in=scope.staffed_ids)
    if scope.donor_tag_ids:
        visible |= _tagged(scope.donor_tag_ids)
    return visible


def _scope_for(viewer, *, space_ids, tag_ids) -> ReportScope:
    """The viewer's scope, once their filters are known to lie inside it.

    A centre or tag the viewer may not report on is refused rather than answered with an
    empty report: "nothing" would be a figure too.
    """
    scope = report_scope(user=viewer)
    if scope is None:
        raise NotAllowed(_("Reports are for network admins, hosts, staff and donors."))
    if scope.every_centre or not (space_ids or tag_ids):
        return scope
    choices = report_choices(viewer=viewer)
    if not set(space_ids or ()) <= {space.pk for space in choices.centres}:
        raise NotAllowed(_("You may not report on this centre."), code="centre_out_of_scope")
    if not set(tag_ids or ()) <= {tag.pk for tag in choices.tags}:
        raise NotAllowed(_("You may not report on this tag."), code="tag_out_of_scope")
    return scope


@dataclass(frozen=True)
class ReportChoices:
    """What the viewer may filter by: centres, countries and tags they can see."""

    centres: list[Space]
    countries: list[str]
    tags: list[Tag]


def report_choices(*, viewer) -> ReportChoices:
    scope = report_scope(user=viewer)
    if scope is None:
        return ReportChoices([], [], [])
    spaces = Space.objects.all()
    if not scope.every_centre:
        where = Q(pk__in=scope.staffed_ids)
        if scope.donor_tag_ids:
            where |= Q(pk__in=Event.objects.filter(_tagged(scope.donor_tag_ids)).values("space_id"))
        spaces = spaces.filter(where)
    centres = list(spaces.order_by("country", "city", "name"))
    tags = Tag.objects.filter(pk__in=scope.donor_tag_ids)
    if scope.every_centre or scope.staffed_ids:
        tags = Tag.objects.filter(Q(pk__in=tags_visible_to(user=viewer)) | Q(pk__in=tags))
    return ReportChoices(
        centres=centres,
        countries=sorted({space.country for space in centres}),
        tags=list(tags),
    )


# --- Small-cell suppression -------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One published count: `value` is None when the count is hidden."""

    value: int | None
    shown: str

    @property
    def hidden(self) -> bool:
        return self.value is None


def _feasible_rest(rest: int, small: int, others: int) -> bool:
    """Can `small` hidden small counts (1–4 each) and `others` hidden other counts (0 or ≥ 5
    each) add up to `rest`?"""
    low, high = small, (SMALL_CELL - 1) * small
    if low <= rest <= high:
        return True
    return others > 0 and rest >= low + SMALL_CELL


def _one_value(values, feasible) -> bool:
    """Whether exactly one of `values` is feasible (stops looking at the second)."""
    found = 0
    for value in values:
        if feasible(value):
            found += 1
            if found > 1:
                return False
    return found == 1


def _recoverable(counts: Sequence[int], small: set[int], hidden: set[int], protected) -> bool:
    """Whether a hidden small or protected count follows from the total and the shown cells.

    A reader knows the sum of the hidden cells (total minus the shown ones), that a "<5"
    cell holds 1 to 4, and that an "x" cell holds 0 or at least 5. Cells of one sort are
    alike to the reader, so one test serves each sort: is only one value possible?
    """
    hidden_sum = sum(counts[i] for i in hidden)
    n_small, n_other = len(small), len(hidden) - len(small)
    if small and _one_value(
        range(1, SMALL_CELL),
        lambda value: _feasible_rest(hidden_sum - value, n_small - 1, n_other),
    ):
        return True
    return bool(set(protected) - small) and _one_value(
        [0, *range(SMALL_CELL, hidden_sum + 1)],
        lambda value: _feasible_rest(hidden_sum - value, n_small, n_other - 1),
    )


def suppress_row(counts: Sequence[int], *, protect: Iterable[int] = ()) -> list[Cell]:
    """The cells of one row of a breakdown (whose total is published), safe to publish.

    Counts from 1 to 4 show as "<5". Complementary suppression: if exactly one cell is
    hidden, the next smallest cell is hidden too (as "x"), or the total minus the others
    would give it away. The same reasoning is applied in general: hiding goes on, smallest
    non-zero cell first, while any hidden small count could still be worked out (two "<5"
    cells that must both be 1, a "<5" and an "x" that can only be 1 and 5). A row that
    cannot be protected, because its total is itself small, is hidden whole.

    `protect`: cells (by index) to hide whatever their count, and to keep from being worked
    out like a small one — a count another table gives away otherwise.
    """
    small = {i for i, count in enumerate(counts) if 0 < count < SMALL_CELL}
    protected = set(protect)
    hidden = small | protected
    candidates = sorted(
        (i for i in range(len(counts)) if i not in hidden),
        key=lambda i: (counts[i] == 0, counts[i], i),
    )
    while hidden and candidates and _recoverable(counts, small, hidden, protected):
        hidden.add(candidates.pop(0))
    if hidden and _recoverable(counts, small, hidden, protected):
        return [Cell(None, HIDDEN_MARK) for _count in counts]
    return [
        Cell(None, SMALL_MARK)
        if i in small
        else Cell(None, HIDDEN_MARK)
        if i in hidden
        else Cell(count, str(count))
        for i, count in enumerate(counts)
    ]


# --- The report -------------------------------------------------------------------------


@dataclass(frozen=True)
class Utilization:
    booked_hours: float
    open_hours: float

    @property
    def percent(self) -> float | None:
        if not self.open_hours:
            return None
        return round(100 * self.booked_hours / self.open_hours, 1)

    def __add__(self, other: "Utilization") -> "Utilization":
        return Utilization(
            self.booked_hours + other.booked_hours, self.open_hours + other.open_hours
        )


@dataclass(frozen=True)
class Figures:
    """The headline figures of one centre, or of all of them.

    Desk, room and visit figures are None where the viewer may not see them (donors).
    """

    events_held: int = 0
    events_cancelled: int = 0
    registrations: int = 0
    attendances: int = 0
    unique_participants: int = 0
    # Confirmed registrations of events with a past session in the period (no_show_base),
    # and those of them nobody attended at any session (no_shows).
    no_shows: int = 0
    no_show_base: int = 0
    desks: Utilization | None = None
    rooms: Utilization | None = None
    visits: int | None = None
    open_days: int | None = None

    @property
    def no_show_percent(self) -> float | None:
        if not self.no_show_base:
            return None
        return round(100 * self.no_shows / self.no_show_base, 1)

    @property
    def visits_per_open_day(self) -> float | None:
        if not self.open_days or self.visits is None:
            return None
        return round(self.visits / self.open_days, 1)


@dataclass(frozen=True)
class CentreRow:
    space_id: int
    name: str
    city: str
    country: str
    figures: Figures


@dataclass(frozen=True)
class Breakdown:
    """Unique attendees by one dimension; the cells add up to `total`, shown elsewhere."""

    dimension: str
    title: str
    categories: list[tuple[str, str]]
    cells: list[Cell]
    total: int

    @property
    def rows(self) -> list[tuple[str, str, Cell]]:
        pairs = zip(self.categories, self.cells, strict=True)
        return [(code, label, cell) for (code, label), cell in pairs]


@dataclass(frozen=True)
class MonthFigures:
    month: datetime.date
    events: int
    attendances: int

    @property
    def label(self) -> str:
        return date_format(self.month, "M Y")


@dataclass(frozen=True)
class DayVisits:
    day: datetime.date
    visits: int


@dataclass(frozen=True)
class HeatMap:
    """Share of open time booked, per local weekday and hour; None where nothing is open."""

    kind: str
    weekdays: list[int]
    hours: list[int]
    percent: dict[tuple[int, int], float | None]

    @property
    def empty(self) -> bool:
        return all(value is None for value in self.percent.values())


@dataclass(frozen=True)
class EventRow:
    """One event in the period: what happened, with no person named."""

    event_id: int
    title: str
    kind: str
    centre: str
    city: str
    first_day: datetime.date
    last_day: datetime.date
    registrations: int
    attendances: int
    participants: int
    # Men, women, and everyone else (other, undisclosed, not given), suppressed as a row.
    gender_split: list[Cell]
    happened: bool

    @property
    def kind_label(self) -> str:
        return Event.Kind(self.kind).label


@dataclass(frozen=True)
class Report:
    start: datetime.date
    end: datetime.date
    scope: ReportScope
    centres: list[CentreRow]
    total: Figures
    breakdowns: list[Breakdown]
    months: list[MonthFigures]
    daily_visits: list[DayVisits]
    heat_maps: list[HeatMap]
    events: list[EventRow]
    generated_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def shows_use(self) -> bool:
        """Whether the report has desk, room and visit figures at all (not for donors)."""
        return not self.scope.donor_only


# --- Events -----------------------------------------------------------------------------


@dataclass
class _Session:
    pk: int
    event_id: int
    local_day: datetime.date
    ends_at: datetime.datetime


@dataclass
class _EventData:
    pk: int
    space_id: int
    title: str
    kind: str
    centre: str
    city: str
    cancelled: bool
    sessions: list[_Session] = field(default_factory=list)
    registrations: int = 0
    confirmed: int = 0
    confirmed_absent: int = 0
    attendances: int = 0
    participants: set[int] = field(default_factory=set)


@dataclass
class _Events:
    held: dict[int, _EventData]
    cancelled: dict[int, _EventData]
    # participant id → (gender, age band, disability), each "" unless consented.
    people: dict[int, tuple[str, str, str]]
    # (session local day, attendances) for the monthly series.
    attendance_days: Counter


def _zone(name: str, cache: dict) -> zoneinfo.ZoneInfo:
    if name not in cache:
        cache[name] = zoneinfo.ZoneInfo(name)
    return cache[name]


def _utc_window(start: datetime.date, end: datetime.date):
    return (
        datetime.datetime.combine(start, datetime.time(0), tzinfo=UTC) - _BEFORE,
        datetime.datetime.combine(end + _ONE_DAY, datetime.time(0), tzinfo=UTC) + _AFTER,
    )


def _event_filter(scope, *, space_ids, countries, kinds, tag_ids) -> Q:
    where = _visible_events(scope)
    if space_ids:
        where &= Q(space_id__in=space_ids)
    if countries:
        where &= Q(space__country__in=countries)
    if kinds:
        where &= Q(kind__in=kinds)
    if tag_ids:
        where &= _tagged(tag_ids)
    return where


def _collect_events(where: Q, start, end) -> _Events:
    """Events with a session on a local date in [start, end], and who came: three queries."""
    low, high = _utc_window(start, end)
    language = get_language()
    zones: dict = {}
    events: dict[int, _EventData] = {}
    sessions: dict[int, _Session] = {}
    rows = (
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
            "event__title",
            "event__translations",
            "event__kind",
        )
    )
    for row in rows:
        local_day = row["starts_at"].astimezone(_zone(row["event__space__time_zone"], zones)).date()
        if not start <= local_day <= end:
            continue
        event_id = row["event_id"]
        if event_id not in events:
            translated = (row["event__translations"] or {}).get(language) or {}
            events[event_id] = _EventData(
                pk=event_id,
                space_id=row["event__space_id"],
                title=translated.get("title") or row["event__title"],
                kind=row["event__kind"],
                centre=row["event__space__name"],
                city=row["event__space__city"],
                cancelled=row["event__status"] == Event.Status.CANCELLED,
            )
        session = _Session(row["pk"], event_id, local_day, row["ends_at"])
        events[event_id].sessions.append(session)
        if not events[event_id].cancelled:
            sessions[session.pk] = session
    held = {pk: data for pk, data in events.items() if not data.cancelled}
    cancelled = {pk: data for pk, data in events.items() if data.cancelled}

    # Candidates by a coarse UTC window, kept only if their event is held in the period.
    candidates = Event.objects.filter(
        where,
        status=Event.Status.SCHEDULED,
        sessions__starts_at__gte=low,
        sessions__starts_at__lt=high,
    ).values("pk")
    attended_any = Exists(
        Attendance.objects.filter(
            session__event_id=OuterRef("event_id"), participant_id=OuterRef("participant_id")
        )
    )
    counts = (
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
    for row in counts:
        data = held.get(row["event_id"])
        if data is not None:
            data.registrations = row["registrations"]
            data.confirmed = row["confirmed"]
            data.confirmed_absent = row["confirmed_absent"]

    people: dict[int, tuple[str, str, str]] = {}
    attendance_days: Counter = Counter()
    attendances = Attendance.objects.filter(
        session__event__in=candidates, session__starts_at__gte=low, session__starts_at__lt=high
    ).values_list(
        "session_id",
        "participant_id",
        "participant__demographics_consent_at",
        "participant__gender",
        "participant__age_band",
        "participant__disability",
    )
    for session_id, participant_id, consent_at, gender, age_band, disability in attendances:
        session = sessions.get(session_id)
        if session is None:
            continue
        data = held[session.event_id]
        data.attendances += 1
        data.participants.add(participant_id)
        attendance_days[session.local_day] += 1
        # Without a recorded consent nothing is read, whatever the row holds.
        people[participant_id] = (
            (gender, age_band, disability) if consent_at is not None else ("", "", "")
        )
    return _Events(held, cancelled, people, attendance_days)


# --- Centres: opening hours, bookings, visits -------------------------------------------


@dataclass
class _Usage:
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
    moment = begin
    while moment < finish:
        local = moment.astimezone(zone)
        top = local.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
        following = min(finish, top.astimezone(UTC))
        if following <= moment:  # a wall clock that jumps: move on by an hour of real time
            following = min(finish, moment + datetime.timedelta(hours=1))
        yield local.weekday(), local.hour, (following - moment).total_seconds() / 60
        moment = following


def _usage(
    centres: list[Space], start, end
) -> tuple[dict[int, _Usage], dict[str, dict], dict[datetime.date, int], set]:
    """Booked and open time of desks and rooms, per centre and per weekday-hour, and visits.

    Three queries: resource counts, bookings, check-ins.
    """
    ids = [space.pk for space in centres]
    low, high = _utc_window(start, end)
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
    usage: dict[int, _Usage] = {}
    intervals: dict[int, dict] = {}
    open_dates: set = set()
    for space in centres:
        usage[space.pk] = _Usage(booked=Counter(), open=Counter())
        intervals[space.pk] = _open_intervals(space, start, end)
        usage[space.pk].open_days = set(intervals[space.pk])
        open_dates |= usage[space.pk].open_days
        for day_intervals in intervals[space.pk].values():
            for begin, finish in day_intervals:
                for weekday, hour, minutes in _hour_pieces(begin, finish, space.zone):
                    for kind in UTILIZATION_KINDS:
                        count = resources[(space.pk, kind)]
                        usage[space.pk].open[kind] += minutes * count
                        heat_open[kind][(weekday, hour)] += minutes * count

    zones = {space.pk: space.zone for space in centres}
    bookings = Booking.objects.filter(
        space_id__in=ids,
        resource__kind__in=UTILIZATION_KINDS,
        status__in=USED_STATUSES,
        starts_at__lt=high,
        ends_at__gt=low,
    ).values_list("space_id", "resource__kind", "starts_at", "ends_at", "status", "checked_out_at")
    for space_id, kind, starts_at, ends_at, status, checked_out_at in bookings:
        if status == BookingStatus.COMPLETED and checked_out_at is not None:
            ends_at = min(ends_at, checked_out_at)
        zone = zones[space_id]
        day, last = starts_at.astimezone(zone).date(), ends_at.astimezone(zone).date()
        while day <= last:
            for begin, finish in intervals[space_id].get(day, ()):
                begin, finish = max(begin, starts_at), min(finish, ends_at)
                for weekday, hour, minutes in _hour_pieces(begin, finish, zone):
                    usage[space_id].booked[kind] += minutes
                    heat_booked[kind][(weekday, hour)] += minutes
            day += _ONE_DAY

    daily: Counter = Counter()
    check_ins = Booking.objects.filter(
        space_id__in=ids, checked_in_at__gte=low, checked_in_at__lt=high
    ).values_list("space_id", "checked_in_at")
    for space_id, checked_in_at in check_ins:
        day = checked_in_at.astimezone(zones[space_id]).date()
        if start <= day <= end:
            usage[space_id].visits += 1
            daily[day] += 1
    heat = {kind: (heat_booked[kind], heat_open[kind]) for kind in UTILIZATION_KINDS}
    return usage, heat, daily, open_dates


def _heat_map(kind: str, booked: Counter, opened: Counter, all_open: Iterable) -> HeatMap:
    cells = list(all_open)
    weekdays = sorted({weekday for weekday, _hour in cells})
    hours = list(range(min(h for _w, h in cells), max(h for _w, h in cells) + 1)) if cells else []
    percent = {}
    for weekday in weekdays:
        for hour in hours:
            minutes = opened.get((weekday, hour), 0)
            percent[(weekday, hour)] = (
                round(100 * booked.get((weekday, hour), 0) / minutes, 1) if minutes else None
            )
    return HeatMap(kind=kind, weekdays=weekdays, hours=hours, percent=percent)


# --- Putting it together ----------------------------------------------------------------


def _report_centres(scope, held: dict, *, space_ids, countries, kinds, tag_ids) -> list[Space]:
    """Centres whose desk and room figures the report shows.

    Donors, and anyone filtering by kind or tag, get the centres where a matching event had
    a session in the period; hosts and admins otherwise every (active) centre they see.
    """
    ids = {data.space_id for data in held.values()}
    if not scope.donor_only and not kinds and not tag_ids:
        spaces = Space.objects.filter(is_active=True)
        if not scope.every_centre:
            spaces = spaces.filter(pk__in=scope.staffed_ids)
        if space_ids:
            spaces = spaces.filter(pk__in=space_ids)
        if countries:
            spaces = spaces.filter(country__in=countries)
        ids |= set(spaces.values_list("pk", flat=True))
    return list(
        Space.objects.filter(pk__in=ids)
        .prefetch_related("opening_hours", "closures")
        .order_by("country", "city", "name")
    )


def _figures(events: list[_EventData], cancelled: int, usage: _Usage | None, now) -> Figures:
    """The figures of `events`, and of `usage` unless it is None (not the viewer's to see)."""
    participants = set().union(*(data.participants for data in events))
    past = [data for data in events if any(s.ends_at <= now for s in data.sessions)]
    use = {}
    if usage is not None:
        use = {
            "desks": _utilization(usage, Resource.Kind.DESK),
            "rooms": _utilization(usage, Resource.Kind.ROOM),
            "visits": usage.visits,
            "open_days": len(usage.open_days),
        }
    return Figures(
        events_held=len(events),
        events_cancelled=cancelled,
        registrations=sum(data.registrations for data in events),
        attendances=sum(data.attendances for data in events),
        unique_participants=len(participants),
        no_shows=sum(data.confirmed_absent for data in past),
        no_show_base=sum(data.confirmed for data in past),
        **use,
    )


def _utilization(usage: _Usage, kind: str) -> Utilization:
    return Utilization(usage.booked[kind] / 60, usage.open[kind] / 60)


BREAKDOWN_DIMENSIONS = [
    ("gender", gettext_lazy("Gender"), Gender.choices),
    ("age_band", gettext_lazy("Age band"), AgeBand.choices),
    ("disability", gettext_lazy("Disability"), Disability.choices),
]


def _breakdowns(people: dict[int, tuple[str, str, str]]) -> list[Breakdown]:
    """Attendees by each dimension, suppressed.

    Someone without consent is "Not given" in every dimension, so the three "Not given"
    cells are nearly the same number: shown in one table, it would give away the one
    hidden in another. If it is hidden anywhere, it is hidden, and protected, everywhere.
    """
    rows = []
    for position, (dimension, title, choices) in enumerate(BREAKDOWN_DIMENSIONS):
        categories = [(code, str(label)) for code, label in choices]
        categories.append((NOT_GIVEN, str(NOT_GIVEN_LABEL)))
        known = {code for code, _label in choices}
        counted = Counter(
            answers[position] if answers[position] in known else NOT_GIVEN
            for answers in people.values()
        )
        rows.append((dimension, title, categories, [counted[code] for code, _l in categories]))
    cells = [suppress_row(counts) for *_first, counts in rows]
    if any(row[-1].hidden for row in cells):
        cells = [suppress_row(counts, protect=[len(counts) - 1]) for *_first, counts in rows]
    return [
        Breakdown(
            dimension=dimension,
            title=str(title),
            categories=categories,
            cells=row_cells,
            total=len(people),
        )
        for (dimension, title, categories, _counts), row_cells in zip(rows, cells, strict=True)
    ]


def _months(start, end, events: list[_EventData], attendance_days: Counter) -> list[MonthFigures]:
    firsts = Counter(min(s.local_day for s in data.sessions).replace(day=1) for data in events)
    per_month = Counter()
    for day, count in attendance_days.items():
        per_month[day.replace(day=1)] += count
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(MonthFigures(month, firsts[month], per_month[month]))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _event_rows(events: list[_EventData], people: dict, now) -> list[EventRow]:
    rows = []
    for data in sorted(events, key=lambda d: (min(s.local_day for s in d.sessions), d.pk)):
        genders = Counter(people[pk][0] for pk in data.participants)
        men, women = genders[Gender.MALE], genders[Gender.FEMALE]
        rows.append(
            EventRow(
                event_id=data.pk,
                title=data.title,
                kind=data.kind,
                centre=data.centre,
                city=data.city,
                first_day=min(s.local_day for s in data.sessions),
                last_day=max(s.local_day for s in data.sessions),
                registrations=data.registrations,
                attendances=data.attendances,
                participants=len(data.participants),
                gender_split=suppress_row([men, women, len(data.participants) - men - women]),
                happened=any(s.ends_at <= now for s in data.sessions),
            )
        )
    return rows


def event_report(
    *,
    viewer,
    start: datetime.date,
    end: datetime.date,
    space_ids=None,
    countries=None,
    kinds=None,
    tag_ids=None,
    now: datetime.datetime | None = None,
) -> Report:
    """Events, attendance and use of desks and rooms over [start, end], per centre and in total.

    Raises NotAllowed for someone with no reporting role. `now` separates past sessions
    (which count for no-shows) from coming ones.
    """
    scope = _scope_for(viewer, space_ids=space_ids, tag_ids=tag_ids)
    if end < start:
        raise InvalidInput(_("The period must end after it starts."), code="bad_period")
    now = now or timezone.now()
    filters = {"space_ids": space_ids, "countries": countries, "kinds": kinds, "tag_ids": tag_ids}
    collected = _collect_events(_event_filter(scope, **filters), start, end)
    centres = _report_centres(scope, collected.held, **filters)
    used = [space for space in centres if scope.shows_use_of(space.pk)]
    usage, heat, daily, open_dates = _usage(used, start, end)

    held_by_centre, cancelled_by_centre = defaultdict(list), Counter()
    for data in collected.held.values():
        held_by_centre[data.space_id].append(data)
    for data in collected.cancelled.values():
        cancelled_by_centre[data.space_id] += 1
    rows = [
        CentreRow(
            space_id=space.pk,
            name=space.name,
            city=space.city,
            country=space.country,
            figures=_figures(
                held_by_centre[space.pk], cancelled_by_centre[space.pk], usage.get(space.pk), now
            ),
        )
        for space in centres
    ]
    held = list(collected.held.values())
    total_usage = _Usage(booked=Counter(), open=Counter(), open_days=open_dates)
    for centre_usage in usage.values():
        total_usage.booked.update(centre_usage.booked)
        total_usage.open.update(centre_usage.open)
        total_usage.visits += centre_usage.visits
    shows_use = not scope.donor_only
    total = _figures(held, len(collected.cancelled), total_usage if shows_use else None, now)
    all_open = {
        cell for kind in UTILIZATION_KINDS for cell, minutes in heat[kind][1].items() if minutes
    }
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    return Report(
        start=start,
        end=end,
        scope=scope,
        centres=rows,
        total=total,
        breakdowns=_breakdowns(collected.people),
        months=_months(start, end, held, collected.attendance_days),
        daily_visits=[DayVisits(day, daily[day]) for day in days] if shows_use else [],
        heat_maps=[
            _heat_map(kind, heat[kind][0], heat[kind][1], all_open) for kind in UTILIZATION_KINDS
        ]
        if shows_use
        else [],
        events=_event_rows(held, collected.people, now),
    )


# --- Sentences for donors ---------------------------------------------------------------


def _day_span(first: datetime.date, last: datetime.date) -> str:
    style = pgettext("day and month in a report sentence", "j E")
    if first == last:
        return date_format(first, style)
    return _("%(first)s–%(last)s") % {
        "first": date_format(first, style),
        "last": date_format(last, style),
    }


def _gender_split(cells: list[Cell]) -> str:
    """ "35 men; 22 women" — or "" when any of the counts is hidden."""
    if any(cell.hidden for cell in cells):
        return ""
    men, women, others = (cell.value for cell in cells)
    parts = []
    if men:
        parts.append(ngettext("%(count)d man", "%(count)d men", men) % {"count": men})
    if women:
        parts.append(ngettext("%(count)d woman", "%(count)d women", women) % {"count": women})
    if others:
        parts.append(
            ngettext("%(count)d other or not stated", "%(count)d others or not stated", others)
            % {"count": others}
        )
    return _("; ").join(parts)


def event_sentence(row: EventRow) -> str:
    """ "Round-table on e-government, Ganja, 12 March: 57 participants (35 men; 22 women)"."""
    if row.happened:
        people = ngettext("%(count)d participant", "%(count)d participants", row.participants) % {
            "count": row.participants
        }
        split = _gender_split(row.gender_split)
        if split:
            people = _("%(participants)s (%(split)s)") % {"participants": people, "split": split}
    else:
        people = ngettext(
            "%(count)d registered so far", "%(count)d registered so far", row.registrations
        ) % {"count": row.registrations}
    return _("%(title)s, %(city)s, %(when)s: %(people)s") % {
        "title": row.title,
        "city": row.city,
        "when": _day_span(row.first_day, row.last_day),
        "people": people,
    }


def event_sentences(
    *,
    viewer,
    start: datetime.date,
    end: datetime.date,
    space_ids=None,
    countries=None,
    kinds=None,
    tag_ids=None,
    now: datetime.datetime | None = None,
) -> list[str]:
    """One sentence per event of the period, in the style of donors' reports.

    Reads only the events (three queries); `event_report(...).events` gives the same rows.
    """
    scope = _scope_for(viewer, space_ids=space_ids, tag_ids=tag_ids)
    now = now or timezone.now()
    where = _event_filter(
        scope, space_ids=space_ids, countries=countries, kinds=kinds, tag_ids=tag_ids
    )
    collected = _collect_events(where, start, end)
    rows = _event_rows(list(collected.held.values()), collected.people, now)
    return [event_sentence(row) for row in rows]
