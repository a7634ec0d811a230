"""A report's figures as indicator values, for donors' own systems: IATI results and the
flat file ActivityInfo and KoboToolbox import.

An activity is a project or donor tag of the period's events (what a donor funds); a
network admin's or host's report without a tag filter is one more activity, every event of
the report. Each activity has, per calendar month of the period (cut to the period):

- `events_held`, `attendances`: counts, per centre and over all centres;
- `participants`: people, each counted once in the month, over all centres by sex, age
  band and disability (the Washington Group's cut-off, `people_tables`), and per centre by
  sex and with a disability (`people_summary`).

Every disaggregated value is the suppressed cell the report's tables publish: a hidden
count is a `Cell` with no value ("<5" or "x"), never a number. Totals are published as the
report publishes them. Reads four queries per month for the events, and one for the tags.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Min
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cowork.errors import InvalidInput
from cowork.models import Event, EventSession, Organization, Tag
from cowork.models.people import DisabilityStatus
from cowork.selectors.reports.collection import EventData, collect_events
from cowork.selectors.reports.people import people_summary, people_tables
from cowork.selectors.reports.scope import event_filter, event_tags, scope_for
from cowork.selectors.reports.suppression import NOT_GIVEN, Cell

# Codes are part of the files' format: scripts and import mappings key on them.
EVENTS_HELD = "events_held"
ATTENDANCES = "attendances"
PARTICIPANTS = "participants"
INDICATORS = {
    EVENTS_HELD: gettext_lazy("Events held"),
    ATTENDANCES: gettext_lazy("Attendances (each time)"),
    PARTICIPANTS: gettext_lazy("Participants (each person once)"),
}
INDICATOR_DESCRIPTIONS = {
    EVENTS_HELD: gettext_lazy("Events with a session in the period that were not cancelled."),
    ATTENDANCES: gettext_lazy("Every attendance at a session, each time a person came."),
    PARTICIPANTS: gettext_lazy(
        "People who came to at least one session, each counted once in the period; by sex,"
        " age band and disability (Washington Group short set) where they consented to say."
    ),
}
# The dimensions of a value: sex, age band, disability (each "" when not broken down).
SEX, AGE, DISABILITY = "sex", "age", "disability"
# The report's breakdowns, by the dimension each gives.
_BREAKDOWN_DIMENSIONS = {"gender": SEX, "age_band": AGE, "disability": DISABILITY}
# A centre's people in a sentence's terms (people_summary), as the breakdowns' codes.
_SPLIT_CODES = {"men": "male", "women": "female", "other": "other", "not_given": NOT_GIVEN}
# The row of every centre together.
ALL_CENTRES = ""


@dataclass(frozen=True)
class IndicatorValue:
    indicator: str
    period_start: datetime.date
    period_end: datetime.date
    centre: str
    cell: Cell
    sex: str = ""
    age: str = ""
    disability: str = ""

    @property
    def name(self) -> str:
        return str(INDICATORS[self.indicator])

    @property
    def dimensions(self) -> list[tuple[str, str]]:
        return [
            (name, value)
            for name, value in ((SEX, self.sex), (AGE, self.age), (DISABILITY, self.disability))
            if value
        ]


@dataclass(frozen=True)
class Activity:
    """One IATI activity: a tag's events (tag_id None: the whole report's)."""

    tag_id: int | None
    title: str
    funder: str  # the donor's name, "" for a project tag or the whole report
    identifier: str
    organisation_ref: str
    organisation_name: str
    started_on: datetime.date | None
    values: list[IndicatorValue]


def month_periods(start: datetime.date, end: datetime.date) -> list[tuple]:
    """The calendar months of [start, end], the first and last cut to the period."""
    periods, first = [], start
    while first <= end:
        following = (first.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        last = min(end, following - datetime.timedelta(days=1))
        periods.append((first, last))
        first = following
    return periods


def _count(value: int) -> Cell:
    return Cell(value, str(value))


def _values(events: list[EventData], people: dict, first, last) -> list[IndicatorValue]:
    """The indicator values of `events` in one period: over all centres, then per centre."""
    values: list[IndicatorValue] = []

    def add(indicator, centre, cell, **dimensions):
        values.append(IndicatorValue(indicator, first, last, centre, cell, **dimensions))

    participants = set().union(*(data.participants for data in events))
    add(EVENTS_HELD, ALL_CENTRES, _count(len(events)))
    add(ATTENDANCES, ALL_CENTRES, _count(sum(data.attendances for data in events)))
    add(PARTICIPANTS, ALL_CENTRES, _count(len(participants)))
    tables = people_tables({pk: people[pk] for pk in participants})
    for breakdown in tables.breakdowns:
        dimension = _BREAKDOWN_DIMENSIONS[breakdown.dimension]
        for code, _label, cell in breakdown.rows:
            add(PARTICIPANTS, ALL_CENTRES, cell, **{dimension: code})

    by_centre = defaultdict(list)
    for data in events:
        by_centre[data.centre].append(data)
    for centre in sorted(by_centre):
        held = by_centre[centre]
        ids = set().union(*(data.participants for data in held))
        add(EVENTS_HELD, centre, _count(len(held)))
        add(ATTENDANCES, centre, _count(sum(data.attendances for data in held)))
        add(PARTICIPANTS, centre, _count(len(ids)))
        summary = people_summary(ids, people)
        for key, cell in summary.split.items():
            add(PARTICIPANTS, centre, cell, sex=_SPLIT_CODES[key])
        add(PARTICIPANTS, centre, summary.with_disability, disability=DisabilityStatus.WITH)
    return values


def _identity(tag: Tag | None) -> tuple[str, str, str]:
    """(activity identifier, reporting organisation's identifier, its name)."""
    organisation: Organization | None = tag.organization if tag is not None else None
    if organisation is not None and organisation.iati_identifier:
        ref, name = organisation.iati_identifier, organisation.name
    else:
        ref, name = settings.IATI_ORGANISATION_IDENTIFIER, settings.IATI_ORGANISATION_NAME
    if tag is None:
        return f"{ref}-EVENTS", ref, name
    return tag.iati_identifier or f"{ref}-TAG-{tag.pk}", ref, name


def _first_session_day(where) -> datetime.date | None:
    """The first day any event of `where` that was not cancelled had a session (UTC)."""
    events = Event.objects.filter(where).exclude(status=Event.Status.CANCELLED)
    first = EventSession.objects.filter(event__in=events).aggregate(first=Min("starts_at"))
    return first["first"].date() if first["first"] else None


def report_indicators(
    *, viewer, start: datetime.date, end: datetime.date, **filters
) -> list[Activity]:
    """The activities of the report `event_report(viewer=viewer, start=…, end=…, **filters)`
    would give, each with its indicator values per month.

    Raises NotAllowed as `event_report` does, InvalidInput for a period ending before it starts.
    """
    scope = scope_for(viewer, space_ids=filters.get("space_ids"), tag_ids=filters.get("tag_ids"))
    if end < start:
        raise InvalidInput(_("The period must end after it starts."), code="bad_period")
    where = event_filter(scope, **filters)
    wanted = set(filters.get("tag_ids") or ())
    whole = not scope.donor_only and not wanted
    # A donor's tags are activities even in a period with none of their events.
    tag_ids: set[int] = set(wanted or (scope.donor_tag_ids if scope.donor_only else ()))
    months = []
    for first, last in month_periods(start, end):
        collected = collect_events(where, first, last)
        events_of = defaultdict(list)
        for event_id, tag_id, _name in event_tags(viewer, scope, collected.held):
            if not wanted or tag_id in wanted:
                events_of[tag_id].append(collected.held[event_id])
        events_of[None] = list(collected.held.values())
        tag_ids |= set(events_of) - {None}
        months.append((first, last, collected.people, events_of))
    tags = Tag.objects.select_related("organization").in_bulk(tag_ids)
    activities = []
    keys = ([None] if whole else []) + sorted(tag_ids, key=lambda pk: (tags[pk].name, pk))
    for key in keys:
        tag = tags.get(key) if key is not None else None
        identifier, ref, name = _identity(tag)
        values = [
            value
            for first, last, people, events_of in months
            for value in _values(events_of.get(key, []), people, first, last)
        ]
        activities.append(
            Activity(
                tag_id=key,
                title=tag.name if tag else _("Events of the community centres"),
                funder=tag.name if tag and tag.kind == Tag.Kind.DONOR else "",
                identifier=identifier,
                organisation_ref=ref,
                organisation_name=name,
                started_on=_first_session_day(event_filter(scope, tag_ids=[key]) if key else where),
                values=values,
            )
        )
    return activities
