"""The sentences donors paste into their own reports, one per event."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cowork.selectors.reports.collection import collect_events
from cowork.selectors.reports.dates import day_span
from cowork.selectors.reports.figures import EventRow
from cowork.selectors.reports.report import event_rows
from cowork.selectors.reports.scope import event_filter, scope_for
from cowork.selectors.reports.suppression import Cell


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
        "when": day_span(row.first_day, row.last_day),
        "people": people,
    }


def event_sentences(
    *,
    viewer,
    start: datetime.date,
    end: datetime.date,
    now: datetime.datetime | None = None,
    **filters,
) -> list[str]:
    """One sentence per event of the period, in the style of donors' reports.

    `filters` are `event_report`'s (space_ids, countries, kinds, tag_ids). Reads only the
    events (three queries); `event_report(...).events` gives the same rows.
    """
    scope = scope_for(viewer, space_ids=filters.get("space_ids"), tag_ids=filters.get("tag_ids"))
    now = now or timezone.now()
    collected = collect_events(event_filter(scope, **filters), start, end)
    rows = event_rows(list(collected.held.values()), collected.people, now)
    return [event_sentence(row) for row in rows]
