"""Dates in templates as people read them: CLDR patterns through `cowork.dates`.

Django's `date` filter joins month names by hand ("9 Декабрь" where Russian says "9 декабря")
and its `DATETIME_FORMAT` is English-shaped in several languages; these filters use Babel's.
A datetime is read in the template's current zone: put them inside `{% timezone zone %}`.
"""

import datetime

from django import template
from django.utils import timezone

from cowork import dates

register = template.Library()


def _wall(value: datetime.date | datetime.datetime) -> datetime.date | datetime.datetime:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def day(value, skeleton: str = "yMMMMd") -> str:
    """`{{ booking.starts_at|day:"MMMEd" }}`: "Wed, Dec 9", "ср, 9 дек."; empty for none."""
    if not value:
        return ""
    return dates.day(_wall(value), skeleton)


@register.filter
def moment(value) -> str:
    """`{{ opens_at|moment }}`: "Dec 9, 2026, 10:00 AM", "9 дек. 2026 г., 10:00"."""
    if not value:
        return ""
    return dates.local_datetime(value, timezone.get_current_timezone())


@register.filter
def zone_city(name: str) -> str:
    """`{{ space.time_zone|zone_city }}`: "Kyiv", "Київ", "Bakı"."""
    return dates.zone_city(name) if name else ""
