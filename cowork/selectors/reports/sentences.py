"""The sentences donors paste into their own reports: per event, per centre, per project
or donor tag, and for the whole period, in English and in the centre's language.

Every sentence counts people once (unique participants), never attendances, and says it
as the tables do: a gender split with a hidden cell is left out whole, and "with a
disability" is given only when its cell is shown ("fewer than 5" when it is small).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cowork.selectors.reports.collection import collect_events
from cowork.selectors.reports.dates import day_span, period_label
from cowork.selectors.reports.figures import EventRow, Report
from cowork.selectors.reports.people import PeopleSummary
from cowork.selectors.reports.report import event_rows
from cowork.selectors.reports.rounding import rounded_event_row
from cowork.selectors.reports.scope import event_filter, scope_for
from cowork.selectors.reports.suppression import SMALL_MARK, Cell

# The language a donor reads; the centre's language is shown beside it.
DONOR_LANGUAGE = "en"


def _split(split: dict[str, Cell]) -> str:
    """ "180 men; 129 women; 3 not given" — or "" when any of the counts is hidden."""
    if any(cell.hidden for cell in split.values()):
        return ""
    forms = {
        "men": lambda n: ngettext("%(count)d man", "%(count)d men", n),
        "women": lambda n: ngettext("%(count)d woman", "%(count)d women", n),
        "other": lambda n: ngettext("%(count)d other", "%(count)d other", n),
        "not_given": lambda n: ngettext("%(count)d not given", "%(count)d not given", n),
    }
    parts = [
        forms[key](cell.value) % {"count": cell.value} for key, cell in split.items() if cell.value
    ]
    return _("; ").join(parts)


def _disability(cell: Cell) -> str:
    if cell.shown == SMALL_MARK:
        return _("fewer than 5 with a disability")
    if cell.hidden or not cell.value:
        return ""
    return ngettext("%(count)d with a disability", "%(count)d with a disability", cell.value) % {
        "count": cell.value
    }


def people_phrase(summary: PeopleSummary) -> str:
    """ "312 participants (180 men; 129 women; 3 not given), 14 with a disability"."""
    count = summary.participants
    phrase = ngettext("%(count)d participant", "%(count)d participants", count) % {"count": count}
    split = _split(summary.split)
    if split:
        phrase = _("%(participants)s (%(split)s)") % {"participants": phrase, "split": split}
    disability = _disability(summary.with_disability)
    if disability:
        phrase = _("%(participants)s, %(disability)s") % {
            "participants": phrase,
            "disability": disability,
        }
    return phrase


def _once(phrases: dict | None, key, write) -> str:
    """`write()`, or what it wrote for `key` already in `phrases` (of one language)."""
    if phrases is None:
        return write()
    found = phrases.get(key)
    if found is None:
        found = phrases[key] = write()
    return found


def event_sentence(
    row: EventRow, *, language: str | None = None, phrases: dict | None = None
) -> str:
    """ "Round-table on e-government, Ganja, March 12: 57 participants (35 men; 22 women)".

    `phrases`: what is written already in the active language — the wording, the people
    phrases by summary, the days: a year's events share a few hundred of each."""
    if row.happened:
        summary = row.people
        people = _once(
            phrases,
            (summary.participants, tuple(summary.split.items()), summary.with_disability),
            lambda: people_phrase(summary),
        )
    else:
        count = row.registrations
        people = _once(
            phrases,
            ("registered", count),
            lambda: (
                ngettext("%(count)d registered so far", "%(count)d registered so far", count)
                % {"count": count}
            ),
        )
    wording = _once(phrases, "event", lambda: _("%(title)s, %(city)s, %(when)s: %(people)s"))
    return wording % {
        "title": row.title_in(language) if language else row.title,
        "city": row.city,
        "when": _once(
            phrases, (row.first_day, row.last_day), lambda: day_span(row.first_day, row.last_day)
        ),
        "people": people,
    }


def _subject_sentence(subject: str, report: Report, summary: PeopleSummary) -> str:
    return _("%(subject)s, %(period)s: %(people)s") % {
        "subject": subject,
        "period": period_label(report.start, report.end),
        "people": people_phrase(summary),
    }


@dataclass(frozen=True)
class DonorSentence:
    """One sentence in the donor's language and in each language of the centres concerned
    (other than the donor's): [(language code, text)], the donor's first."""

    kind: str  # "period", "centre", "tag" or "event"
    texts: list[tuple[str, str]]


def _languages(languages) -> list[str]:
    """The donor's language first, then the others in order."""
    return [DONOR_LANGUAGE, *sorted(set(languages) - {DONOR_LANGUAGE})]


def _in_languages(wanted: list[tuple[str, list[str], object]]) -> list[DonorSentence]:
    """Each (kind, languages, write) as a DonorSentence, `write(language, phrases)` called
    with `language` active. Written language by language: one switch of language for
    each, not for each sentence, and the people phrases of one language written once."""
    texts: dict[str, dict[int, str]] = defaultdict(dict)
    for language in sorted({code for _kind, codes, _write in wanted for code in codes}):
        phrases: dict = {}
        with translation.override(language):
            for index, (_kind, codes, write) in enumerate(wanted):
                if language in codes:
                    texts[language][index] = write(language, phrases)
    return [
        DonorSentence(kind, [(code, texts[code][index]) for code in codes])
        for index, (kind, codes, _write) in enumerate(wanted)
    ]


def donor_sentences(report: Report, events: list[EventRow] | None = None) -> list[DonorSentence]:
    """The sentences of a report: the period, then each centre, tag and event of `events`
    (every event of the report by default; a page shows those of its rows)."""
    wanted = [
        (
            "period",
            _languages(
                {row.language for row in report.centres if row.people and row.people.participants}
            ),
            lambda _language, _phrases: _subject_sentence(_("In total"), report, report.people),
        )
    ]
    for centre in report.centres:
        if centre.people and centre.people.participants:
            wanted.append(
                (
                    "centre",
                    _languages([centre.language]),
                    lambda _l, _p, centre=centre: _subject_sentence(
                        centre.name, report, centre.people
                    ),
                )
            )
    for tag in report.tags:
        wanted.append(
            (
                "tag",
                _languages(tag.languages),
                lambda _l, _p, tag=tag: _subject_sentence(tag.name, report, tag.people),
            )
        )
    for row in report.events if events is None else events:
        wanted.append(
            (
                "event",
                _languages([row.language]),
                lambda language, phrases, row=row: event_sentence(
                    row, language=language, phrases=phrases
                ),
            )
        )
    return _in_languages(wanted)


def event_sentences(
    *,
    viewer,
    start: datetime.date,
    end: datetime.date,
    now: datetime.datetime | None = None,
    **filters,
) -> list[str]:
    """One sentence per event of the period, in the active language.

    `filters` are `event_report`'s (space_ids, countries, kinds, tag_ids). Reads only the
    events (four queries); `event_report(...).events` gives the same rows.
    """
    scope = scope_for(viewer, space_ids=filters.get("space_ids"), tag_ids=filters.get("tag_ids"))
    now = now or timezone.now()
    collected = collect_events(event_filter(scope, **filters), start, end)
    rows = event_rows(list(collected.held.values()), collected.people, now)
    if scope.donor_only:
        rows = [rounded_event_row(row) for row in rows]
    return [event_sentence(row) for row in rows]
