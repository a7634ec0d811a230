"""Times in calendar pages and invitation mails as people read them, through Babel (CLDR).

Times are shown in the centre's zone on a 24-hour clock, as everywhere else in cowork; the
calendar data itself (the .ics) keeps its own RFC 5545 forms.
"""

import datetime

from babel import dates as babel_dates
from django.utils.translation import to_locale


def local_when(moment: datetime.datetime, zone, language: str) -> str:
    """ "Fri, Mar 26, 2027, 10:00", "пт, 26 мар. 2027 г., 10:00": a day and a time."""
    locale = to_locale(language)
    day = babel_dates.format_skeleton("yMMMEd", moment, tzinfo=zone, locale=locale)
    return (
        babel_dates.get_datetime_format("medium", locale=locale)
        .replace("'", "")
        .replace("{1}", day)
        .replace("{0}", local_time(moment, zone, language))
    )


def local_time(moment: datetime.datetime, zone, language: str) -> str:
    """ "10:00": the time of day alone."""
    return babel_dates.format_skeleton("Hm", moment, tzinfo=zone, locale=to_locale(language))
