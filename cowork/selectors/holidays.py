"""Public holidays named in the site's languages, from the `holidays` library."""

import datetime

import holidays as public_holidays
from django.conf import settings


def holiday_translations(*, country: str, day: datetime.date) -> dict[str, dict[str, str]]:
    """The name of `country`'s public holiday on `day` in each language of the site the
    library names it in, as a closure keeps it: `{"uk": {"reason": "Новий рік"}, …}`.

    Empty when the library does not know the country or the day is no holiday; a language
    it lacks (Russian, for these countries) reads the reason as the host typed it.
    """
    try:
        supported = public_holidays.country_holidays(country).supported_languages
    except NotImplementedError:
        return {}
    site = {code for code, _name in settings.LANGUAGES}
    names: dict[str, dict[str, str]] = {}
    for code in sorted(supported):
        language = code.split("_")[0]
        if language not in site or language in names:
            continue
        calendar = public_holidays.country_holidays(country, years=[day.year], language=code)
        if name := calendar.get(day):
            names[language] = {"reason": name}
    return names
