"""The report's tables, shared by the page and the exports.

The page and both exports build their tables with one function (`report_tables`), from one
call of the selector, so a number on the page is the number in the files. The tables hold
only aggregates and event titles: never a participant's name or phone, nor an organizer's.
Hidden small counts arrive from the selector as "<5" or "x"; nothing here can see them.
"""

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from cowork.models.people import DisabilityStatus
from cowork.selectors.reports.figures import EventRow, Report
from cowork.selectors.reports.sentences import DonorSentence, donor_sentences, event_sentence
from cowork.selectors.reports.suppression import HIDDEN_MARK, SMALL_MARK
from cowork.web.reports.filters import COUNTRY_NAMES
from cowork.web.reports.table import Table, weekday_hour_table
from cowork.web.reports.usage import USE_NOTE, use_tables
from cowork.web.reports.visits import walk_in_table_header, walk_in_table_rows

KIND_LABELS = {"room": gettext_lazy("Rooms"), "desk": gettext_lazy("Desks")}


def _hours(value: float) -> float:
    return round(value, 1)


# How a figure counts, in the Totals table's third column.
ONCE_LABEL = gettext_lazy("people, once each")
EACH_TIME_LABEL = gettext_lazy("each time")


def _totals_rows(report: Report) -> list[list]:
    figures = report.total
    once, each = str(ONCE_LABEL), str(EACH_TIME_LABEL)
    rows = [
        [_("First day"), report.start.isoformat(), None],
        [_("Last day"), report.end.isoformat(), None],
        [_("Events held"), figures.events_held, None],
        [_("Events cancelled"), figures.events_cancelled, None],
        [_("Registrations"), figures.registrations, each],
        [_("Attendances"), figures.attendances, each],
        [_("Unique participants"), figures.unique_participants, once],
        [_("First-time participants"), figures.first_time_participants, once],
        [_("Returning participants"), figures.returning_participants, once],
        [_("Confirmed registrations of past events"), figures.no_show_base, each],
        [_("No-shows"), figures.no_shows, each],
        [_("No-show rate (%)"), figures.no_show_percent, None],
    ]
    if report.shows_use:
        rows += [
            [_("Desk hours booked"), _hours(figures.desks.booked_hours), None],
            [_("Desk hours open"), _hours(figures.desks.open_hours), None],
            [_("Desk utilization (%)"), figures.desks.percent, None],
            [_("Room hours booked"), _hours(figures.rooms.booked_hours), None],
            [_("Room hours open"), _hours(figures.rooms.open_hours), None],
            [_("Room utilization (%)"), figures.rooms.percent, None],
            [_("Visits (check-ins and walk-ins)"), figures.visits, each],
            [_("Walk-in visits"), figures.walk_ins, each],
            [_("Different visitors"), figures.visitors, once],
            [_("Days open"), figures.open_days, None],
            [_("Visits per day open"), figures.visits_per_open_day, None],
        ]
    return rows


def _shown(cell):
    return cell.value if not cell.hidden else cell.shown


def _domain_rows(report: Report) -> list[list]:
    return [[row.title, *(_shown(cell) for cell in row.cells)] for row in report.domains]


def _sentence_rows(sentences: list[DonorSentence]) -> list[list]:
    kinds = {
        "period": _("Period"),
        "centre": _("Centre"),
        "tag": _("Project or donor"),
        "event": _("Event"),
    }
    return [
        [kinds[sentence.kind], language, text]
        for sentence in sentences
        for language, text in sentence.texts
    ]


def _summaries(events: list[EventRow], sentences: list[DonorSentence]) -> list[str]:
    """Each event's sentence in the active language: the donor sentence's own text where it
    is in that language (written alike), else written here."""
    language, phrases = get_language(), {}
    texts = [dict(sentence.texts) for sentence in sentences if sentence.kind == "event"]
    return [
        found[language] if language in found else event_sentence(row, phrases=phrases)
        for row, found in zip(events, texts, strict=True)
    ]


def _centre_row(name, city, country, figures, *, shows_use: bool) -> list:
    row = [
        name,
        city,
        country,
        figures.events_held,
        figures.events_cancelled,
        figures.registrations,
        figures.attendances,
        figures.unique_participants,
        figures.first_time_participants,
        figures.returning_participants,
        figures.no_show_percent,
    ]
    if shows_use:
        # None (an empty cell) for a centre whose use is not the viewer's to see.
        row += [
            figures.desks.percent if figures.desks else None,
            figures.rooms.percent if figures.rooms else None,
            figures.visits,
            figures.visits_per_open_day,
            figures.walk_ins,
            figures.visitors,
        ]
    return row


def report_tables(
    report: Report,
    events: list[EventRow] | None = None,
    sentences: list[DonorSentence] | None = None,
) -> list[Table]:
    """Every table of the report, in the order of the XLSX sheets and the CSV sections.

    `events`: the report's events the Events and Sentences tables hold, every one by
    default (the files); a page of them on the report page. `sentences`: their
    `donor_sentences`, if the caller has them already.
    """
    shows_use = report.shows_use
    events = report.events if events is None else events
    if sentences is None:
        sentences = donor_sentences(report, events)
    summaries = _summaries(events, sentences)
    centres = [
        _centre_row(
            row.name,
            row.city,
            str(COUNTRY_NAMES.get(row.country, "")),
            row.figures,
            shows_use=shows_use,
        )
        for row in report.centres
    ]
    centres.append(_centre_row(_("All centres"), None, None, report.total, shows_use=shows_use))
    use_header = [
        _("Desk utilization (%)"),
        _("Room utilization (%)"),
        _("Visits"),
        _("Visits per day open"),
        _("Walk-in visits"),
        _("Different visitors"),
    ]
    tables = [
        Table(
            key="totals",
            sheet="Totals",
            title=_("Totals"),
            header=[_("Figure"), _("Value"), _("Counts")],
            rows=_totals_rows(report),
            text_columns=frozenset({2}),
        ),
        Table(
            key="centres",
            sheet="Centres",
            title=_("Centres"),
            header=[
                _("Centre"),
                _("City"),
                _("Country"),
                _("Events held"),
                _("Events cancelled"),
                _("Registrations"),
                _("Attendances"),
                _("Unique participants"),
                _("First-time participants"),
                _("Returning participants"),
                _("No-show rate (%)"),
                *(use_header if shows_use else []),
            ],
            rows=centres,
            text_columns=frozenset({1, 2}),
        ),
        Table(
            key="breakdown",
            sheet="Breakdown",
            title=_("Attendees by gender, age band and disability"),
            header=[_("Breakdown"), _("Answer"), _("Attendees")],
            rows=[
                [breakdown.title, label, _shown(cell)]
                for breakdown in report.breakdowns
                for _code, label, cell in breakdown.rows
            ],
            row_header_columns=2,
        ),
        Table(
            key="events",
            sheet="Events",
            title=_("Events"),
            header=[
                _("Event"),
                _("Kind"),
                _("Centre"),
                _("City"),
                _("First day"),
                _("Last day"),
                _("Registrations"),
                _("Attendances"),
                _("Participants"),
                _("Men"),
                _("Women"),
                _("Others or not stated"),
                _("Summary"),
            ],
            rows=[
                [
                    row.title,
                    str(row.kind_label),
                    row.centre,
                    row.city,
                    row.first_day.isoformat(),
                    row.last_day.isoformat(),
                    row.registrations,
                    row.attendances,
                    row.participants,
                    *[_shown(cell) for cell in row.gender_split],
                    summary,
                ]
                for row, summary in zip(events, summaries, strict=True)
            ],
            text_columns=frozenset({1, 2, 3, 4, 5, 12}),
        ),
        Table(
            key="domains",
            sheet="Disability by domain",
            title=_("Attendees by Washington Group domain"),
            header=[
                _("Domain"),
                *(
                    label
                    for _code, label in (report.domains[0].categories if report.domains else [])
                ),
            ],
            rows=_domain_rows(report),
        ),
        Table(
            key="months",
            sheet="Months",
            title=_("By month"),
            header=[
                _("Month"),
                _("Events held"),
                _("Attendances"),
                _("Participants"),
                _("First-time participants"),
            ],
            rows=[
                [m.month.strftime("%Y-%m"), m.events, m.attendances, m.participants, m.first_time]
                for m in report.months
            ],
        ),
        Table(
            key="sentences",
            sheet="Sentences",
            title=_("Sentences for donors' reports"),
            header=[_("For"), _("Language"), _("Sentence")],
            rows=_sentence_rows(sentences),
            text_columns=frozenset({1, 2}),
        ),
        Table(
            key="visits",
            sheet="Daily visits",
            title=_("Visits per day"),
            header=[_("Day"), _("Visits")],
            rows=[[d.day.isoformat(), d.visits] for d in report.daily_visits],
        ),
        Table(
            key="walk_ins",
            sheet="Walk-ins",
            title=_("Walk-in visits by sex and age band"),
            header=walk_in_table_header(),
            rows=walk_in_table_rows(report),
            row_header_columns=2,
        ),
        weekday_hour_table(
            key="heat",
            sheet="Heat map",
            title=_("Share of open time booked, by weekday and hour"),
            value_header=_("Booked (%)"),
            maps=report.heat_maps,
            labels=KIND_LABELS,
            values=lambda heat: heat.percent,
        ),
        Table(
            key="notes",
            sheet="Notes",
            title=_("Notes"),
            header=[_("Mark"), _("Meaning")],
            rows=[[str(mark), str(meaning)] for mark, meaning in [*MARKS, *notes_of(report)]],
            text_columns=frozenset({1}),
        ),
    ]
    tables.insert(-1, _rentals_table(report))
    tables[-1:-1] = use_tables(report)
    # Visits, the heat maps and rental income are centre use, which a donor's report leaves
    # out whole.
    return [
        table
        for table in tables
        if shows_use or table.key not in ("visits", "walk_ins", "heat", "rentals")
    ]


def _rentals_table(report: Report) -> Table:
    """Rental income per centre, then per currency over all centres (never summed across
    currencies)."""
    rentals = report.rentals
    return Table(
        key="rentals",
        sheet="Rental income",
        title=_("Rental income"),
        header=[_("Centre"), _("Currency"), _("Rentals"), _("Paid"), _("Not paid"), _("Total")],
        rows=[
            [row.space_name, row.currency, row.rentals, row.paid, row.unpaid, row.total]
            for row in rentals.rows
        ]
        + [
            [_("All centres"), row.currency, row.rentals, row.paid, row.unpaid, row.total]
            for row in rentals.totals
        ],
        text_columns=frozenset({1}),
    )


MARKS = [
    (SMALL_MARK, gettext_lazy("between 1 and 4, hidden to protect the people counted")),
    (
        HIDDEN_MARK,
        gettext_lazy(
            "hidden too, so that a hidden small number cannot be worked out from the total"
        ),
    ),
]

# How the report counts, said where the figures are (the page's notes, the Notes sheet).
NOTES = [
    (
        ONCE_LABEL,
        gettext_lazy(
            "each person counted once in the period, across events and visits (unique"
            " participants); first-time participants came to none of this report's events"
            " before the period, returning participants did"
        ),
    ),
    (EACH_TIME_LABEL, gettext_lazy("every attendance, registration or visit counted")),
    (
        gettext_lazy("Different visitors"),
        gettext_lazy(
            "people who checked in or walked in, each once: by their account, or by the phone"
            " they gave at the door; a walk-in who gave no phone counts as one person each time"
        ),
    ),
    (
        DisabilityStatus.WITH.label,
        gettext_lazy(
            "at least one of the six Washington Group domains answered “a lot of"
            " difficulty” or “cannot do at all”. The old yes/no question"
            " counts only for people who answered none of the six (yes: with, no: without);"
            " anything else is “not known”. Only consented answers are read."
        ),
    ),
]

ROUNDED_LABEL = gettext_lazy("rounded")
ROUNDED_NOTE = gettext_lazy(
    "every count of people in this report is rounded to a multiple of 5 (1 to 4 show as 5;"
    " the same count always rounds alike), so that no two reports can be subtracted to reveal"
    " a few people. Totals are rounded on their own and may differ from the sum of their rows."
    " Counts of events are exact."
)
USE_LABEL = gettext_lazy("use of the space")


def notes_of(report: Report) -> list:
    """NOTES, with what only some reports need: rounding (a donor's), the use of the space."""
    notes = list(NOTES)
    if report.rounded_to:
        notes.append((ROUNDED_LABEL, ROUNDED_NOTE))
    if report.use is not None:
        notes.append((USE_LABEL, USE_NOTE))
    return notes
