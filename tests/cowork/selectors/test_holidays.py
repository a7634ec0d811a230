"""Public holidays in every language of the site, also where the `holidays` library has
none: its English names through our catalogue, notes and moved days included."""

import datetime

import pytest
from django.utils import translation

from cowork.selectors.holidays import holiday_translations, holidays_named


@pytest.mark.parametrize(
    ("country", "day", "russian"),
    [
        ("UZ", datetime.date(2026, 9, 1), "День независимости"),
        ("UZ", datetime.date(2026, 3, 21), "Навруз"),
        ("AZ", datetime.date(2026, 11, 8), "День Победы"),
        ("AZ", datetime.date(2026, 1, 20), "День всенародной скорби"),
    ],
)
def test_a_holiday_is_named_in_russian_where_the_library_has_no_russian(country, day, russian):
    assert holidays_named(country, years=[day.year], language="ru")[day] == russian


def test_the_library_names_a_holiday_in_a_language_it_has():
    day = datetime.date(2026, 9, 1)
    assert holidays_named("UZ", years=[2026], language="uz")[day] == "Mustaqillik kuni"
    assert holidays_named("UZ", years=[2026], language="en")[day] == "Independence Day"


def test_notes_and_moved_days_are_read_in_the_language_and_its_date_format():
    english = holidays_named("UZ", years=[2026, 2027], language="en")
    russian = holidays_named("UZ", years=[2026, 2027], language="ru")
    observed = [day for day, name in english.items() if name.endswith("(observed)")]
    moved = [day for day, name in english.items() if name.startswith("Day off (substituted")]
    assert observed and moved
    assert all(russian[day].endswith("(перенесённый выходной)") for day in observed)
    with translation.override("ru"):
        assert russian[moved[0]].startswith("Выходной (перенесён с ")
    # No English left in a Russian name the catalogue covers.
    assert not [name for name in russian.values() if any("a" <= c <= "z" for c in name)]


def test_a_closure_keeps_the_name_in_every_site_language():
    names = holiday_translations(country="AZ", day=datetime.date(2026, 11, 8))
    assert {code: name["reason"] for code, name in names.items()} == {
        "en": "Victory Day",
        "az": "Zəfər Günü",
        "ru": "День Победы",
        "uk": "День Перемоги",
        "uz": "Gʻalaba kuni",
    }


def test_a_country_the_library_does_not_know_has_no_holidays():
    assert holidays_named("XX", years=[2026], language="ru") == {}
    assert holiday_translations(country="XX", day=datetime.date(2026, 1, 1)) == {}
