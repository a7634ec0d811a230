"""The demo's names in the languages of its networks: centres, rooms, desks and equipment.

Centres are named in their network's languages (and Russian, read across all three); a
language without a name falls back to the English one, as a host's own centre would.
"""

CITIES = {
    # Azerbaijan
    "Shirvan": {"az": "Şirvan", "ru": "Ширван"},
    "Imishli": {"az": "İmişli", "ru": "Имишли"},
    "Sumgait": {"az": "Sumqayıt", "ru": "Сумгайыт"},
    "Guba": {"az": "Quba", "ru": "Губа"},
    "Gazakh": {"az": "Qazax", "ru": "Газах"},
    "Shaki": {"az": "Şəki", "ru": "Шеки"},
    "Ganja": {"az": "Gəncə", "ru": "Гянджа"},
    "Zagatala": {"az": "Zaqatala", "ru": "Загатала"},
    "Ismailli": {"az": "İsmayıllı", "ru": "Исмаиллы"},
    "Mingachevir": {"az": "Mingəçevir", "ru": "Мингечевир"},
    "Lenkaran": {"az": "Lənkəran", "ru": "Ленкорань"},
    "Tovuz": {"az": "Tovuz", "ru": "Товуз"},
    "Terter": {"az": "Tərtər", "ru": "Тертер"},
    "Barda": {"az": "Bərdə", "ru": "Барда"},
    "Ujar": {"az": "Ucar", "ru": "Уджар"},
    "Goychay": {"az": "Göyçay", "ru": "Геокчай"},
    "Masalli": {"az": "Masallı", "ru": "Масаллы"},
    "Khachmaz": {"az": "Xaçmaz", "ru": "Хачмаз"},
    "Shemkir": {"az": "Şəmkir", "ru": "Шамкир"},
    # Ukraine
    "Kramatorsk": {"uk": "Краматорськ", "ru": "Краматорск"},
    "Sievierodonetsk": {"uk": "Сєвєродонецьк", "ru": "Северодонецк"},
    # Uzbekistan
    "Urgench": {"uz": "Urganch", "ru": "Ургенч"},
    "Navoi": {"uz": "Navoiy", "ru": "Навои"},
    "Tashkent": {"uz": "Toshkent", "ru": "Ташкент"},
    "Ferghana": {"uz": "Fargʻona", "ru": "Фергана"},
    "Kokand": {"uz": "Qoʻqon", "ru": "Коканд"},
}

# A centre's name per kind and language: "{city}" is the city in that language.
CENTRE_NAMES = {
    "information": {"az": "{city} İnformasiya Mərkəzi", "ru": "Информационный центр, {city}"},
    "it": {"uk": "Центр ІТ-рішень, {city}", "ru": "Центр ИТ-решений, {city}"},
    "coworking": {"uz": "{city} NNT kovorkingi", "ru": "Коворкинг НКО, {city}"},
}

RESOURCE_NAMES = {
    "Desk": {"az": "Masa", "ru": "Стол", "uk": "Стіл", "uz": "Stol"},
    "Training room": {
        "az": "Təlim otağı",
        "ru": "Учебный зал",
        "uk": "Навчальна зала",
        "uz": "Oʻquv xonasi",
    },
    "Meeting room": {
        "az": "Görüş otağı",
        "ru": "Переговорная",
        "uk": "Переговорна кімната",
        "uz": "Uchrashuv xonasi",
    },
    "Laptop": {"az": "Noutbuk", "ru": "Ноутбук", "uk": "Ноутбук", "uz": "Noutbuk"},
    "Projector": {"az": "Proyektor", "ru": "Проектор", "uk": "Проєктор", "uz": "Proyektor"},
}


# The demo's closures, in every language: the `holidays` library names none in Russian,
# and none of Ukraine's while martial law suspends them.
HOLIDAY_NAMES = {
    "New Year": {"az": "Yeni il", "ru": "Новый год", "uk": "Новий рік", "uz": "Yangi yil"},
    "Novruz": {"az": "Novruz bayramı", "ru": "Новруз", "uk": "Новруз", "uz": "Navroʻz"},
    "Navruz": {"az": "Novruz bayramı", "ru": "Навруз", "uk": "Навруз", "uz": "Navroʻz bayrami"},
}


def holiday_names(reason: str) -> dict:
    """ "New Year" → {"uk": {"reason": "Новий рік"}, …}; a reason not listed, {}."""
    return {language: {"reason": name} for language, name in HOLIDAY_NAMES.get(reason, {}).items()}


def centre_translations(kind: str, city: str) -> dict:
    cities = CITIES.get(city, {})
    return {
        language: {"name": pattern.format(city=cities.get(language, city))}
        for language, pattern in CENTRE_NAMES[kind].items()
    }


def resource_translations(name: str) -> dict:
    """ "Desk 05" → {"uk": {"name": "Стіл 05"}, …}; the number stays as it is."""
    stem, _space, number = name.rpartition(" ")
    if not (stem and number.isdigit()):
        stem, number = name, ""
    names = RESOURCE_NAMES.get(stem, {})
    return {language: {"name": f"{word} {number}".strip()} for language, word in names.items()}
