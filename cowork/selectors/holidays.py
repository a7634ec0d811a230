"""Public holidays named in the site's languages: the `holidays` library's names where it
has the language, else its English names through our own catalogue (it has no Russian for
Uzbekistan or Azerbaijan, the language many of their centres' readers read)."""

import datetime
import re

import holidays as public_holidays
from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext, pgettext_lazy

from cowork import dates

# Every name the library gives the countries of the network in English (`Ukraine` lists
# none while martial law suspends its holidays). A name not here stays in English.
_NAMES = {
    "Additional day off by Presidential decree": pgettext_lazy(
        "public holiday", "Additional day off by Presidential decree"
    ),
    "Armed Forces Day": pgettext_lazy("public holiday", "Armed Forces Day"),
    "Constitution Day": pgettext_lazy("public holiday", "Constitution Day"),
    "Day of Memory and Honor": pgettext_lazy("public holiday", "Day of Memory and Honor"),
    "Eid al-Adha": pgettext_lazy("public holiday", "Eid al-Adha"),
    "Eid al-Fitr": pgettext_lazy("public holiday", "Eid al-Fitr"),
    "Independence Day": pgettext_lazy("public holiday", "Independence Day"),
    "International Azerbaijanis Solidarity Day": pgettext_lazy(
        "public holiday", "International Azerbaijanis Solidarity Day"
    ),
    "Martyrs' Day": pgettext_lazy("public holiday", "Martyrs' Day"),
    "Municipal elections": pgettext_lazy("public holiday", "Municipal elections"),
    "National Flag Day": pgettext_lazy("public holiday", "National Flag Day"),
    "National Liberation Day": pgettext_lazy("public holiday", "National Liberation Day"),
    "New Year's Day": pgettext_lazy("public holiday", "New Year's Day"),
    "Nowruz": pgettext_lazy("public holiday", "Nowruz"),
    "Spring Festival": pgettext_lazy("public holiday", "Spring Festival"),
    "Teachers and Instructors Day": pgettext_lazy("public holiday", "Teachers and Instructors Day"),
    "Victory Day": pgettext_lazy("public holiday", "Victory Day"),
    "Victory over Fascism Day": pgettext_lazy("public holiday", "Victory over Fascism Day"),
    "Women's Day": pgettext_lazy("public holiday", "Women's Day"),
}
_NOTES = {
    "observed": pgettext_lazy("public holiday", "%(name)s (observed)"),
    "estimated": pgettext_lazy("public holiday", "%(name)s (estimated)"),
    "observed, estimated": pgettext_lazy("public holiday", "%(name)s (observed, estimated)"),
}
_NOTED = re.compile(r"^(?P<name>.+?) \((?P<note>observed|estimated|observed, estimated)\)$")
_MOVED = re.compile(r"^Day off \(substituted from (?P<m>\d\d)/(?P<d>\d\d)/(?P<y>\d{4})\)$")


def _from_english(name: str) -> str:
    """The library's English `name` (holidays on one day joined by "; ") in the active
    language."""
    parts = []
    for part in name.split("; "):
        if moved := _MOVED.match(part):
            day = datetime.date(int(moved["y"]), int(moved["m"]), int(moved["d"]))
            parts.append(
                pgettext("public holiday", "Day off (moved from %(day)s)")
                % {"day": dates.day(day, "yMMMd")}
            )
            continue
        noted = _NOTED.match(part)
        base = noted["name"] if noted else part
        text = str(_NAMES.get(base, base))
        parts.append(str(_NOTES[noted["note"]]) % {"name": text} if noted else text)
    return "; ".join(parts)


def holidays_named(country: str, *, years: list[int], language: str) -> dict[datetime.date, str]:
    """`country`'s public holidays in `years`, each named in `language`; empty for a
    country the library does not know."""
    try:
        supported = public_holidays.country_holidays(country).supported_languages
    except NotImplementedError:
        return {}
    chosen = next((code for code in supported if code.split("_")[0] == language), None)
    if chosen is not None:
        return dict(public_holidays.country_holidays(country, years=years, language=chosen))
    english = "en_US" if "en_US" in supported else None
    calendar = public_holidays.country_holidays(country, years=years, language=english)
    if english is None:
        return dict(calendar)
    with translation.override(language):
        return {day: _from_english(name) for day, name in calendar.items()}


def holiday_translations(*, country: str, day: datetime.date) -> dict[str, dict[str, str]]:
    """The name of `country`'s public holiday on `day` in each language of the site, as a
    closure keeps it: `{"uk": {"reason": "Новий рік"}, …}`; empty when the library does not
    know the country or the day is no holiday."""
    names: dict[str, dict[str, str]] = {}
    for code, _language in settings.LANGUAGES:
        if name := holidays_named(country, years=[day.year], language=code).get(day):
            names[code] = {"reason": name}
    return names
