"""Walk-ins in a report: visits added to the check-ins, visitors counted once, and the
walk-ins by sex and age band, suppressed.

How a walk-in counts is `cowork.selectors.visits`'s rule, as on the live pages: a walk-in
linked to a member who checked in at the same centre that local day adds neither a visit
nor a person. "Visitors" count people once in the period: members by their account across
check-ins and walk-ins, other walk-ins by their participant record or their phone's
fingerprint, and each anonymous walk-in as one person (nothing tells two apart).

One query, whatever the period: the walk-ins (the check-ins' people are the report's
bookings', `bookings.period_bookings`).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from operator import itemgetter

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from cowork.models import Space, WalkIn
from cowork.models.people import AgeBand, Gender
from cowork.selectors.reports import ahead
from cowork.selectors.reports.bookings import PeriodBookings
from cowork.selectors.reports.figures import Figures
from cowork.selectors.reports.suppression import (
    NOT_GIVEN,
    NOT_GIVEN_LABEL,
    Breakdown,
    suppress_row,
)
from cowork.selectors.visits import WALK_IN_FIELDS, WalkInTally, tally_walk_ins

# A row read: WALK_IN_FIELDS (space, day, member, participant, phone), sex, age band.
_WALK_IN_ROW = itemgetter(0, 1, 2, 3, 4)
_DAY, _GENDER, _AGE_BAND = itemgetter(1), itemgetter(5), itemgetter(6)

WALK_IN_DIMENSIONS = [
    ("gender", gettext_lazy("Sex"), Gender.choices),
    ("age_band", gettext_lazy("Age band"), AgeBand.choices),
]


@dataclass
class CollectedWalkIns:
    # Per centre: walk-in visits counted, and the people they and the check-ins bring.
    tallies: dict[int, WalkInTally] = field(default_factory=dict)
    users: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    daily: Counter = field(default_factory=Counter)
    # Counted walk-ins by sex and by age band (codes; "" for not given).
    answers: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add_to(self, usage: dict, daily: Counter) -> None:
        """Add the walk-in visits to the centres' check-in visits and the daily series."""
        for space_id, tally in self.tallies.items():
            if space_id in usage:
                usage[space_id].visits += tally.visits
        daily.update(self.daily)

    def centre(self, figures: Figures, space_id: int) -> Figures:
        """`figures` of one centre with its walk-ins and visitors (None: not shown)."""
        if figures.visits is None:
            return figures
        tally = self.tallies.get(space_id, WalkInTally())
        return replace(
            figures, walk_ins=tally.visits, visitors=tally.people(self.users.get(space_id, ()))
        )

    def total(self, figures: Figures) -> Figures:
        if figures.visits is None:
            return figures
        known, anonymous = set(), 0
        for tally in self.tallies.values():
            known |= tally.known
            anonymous += tally.anonymous
        users = {f"u{user}" for ids in self.users.values() for user in ids}
        return replace(
            figures,
            walk_ins=sum(tally.visits for tally in self.tallies.values()),
            visitors=len(known | users) + anonymous,
        )

    def breakdowns(self) -> list[Breakdown]:
        """Counted walk-ins by sex and by age band, each row suppressed."""
        total = sum(tally.visits for tally in self.tallies.values())
        tables = []
        for dimension, title, choices in WALK_IN_DIMENSIONS:
            counted = self.answers[dimension]
            categories = [*choices, (NOT_GIVEN, NOT_GIVEN_LABEL)]
            counts = [counted[code] for code, _label in choices] + [counted[""]]
            tables.append(
                Breakdown(
                    dimension=dimension,
                    title=str(title),
                    categories=[(code, str(label)) for code, label in categories],
                    cells=suppress_row(counts),
                    total=total,
                )
            )
        return tables


def walk_ins_read(space_ids, start, end) -> QuerySet | None:
    """The one query of `collect_walk_ins` for the centres `space_ids` (None without any)."""
    if not space_ids:
        return None
    return (
        WalkIn.objects.filter(space_id__in=sorted(space_ids), day__gte=start, day__lte=end)
        .order_by()
        .values_list(*WALK_IN_FIELDS, "gender", "age_band")
    )


def collect_walk_ins(
    centres: list[Space], start, end, bookings: PeriodBookings
) -> CollectedWalkIns:
    """The walk-ins of `centres` on local days [start, end], counted beside the check-ins
    (`bookings.check_ins`: the report's, read once)."""
    ids = [space.pk for space in centres]
    collected = CollectedWalkIns()
    if not ids:
        return collected
    check_ins = set(bookings.check_ins)
    for space_id, _day, user_id in check_ins:
        collected.users[space_id].add(user_id)
    rows = ahead.rows(walk_ins_read(ids, start, end))
    # A walk-in linked to a member checked in at the centre that local day counts for
    # nothing (`cowork.selectors.visits`): left out here, as `tally_walk_ins` would.
    by_space = defaultdict(list)
    for row in rows:
        if row[2] is None or row[:3] not in check_ins:
            by_space[row[0]].append(row)
    for space_id in ids:
        kept = by_space[space_id]
        collected.tallies[space_id] = tally_walk_ins(map(_WALK_IN_ROW, kept), set())
        collected.daily.update(map(_DAY, kept))
        collected.answers["gender"].update(map(_GENDER, kept))
        collected.answers["age_band"].update(map(_AGE_BAND, kept))
    return collected
