"""Dates and times as a reader at the centre sees them, in their language."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import translation

from cowork.booking_rules import BookingPolicy, Period, time_violations
from cowork.dates import (
    day,
    local_datetime,
    local_time,
    sms_day,
    sms_day_and_time,
    sms_time,
    zone_city,
)

BAKU = zoneinfo.ZoneInfo("Asia/Baku")
KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
# 06:30 UTC is 10:30 in Baku: a date shown in UTC would say 06:30.
MOMENT = datetime.datetime(2026, 12, 1, 6, 30, tzinfo=datetime.UTC)


def _in(language, function, *args):
    with translation.override(language):
        # CLDR puts a narrow no-break space before AM/PM; a reader sees a space.
        return function(*args).replace("\u202f", " ")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Dec 1, 2026, 10:30 AM"),
        ("ru", "1 дек. 2026 г., 10:30"),
        ("az", "1 dek 2026 10:30"),
    ],
)
def test_a_sentence_names_the_day_and_time_in_the_readers_language(language, expected):
    assert _in(language, local_datetime, MOMENT, BAKU) == expected


@pytest.mark.parametrize(("language", "expected"), [("en", "10:30 AM"), ("ru", "10:30")])
def test_a_time_of_day_follows_the_languages_clock(language, expected):
    assert _in(language, local_time, MOMENT, BAKU) == expected


@pytest.mark.parametrize("language", ["en", "ru", "az", "uk", "uz"])
def test_an_sms_date_is_short_and_the_same_in_every_language(language):
    assert _in(language, sms_day_and_time, MOMENT, BAKU) == "01.12 10:30"
    assert _in(language, sms_day, MOMENT, BAKU) == "01.12"
    assert _in(language, sms_time, MOMENT, BAKU) == "10:30"


def test_the_centres_zone_decides_the_day_near_midnight():
    late = datetime.datetime(2026, 11, 30, 21, 30, tzinfo=datetime.UTC)
    assert _in("ru", sms_day_and_time, late, BAKU) == "01.12 01:30"
    assert _in("ru", sms_day_and_time, late, KYIV) == "30.11 23:30"


def test_a_language_babel_does_not_know_falls_back_to_the_sites():
    assert _in("xx", local_time, MOMENT, BAKU) == "10:30 AM"


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        local_datetime(MOMENT.replace(tzinfo=None), BAKU)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Dec 1, 2026, 10:30 AM–11:30 AM"),
        ("ru", "1 дек. 2026 г., 10:30–11:30"),
        ("az", "1 dek 2026 10:30–11:30"),
    ],
)
def test_a_booking_outside_opening_hours_is_refused_with_its_local_time(language, expected):
    policy = BookingPolicy(
        zone=BAKU,
        grid_minutes=30,
        min_minutes=30,
        max_minutes=480,
        max_days_ahead=60,
        buffer_minutes=0,
    )
    # Tuesday 1 December, open only in the afternoon.
    hours = [Period(1, datetime.time(14, 0), datetime.time(18, 0))]
    with translation.override(language):
        violations = time_violations(
            policy=policy,
            hours=hours,
            closures=[],
            starts_at=MOMENT,
            ends_at=MOMENT + datetime.timedelta(hours=1),
            now=MOMENT - datetime.timedelta(days=1),
        )
    [refusal] = violations
    assert refusal.code == "outside_opening_hours"
    assert refusal.message.replace("\u202f", " ").startswith(expected)


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [
        ("en", "December 9, 2026", "Wed, Dec 9"),
        # The genitive a date needs, not the nominative of a calendar's heading.
        ("ru", "9 декабря 2026 г.", "ср, 9 дек."),
        ("uk", "9 грудня 2026 р.", "ср, 9 груд."),
    ],
)
def test_a_day_is_in_the_case_the_language_wants(language, long, short):
    nine = datetime.date(2026, 12, 9)
    assert _in(language, day, nine) == long
    assert _in(language, day, nine, "MMMEd") == short


@pytest.mark.parametrize(
    ("language", "zone", "city"),
    [("en", "Europe/Kyiv", "Kyiv"), ("uk", "Europe/Kyiv", "Київ"), ("az", "Asia/Baku", "Bakı")],
)
def test_a_zone_is_named_by_its_city_in_the_readers_language(language, zone, city):
    assert _in(language, zone_city, zone) == city


def test_a_zone_babel_cannot_name_stays_as_it_is():
    assert _in("en", zone_city, "Not/AZone") == "Not/AZone"


def test_template_filters_read_a_moment_in_the_templates_zone():
    template = Template(
        '{% load dates tz %}{% timezone "Asia/Baku" %}{{ at|day:"MMMMd" }} · {{ at|moment }}'
        "{% endtimezone %} · {{ zone|zone_city }}"
    )
    # 21:30 UTC on 30 November is already 1 December in Baku.
    late = datetime.datetime(2026, 11, 30, 21, 30, tzinfo=datetime.UTC)
    with translation.override("ru"):
        text = template.render(Context({"at": late, "zone": "Europe/Kyiv"}))
    # CLDR puts a narrow no-break space inside "2026 г."; a reader sees a space.
    assert text.replace("\u202f", " ") == "1 декабря · 1 дек. 2026 г., 01:30 · Киев"
