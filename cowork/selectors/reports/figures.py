"""What a report holds: its figures, rows, series and heat maps, as plain frozen values."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from cowork.models import Event
from cowork.selectors.rentals import RentalIncome
from cowork.selectors.reports.arithmetic import SummedFieldByField, percent_of
from cowork.selectors.reports.dates import month_label
from cowork.selectors.reports.people import PeopleSummary
from cowork.selectors.reports.scope import ReportScope
from cowork.selectors.reports.suppression import Breakdown, Cell
from cowork.selectors.reports.usage import SpaceUse

# How a figure counts: each person once in the period, or each time (attendances, visits).
ONCE = "once"
EACH_TIME = "each_time"


@dataclass(frozen=True)
class Utilization(SummedFieldByField):
    booked_hours: float
    open_hours: float

    @property
    def percent(self) -> float | None:
        return percent_of(self.booked_hours, self.open_hours)


@dataclass(frozen=True)
class Figures:
    """The headline figures of one centre, or of all of them.

    Desk, room and visit figures are None where the viewer may not see them (donors).
    """

    events_held: int = 0
    events_cancelled: int = 0
    registrations: int = 0
    attendances: int = 0  # each time
    unique_participants: int = 0  # once: people who came, across events, in the period
    # Of the unique participants: who came to an event of the same report before the
    # period (returning), and who came for the first time.
    returning_participants: int = 0
    first_time_participants: int = 0
    # Confirmed registrations of events with a past session in the period (no_show_base),
    # and those of them nobody attended at any session (no_shows).
    no_shows: int = 0
    no_show_base: int = 0
    desks: Utilization | None = None
    rooms: Utilization | None = None
    visits: int | None = None  # each time: check-ins and walk-ins
    open_days: int | None = None
    # Of the visits, the walk-ins (each time); the different people who made them (once).
    walk_ins: int | None = None
    visitors: int | None = None

    @property
    def no_show_percent(self) -> float | None:
        return percent_of(self.no_shows, self.no_show_base)

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
    # The centre's first language, for the sentence in the centre's language.
    language: str = "en"
    people: PeopleSummary | None = None


@dataclass(frozen=True)
class MonthFigures:
    month: datetime.date
    events: int
    attendances: int
    participants: int = 0  # once in the month
    first_time: int = 0  # once, in the month of their first visit ever

    @property
    def label(self) -> str:
        return month_label(self.month)


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
    people: PeopleSummary | None = None
    language: str = "en"
    translations: dict = field(default_factory=dict)

    def title_in(self, language: str) -> str:
        return (self.translations.get(language) or {}).get("title") or self.title

    @property
    def kind_label(self) -> str:
        return Event.Kind(self.kind).label


@dataclass(frozen=True)
class TagRow:
    """A project or donor tag of the period's events, and the people those events had."""

    tag_id: int
    name: str
    languages: list[str]
    people: PeopleSummary


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
    domains: list[Breakdown] = field(default_factory=list)
    # Walk-in visits by sex and by age band (each time), suppressed; never a donor's.
    walk_in_breakdowns: list[Breakdown] = field(default_factory=list)
    people: PeopleSummary | None = None
    tags: list["TagRow"] = field(default_factory=list)
    # Rental income of the centres whose use the viewer sees (never a donor's).
    rentals: RentalIncome = field(default_factory=RentalIncome)
    generated_at: datetime.datetime = field(default_factory=timezone.now)
    # The base a donor's counts of people are rounded to (`cowork.selectors.reports.rounding`),
    # or None for exact figures.
    rounded_to: int | None = None
    # Bookings against check-ins, busiest hours, equipment asked for (not for donors).
    use: "SpaceUse | None" = None

    @property
    def shows_use(self) -> bool:
        """Whether the report has desk, room and visit figures at all (not for donors)."""
        return not self.scope.donor_only
