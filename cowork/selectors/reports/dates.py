"""Dates as people read them in the active language, through Babel (CLDR).

Only what a person reads goes through here; CSV and XLSX cells and form values stay ISO.
"""

import datetime
from functools import lru_cache

from babel import dates as babel_dates
from django.utils.translation import get_language, to_locale


def _locale() -> str:
    return to_locale(get_language() or "en")


def month_label(month: datetime.date) -> str:
    """ "Mar 2025", "март 2025 г."."""
    return babel_dates.format_skeleton("yMMM", month, locale=_locale())


def day_label(day: datetime.date) -> str:
    """ "Mar 4", "4 мар." — a day on a chart's axis."""
    return babel_dates.format_skeleton("MMMd", day, locale=_locale())


def day_span(first: datetime.date, last: datetime.date) -> str:
    """ "March 12", or "March 4 – 6", "4–6 марта" for an event of several days."""
    return _day_span(first, last, _locale())


# A year's report names the same few hundred days for thousands of events, in each of
# their languages: Babel formats each (days, locale) once.
@lru_cache(maxsize=4096)
def _day_span(first: datetime.date, last: datetime.date, locale: str) -> str:
    if first == last:
        return babel_dates.format_skeleton("MMMMd", first, locale=locale)
    return babel_dates.format_interval(first, last, "MMMMd", locale=locale)


def period_label(start: datetime.date, end: datetime.date) -> str:
    """ "Mar 1 – 31, 2025": a report's period, with its year."""
    return babel_dates.format_interval(start, end, "yMMMd", locale=_locale())


def weekday_abbreviation(weekday: int) -> str:
    """ "Mon", "пн" for Monday (0) to Sunday (6)."""
    return babel_dates.get_day_names("abbreviated", locale=_locale())[weekday]
