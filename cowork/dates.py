"""Dates and times as people read them, in the active language, through Babel (CLDR).

Every function takes an aware moment and the zone to show it in (a centre's `Space.zone`):
stored times are UTC, and the reader is at the centre. The language is Django's active
one, so a message rendered under `translation.override(language)` speaks that language's
dates too.
"""

import datetime
import functools

from babel import Locale, UnknownLocaleError
from babel.dates import (
    format_date,
    format_datetime,
    format_skeleton,
    format_time,
    get_datetime_format,
    get_timezone_location,
)
from django.conf import settings
from django.utils.translation import get_language, to_locale

# Day and month as two-digit numbers, day first, in every language: the shortest a date can
# be and still be read one way everywhere (English's own short form puts the month first).
SMS_DAY_PATTERN = "dd.MM"
# 24-hour clock in every language: "10:30" is shorter than "10:30 AM" and is how the
# centres' timetables are written.
SMS_TIME_PATTERN = "HH:mm"


def current_locale() -> Locale:
    """Babel's locale for Django's active language (the site's language when none is)."""
    return _locale(to_locale(get_language() or settings.LANGUAGE_CODE))


@functools.cache
def _locale(name: str) -> Locale:
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(to_locale(settings.LANGUAGE_CODE))


def _local(moment: datetime.datetime, zone: datetime.tzinfo) -> datetime.datetime:
    if moment.tzinfo is None:
        raise ValueError("A naive datetime has no place in time; give it a zone.")
    return moment.astimezone(zone)


def local_datetime(moment: datetime.datetime, zone: datetime.tzinfo) -> str:
    """Date and time for a sentence: "Mar 1, 2027, 10:00 AM", "1 мар. 2027 г., 10:00"."""
    local, locale = _local(moment, zone), current_locale()
    return get_datetime_format("medium", locale=locale).format(
        format_time(local, "short", locale=locale), format_date(local, "medium", locale=locale)
    )


def local_time(moment: datetime.datetime, zone: datetime.tzinfo) -> str:
    """The time of day for a sentence: "10:00 AM" in English, "10:00" in Russian."""
    return format_time(_local(moment, zone), "short", locale=current_locale())


def sms_day(moment: datetime.datetime, zone: datetime.tzinfo) -> str:
    """The day in an SMS, where every character counts: "01.12"."""
    return format_datetime(_local(moment, zone), SMS_DAY_PATTERN, locale=current_locale())


def sms_time(moment: datetime.datetime, zone: datetime.tzinfo) -> str:
    """The time in an SMS: "10:30"."""
    return format_datetime(_local(moment, zone), SMS_TIME_PATTERN, locale=current_locale())


def sms_day_and_time(moment: datetime.datetime, zone: datetime.tzinfo) -> str:
    """Day and time in an SMS: "01.12 10:30" (11 characters of a 70-character segment)."""
    return f"{sms_day(moment, zone)} {sms_time(moment, zone)}"


def day(value: datetime.date, skeleton: str = "yMMMMd") -> str:
    """A day through a CLDR skeleton, in the grammatical case the language wants there.

    The skeleton names the fields, the language orders and inflects them: "yMMMMd" is
    "December 9, 2026", "9 декабря 2026 г.", "9 грудня 2026 р."; "MMMEd" is "Wed, Dec 9",
    "ср, 9 дек.". A day is a calendar day: give a datetime already in the reader's zone.
    """
    return format_skeleton(skeleton, value, locale=current_locale())


def zone_city(name: str) -> str:
    """A time zone as the city people know it by, in their language: "Київ", not "Europe/Kyiv"."""
    try:
        return get_timezone_location(name, locale=current_locale(), return_city=True)
    except LookupError:
        return name


def local_weekday(moment: datetime.datetime, zone: datetime.tzinfo) -> str:
    """The day of the week standing alone, as a heading reads it: "Friday", "пятница"."""
    return format_date(_local(moment, zone), "cccc", locale=current_locale())


def local_day(moment: datetime.datetime, zone: datetime.tzinfo) -> str:
    """A date with its weekday, for a list of dates: "Fri, Dec 11, 2026", "пт, 11 дек. 2026 г."."""
    local, locale = _local(moment, zone), current_locale()
    return (
        f"{format_date(local, 'EEE', locale=locale)}, {format_date(local, 'medium', locale=locale)}"
    )


def local_clock(moment: datetime.datetime, zone: datetime.tzinfo) -> str:
    """The 24-hour time the booking pages show in every language: "10:00", "17:30"."""
    return format_datetime(_local(moment, zone), SMS_TIME_PATTERN, locale=current_locale())
