"""Dates and times as a reader at the centre sees them, in their language."""

import datetime
import zoneinfo

import pytest
from django.utils import translation

from cowork.booking_rules import BookingPolicy, Period, time_violations
from cowork.dates import local_datetime, local_time, sms_day, sms_day_and_time, sms_time

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
