"""A report put together: the collected rows counted into figures per centre and in total."""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.errors import InvalidInput
from cowork.models import Resource, Space
from cowork.selectors.rentals import rental_income
from cowork.selectors.reports import ahead
from cowork.selectors.reports.arithmetic import percent_of
from cowork.selectors.reports.bookings import bookings_read, period_bookings
from cowork.selectors.reports.collection import (
    UTILIZATION_KINDS,
    CollectedEvents,
    EventData,
    Usage,
    collect_events,
    collect_usage,
    event_reads,
    events_in_window,
)
from cowork.selectors.reports.figures import (
    CentreRow,
    DayVisits,
    EventRow,
    Figures,
    HeatMap,
    MonthFigures,
    Report,
    TagRow,
    Utilization,
)
from cowork.selectors.reports.grid import people_summaries, suppress_grid
from cowork.selectors.reports.people import people_summary, people_tables, summary_counts
from cowork.selectors.reports.rounding import rounded_for_donor
from cowork.selectors.reports.scope import event_filter, event_tags, event_tags_read, scope_for
from cowork.selectors.reports.usage import space_use
from cowork.selectors.reports.visits import collect_walk_ins, walk_ins_read


def _report_centres(held: dict, shown: set[int]) -> list[Space]:
    """Centres whose desk and room figures the report shows.

    Donors, and anyone filtering by kind or tag, get the centres where a matching event had
    a session in the period; hosts and admins otherwise every (active) centre they see
    (`shown`, from `_centres_shown_anyway`).
    """
    ids = {data.space_id for data in held.values()} | shown
    return list(
        Space.objects.filter(pk__in=ids)
        .prefetch_related("opening_hours", "closures")
        .order_by("country", "city", "name")
    )


def _centres_shown_anyway(scope, *, space_ids, countries, kinds, tag_ids) -> set[int]:
    """The centres `_report_centres` gives whatever events were held: for hosts and admins
    not filtering by kind or tag, every active centre they see."""
    if scope.donor_only or kinds or tag_ids:
        return set()
    spaces = Space.objects.filter(is_active=True)
    if not scope.every_centre:
        spaces = spaces.filter(pk__in=scope.staffed_ids)
    if space_ids:
        spaces = spaces.filter(pk__in=space_ids)
    if countries:
        spaces = spaces.filter(country__in=countries)
    return set(spaces.values_list("pk", flat=True))


def _participants(events: Iterable[EventData]) -> set[int]:
    return set().union(*(data.participants for data in events))


def begun(data: EventData, now) -> bool:
    """Whether an event has been held: one of its sessions has started by `now`. An event
    still to come is not "held", whatever its registrations."""
    return any(s.starts_at <= now for s in data.sessions)


def _figures(
    events: list[EventData], cancelled: int, usage: Usage | None, now, returning: set[int]
) -> Figures:
    """The figures of `events`, and of `usage` unless it is None (not the viewer's to see)."""
    participants = _participants(events)
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
        events_held=sum(1 for data in events if begun(data, now)),
        events_cancelled=cancelled,
        registrations=sum(data.registrations for data in events),
        attendances=sum(data.attendances for data in events),
        unique_participants=len(participants),
        returning_participants=len(participants & returning),
        first_time_participants=len(participants - returning),
        no_shows=sum(data.confirmed_absent for data in past),
        no_show_base=sum(data.confirmed for data in past),
        **use,
    )


def _utilization(usage: Usage, kind: str) -> Utilization:
    return Utilization(usage.booked[kind] / 60, usage.open[kind] / 60)


def _heat_map(kind: str, booked: Counter, opened: Counter, all_open: Iterable) -> HeatMap:
    cells = list(all_open)
    weekdays = sorted({weekday for weekday, _hour in cells})
    hours = list(range(min(h for _w, h in cells), max(h for _w, h in cells) + 1)) if cells else []
    percent = {}
    for weekday in weekdays:
        for hour in hours:
            minutes = opened.get((weekday, hour), 0)
            percent[(weekday, hour)] = percent_of(booked.get((weekday, hour), 0), minutes)
    return HeatMap(kind=kind, weekdays=weekdays, hours=hours, percent=percent)


def _months(
    start, end, events: list[EventData], collected: CollectedEvents, now
) -> list[MonthFigures]:
    firsts = Counter(
        min(s.local_day for s in data.sessions).replace(day=1)
        for data in events
        if begun(data, now)
    )
    # Each day's month, worked out once per day: tens of thousands of people's days.
    month_of = {}
    for days in collected.days_of.values():
        for day in days:
            if day not in month_of:
                month_of[day] = day.replace(day=1)
    per_month = Counter()
    for day, count in collected.attendance_days.items():
        per_month[day.replace(day=1)] += count
    people, first_time = Counter(), Counter()
    returning = collected.returning
    for participant, days in collected.days_of.items():
        people.update(set(map(month_of.__getitem__, days)))
        if participant not in returning:
            first_time[month_of[min(days)]] += 1
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(
            MonthFigures(month, firsts[month], per_month[month], people[month], first_time[month])
        )
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _tag_rows(viewer, scope, held: dict[int, EventData], people: dict, events) -> list[TagRow]:
    """Each tag the viewer may report on, with the people of its events in the period
    (`held`, of `events`: a query of their keys, or more)."""
    events_of, names = defaultdict(list), {}
    for event_id, tag_id, name in event_tags(viewer, scope, events):
        if event_id not in held:
            continue
        events_of[tag_id].append(held[event_id])
        names[tag_id] = name
    summaries = people_summaries([_participants(events) for events in events_of.values()], people)
    return [
        TagRow(
            tag_id=tag_id,
            name=names[tag_id],
            languages=sorted({data.language for data in events}),
            people=summary,
        )
        for (tag_id, events), summary in zip(events_of.items(), summaries, strict=True)
    ]


def event_rows(events: list[EventData], people: dict, now) -> list[EventRow]:
    """One row per event, by first day; the gender splits and the sentences' summaries
    hidden together (`cowork.selectors.reports.grid`), as the events' columns add up to the
    report's totals."""
    rows = []
    events = sorted(events, key=lambda d: (min(s.local_day for s in d.sessions), d.pk))
    # Each event's people counted once, for its gender split and its summary.
    counts = [summary_counts(data.participants, people) for data in events]
    splits = [
        [men, women, len(data.participants) - men - women]
        for data, ((men, women, *_rest), _disability) in zip(events, counts, strict=True)
    ]
    gender_splits = suppress_grid(splits)
    summaries = people_summaries([data.participants for data in events], people, counts)
    for data, gender_split, summary in zip(events, gender_splits, summaries, strict=True):
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
                gender_split=gender_split,
                happened=any(s.ends_at <= now for s in data.sessions),
                people=summary,
                language=data.language,
                translations=data.translations,
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
    scope = scope_for(viewer, space_ids=space_ids, tag_ids=tag_ids)
    if end < start:
        raise InvalidInput(_("The period must end after it starts."), code="bad_period")
    now = now or timezone.now()
    filters = {"space_ids": space_ids, "countries": countries, "kinds": kinds, "tag_ids": tag_ids}
    with ahead.reading_ahead():
        return _event_report(viewer, scope, start, end, now, filters)


def _event_report(viewer, scope, start, end, now, filters: dict) -> Report:
    where = event_filter(scope, **filters)
    # The queries to read ahead are built only where they are read (`ahead.active`).
    reading = ahead.active()
    if reading:
        ahead.start(*event_reads(where, start, end))
    shown = _centres_shown_anyway(scope, **filters)
    in_window = events_in_window(where, start, end)
    if reading:
        # The centres whose bookings and walk-ins are counted, as far as known before the
        # events are: read ahead too, and taken if the events add no centre.
        likely = [pk for pk in shown if scope.shows_use_of(pk)]
        ahead.start(bookings_read(likely, start, end), walk_ins_read(likely, start, end))
        # The tags of the events that may be held, taken by those that are.
        ahead.start(event_tags_read(viewer, scope, in_window))
    collected = collect_events(where, start, end)
    centres = _report_centres(collected.held, shown)
    used = [space for space in centres if scope.shows_use_of(space.pk)]
    bookings = period_bookings(used, start, end)
    usage, heat, daily, open_dates = collect_usage(used, start, end, bookings)
    walk_ins = collect_walk_ins(used, start, end, bookings)
    walk_ins.add_to(usage, daily)

    held_by_centre, cancelled_by_centre = defaultdict(list), Counter()
    for data in collected.held.values():
        held_by_centre[data.space_id].append(data)
    for data in collected.cancelled.values():
        cancelled_by_centre[data.space_id] += 1
    centre_people = people_summaries(
        [_participants(held_by_centre[space.pk]) for space in centres], collected.people
    )
    rows = [
        CentreRow(
            space_id=space.pk,
            name=space.name,
            city=space.city,
            country=space.country,
            figures=walk_ins.centre(
                _figures(
                    held_by_centre[space.pk],
                    cancelled_by_centre[space.pk],
                    usage.get(space.pk),
                    now,
                    collected.returning,
                ),
                space.pk,
            ),
            language=space.default_language,
            people=summary,
        )
        for space, summary in zip(centres, centre_people, strict=True)
    ]
    held = list(collected.held.values())
    total_usage = Usage(booked=Counter(), open=Counter(), open_days=open_dates)
    for centre_usage in usage.values():
        total_usage.booked.update(centre_usage.booked)
        total_usage.open.update(centre_usage.open)
        total_usage.visits += centre_usage.visits
    shows_use = not scope.donor_only
    total = _figures(
        held,
        len(collected.cancelled),
        total_usage if shows_use else None,
        now,
        collected.returning,
    )
    total = walk_ins.total(total)
    tables = people_tables(collected.people)
    all_open = {
        cell for kind in UTILIZATION_KINDS for cell, minutes in heat[kind][1].items() if minutes
    }
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    report = Report(
        start=start,
        end=end,
        scope=scope,
        centres=rows,
        total=total,
        breakdowns=tables.breakdowns,
        domains=tables.domains,
        walk_in_breakdowns=walk_ins.breakdowns() if shows_use else [],
        people=people_summary(collected.people, collected.people),
        tags=_tag_rows(viewer, scope, collected.held, collected.people, in_window),
        months=_months(start, end, held, collected, now),
        daily_visits=[DayVisits(day, daily[day]) for day in days] if shows_use else [],
        heat_maps=[
            _heat_map(kind, heat[kind][0], heat[kind][1], all_open) for kind in UTILIZATION_KINDS
        ]
        if shows_use
        else [],
        events=event_rows(held, collected.people, now),
        rentals=rental_income(spaces=used, start=start, end=end),
        use=space_use(used, start, end, now, bookings) if shows_use else None,
    )
    return rounded_for_donor(report) if scope.donor_only else report
