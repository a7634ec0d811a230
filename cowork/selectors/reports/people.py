"""The people a report counts: their consented answers, who came before, and what the
breakdowns and the donors' sentences say of them, suppressed.

Disability is decided by `cowork.models.people.disability_status` alone (the Washington
Group's cut-off; the old yes/no answer only for someone who answered none of the six
domains). It runs in Python over the rows the report fetches anyway, once per person: the
number of queries does not grow with the number of people.
"""

import datetime
import zoneinfo
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

from django.db.models import BooleanField, ExpressionWrapper, Min, Q
from django.utils.translation import gettext_lazy

from cowork.models import Attendance, Event
from cowork.models.people import (
    WG_DOMAINS,
    AgeBand,
    DisabilityStatus,
    Gender,
    WGAnswer,
    disability_status,
)
from cowork.selectors.reports.suppression import (
    NOT_GIVEN,
    NOT_GIVEN_LABEL,
    Breakdown,
    Cell,
    suppress_row,
)

UTC = datetime.UTC
NOT_ANSWERED = "not_answered"
NOT_ANSWERED_LABEL = gettext_lazy("Not answered")
# The domains' names as donors' tables give them, in the Washington Group's order.
DOMAIN_LABELS = {
    "wg_seeing": gettext_lazy("Seeing"),
    "wg_hearing": gettext_lazy("Hearing"),
    "wg_walking": gettext_lazy("Walking or climbing steps"),
    "wg_remembering": gettext_lazy("Remembering or concentrating"),
    "wg_self_care": gettext_lazy("Self-care"),
    "wg_communicating": gettext_lazy("Communicating"),
}
# Fields read for each attendance, after the consent: gender, age band, old answer, domains.
PERSON_FIELDS = ("gender", "age_band", "disability", *WG_DOMAINS)
_NOBODY_KNOWN = ("",) * len(WG_DOMAINS)


class Person(NamedTuple):
    """What a report may read of one participant: "" everywhere without consent.

    `disability` is a DisabilityStatus (or "" without consent); `domains` the six answers.
    """

    gender: str
    age_band: str
    disability: str
    domains: tuple[str, ...]


NO_CONSENT = Person("", "", "", _NOBODY_KNOWN)


def person_from(consented, gender, age_band, disability, *domains) -> Person:
    """A participant's row as a report reads it; nothing without a recorded consent."""
    if not consented:
        return NO_CONSENT
    status = disability_status(wg_answers=domains, disability=disability)
    return Person(gender, age_band, str(status), tuple(domains))


def participant_fields(prefix: str) -> list:
    """The `values_list` fields `person_from` takes, the consent first: whether one was
    recorded (a year's attendances are tens of thousands of rows, and the driver parsed
    each one's consent time only for it to be compared with None)."""
    consented = ExpressionWrapper(
        Q(**{f"{prefix}demographics_consent_at__isnull": False}), output_field=BooleanField()
    )
    return [consented, *(f"{prefix}{name}" for name in PERSON_FIELDS)]


def returning_participants(where: Q, start: datetime.date, period_attendances) -> set[int]:
    """Of the people who came in the period, those who came to an event of the same report
    (`where`) on a local day before `start`: one query, grouped in the database."""
    # Every session of a local day before `start` starts before this instant.
    cutoff = datetime.datetime.combine(start, datetime.time(0), tzinfo=UTC) + datetime.timedelta(
        hours=14
    )
    rows = (
        Attendance.objects.filter(
            session__event__in=Event.objects.filter(where).exclude(status=Event.Status.CANCELLED),
            session__starts_at__lt=cutoff,
            participant_id__in=period_attendances.values("participant_id"),
        )
        .values("participant_id", "session__event__space__time_zone")
        .annotate(first=Min("session__starts_at"))
        .order_by()
    )
    zones: dict = {}
    returning = set()
    for row in rows:
        name = row["session__event__space__time_zone"]
        if name not in zones:
            zones[name] = zoneinfo.ZoneInfo(name)
        if row["first"].astimezone(zones[name]).date() < start:
            returning.add(row["participant_id"])
    return returning


# --- Breakdowns -------------------------------------------------------------------------

BREAKDOWN_DIMENSIONS = [
    ("gender", gettext_lazy("Gender"), Gender.choices),
    ("age_band", gettext_lazy("Age band"), AgeBand.choices),
    ("disability", gettext_lazy("Disability (Washington Group)"), DisabilityStatus.choices),
]
DOMAIN_CATEGORIES = [
    *WGAnswer.choices,
    (NOT_ANSWERED, NOT_ANSWERED_LABEL),
]


def _counts(values: Iterable[str], codes: list[str]) -> list[int]:
    counted = Counter(values)
    return [counted[code] for code in codes]


def _suppress_together(rows: list[list[int]], groups: list[list[tuple[int, int]]]):
    """Each row suppressed; a cell of a group ((row, column) pairs) hidden in one row is
    hidden, and protected, in all of the group's rows: those cells count nearly the same
    people, so one shown would give away another hidden."""
    protect: dict[int, set[int]] = {n: set() for n in range(len(rows))}
    while True:
        cells = [suppress_row(counts, protect=protect[n]) for n, counts in enumerate(rows)]
        grown = False
        for group in groups:
            if any(cells[n][column].hidden for n, column in group):
                for n, column in group:
                    grown |= column not in protect[n]
                    protect[n].add(column)
        if not grown:
            return cells


@dataclass(frozen=True)
class PeopleTables:
    breakdowns: list[Breakdown]
    # One row per Washington Group domain: people by answer level, suppressed.
    domains: list[Breakdown]


def people_tables(people: dict[int, Person]) -> PeopleTables:
    """Attendees by gender, age band and disability, and by each of the six domains.

    Someone without consent is "Not given" in every table, and someone who answered only
    the old question is "Not answered" in each domain: if such a cell is hidden anywhere,
    it is hidden, and protected, everywhere it repeats.
    """
    persons = list(people.values())
    specs = []
    for position, (dimension, title, choices) in enumerate(BREAKDOWN_DIMENSIONS):
        known = {code for code, _label in choices}
        values = [p[position] if p[position] in known else NOT_GIVEN for p in persons]
        specs.append((dimension, title, [*choices, (NOT_GIVEN, NOT_GIVEN_LABEL)], values))
    for index, field in enumerate(WG_DOMAINS):
        values = [
            NOT_GIVEN if p is NO_CONSENT else p.domains[index] or NOT_ANSWERED for p in persons
        ]
        categories = [*DOMAIN_CATEGORIES, (NOT_GIVEN, NOT_GIVEN_LABEL)]
        specs.append((field, DOMAIN_LABELS[field], categories, values))
    rows = [_counts(values, [code for code, _l in categories]) for *_x, categories, values in specs]
    n_dims = len(BREAKDOWN_DIMENSIONS)
    groups = [
        [(n, len(counts) - 1) for n, counts in enumerate(rows)],
        [(n, len(DOMAIN_CATEGORIES) - 1) for n in range(n_dims, len(rows))],
    ]
    cells = _suppress_together(rows, groups)
    tables = [
        Breakdown(
            dimension=dimension,
            title=str(title),
            categories=[(code, str(label)) for code, label in categories],
            cells=row,
            total=len(persons),
        )
        for (dimension, title, categories, _values), row in zip(specs, cells, strict=True)
    ]
    return PeopleTables(breakdowns=tables[:n_dims], domains=tables[n_dims:])


# --- What a sentence says of a group of people --------------------------------------------

# The gender split of a sentence: men, women, other, and everyone else (not given).
SPLIT = ("men", "women", "other", "not_given")
DISABILITY_ROW = (
    DisabilityStatus.WITH,
    DisabilityStatus.WITHOUT,
    DisabilityStatus.UNKNOWN,
    NOT_GIVEN,
)


@dataclass(frozen=True)
class PeopleSummary:
    """A group of people, single-counted, as a sentence gives them (suppressed)."""

    participants: int
    split: dict[str, Cell]
    with_disability: Cell


_GENDER_AND_DISABILITY = itemgetter(0, 2)


def summary_counts(ids: Iterable[int], people: dict[int, Person]) -> tuple[list, list]:
    """The counts behind a summary: the gender split (SPLIT) and the disability row
    (DISABILITY_ROW), before suppression."""
    ids = ids if isinstance(ids, set | frozenset) else set(ids)
    # Everyone's (gender, disability) counted at once: a report summarizes thousands of
    # groups (events, centres, tags).
    pairs = Counter(map(_GENDER_AND_DISABILITY, map(people.__getitem__, ids)))
    genders, statuses = Counter(), Counter()
    for (gender, disability), n in pairs.items():
        genders[gender] += n
        statuses[disability or NOT_GIVEN] += n
    men, women, other = genders[Gender.MALE], genders[Gender.FEMALE], genders[Gender.OTHER]
    return (
        [men, women, other, len(ids) - men - women - other],
        [statuses[code] for code in DISABILITY_ROW],
    )


def people_summary(
    ids: Iterable[int],
    people: dict[int, Person],
    *,
    protect_split: Iterable[int] = (),
    protect_disability: Iterable[int] = (),
) -> PeopleSummary:
    """`ids` summarized; `protect_*`: cells (by index) hidden whatever their count, for a
    sibling summary's sake (`cowork.selectors.reports.grid`)."""
    ids = set(ids)
    split_counts, disability_counts = summary_counts(ids, people)
    return summary_of(
        len(ids),
        split_counts,
        disability_counts,
        protect_split=protect_split,
        protect_disability=protect_disability,
    )


def summary_of(
    participants: int,
    split_counts: list[int],
    disability_counts: list[int],
    *,
    protect_split: Iterable[int] = (),
    protect_disability: Iterable[int] = (),
    suppress=suppress_row,
) -> PeopleSummary:
    """The summary of `participants` people from their `summary_counts`; `suppress`:
    `suppress_row`, or one that remembers its answers (`grid.remembering_suppress_row`)."""
    split = suppress(split_counts, protect=protect_split)
    # As in the tables: "not given" hidden in one row is hidden, and protected, in the other.
    disability = suppress(
        disability_counts,
        protect=[*protect_disability, *([len(DISABILITY_ROW) - 1] if split[-1].hidden else [])],
    )
    return PeopleSummary(
        participants=participants,
        split=dict(zip(SPLIT, split, strict=True)),
        with_disability=disability[0],
    )
