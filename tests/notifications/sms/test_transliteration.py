"""Azerbaijani and Uzbek Latin spelt in GSM-7 letters: one 160-character segment, not 70."""

import pytest

from notifications.sms.segments import segment_count
from notifications.sms.transliteration import is_gsm7, to_gsm7_latin


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Gəncə", "Gence"),
        ("Əli İsmayılov", "Eli Ismayilov"),
        ("Şəki, ağac, çay", "Seki, agac, cay"),
        ("Ğ Ş Ç", "G S Ç"),  # Ç is in GSM-7 already
        ("oʻqish, gʻisht", "o'qish, g'isht"),  # U+02BB, as the Uzbek standard writes it
        ("o‘qish, g’isht, maʼno", "o'qish, g'isht, ma'no"),  # what keyboards type instead
        ("Gəncə — «Mərkəz» …", 'Gence - "Merkez" ...'),
    ],
)
def test_letters_gsm7_lacks_are_spelt_plainly(text, plain):
    assert to_gsm7_latin(text) == plain
    assert is_gsm7(to_gsm7_latin(text))


def test_letters_gsm7_has_are_kept():
    assert to_gsm7_latin("Gülüstan, Göygöl, España, café") == "Gülüstan, Göygöl, España, café"


def test_cyrillic_is_left_as_it_is_and_stays_ucs2():
    text = "Бронь: Training room"
    assert to_gsm7_latin(text) == text
    assert segment_count(to_gsm7_latin(text))[1] == "UCS-2"


def test_an_azerbaijani_sentence_goes_from_ucs2_to_one_gsm7_segment():
    text = (
        "Xatırlatma: Təlim otağı, Gəncə Gənclər və Vətəndaş Cəmiyyəti Mərkəzi, "
        "01.12 10:30-13:00. Təsdiq üçün Y, ləğv üçün C yazın."
    )
    assert segment_count(text) == (2, "UCS-2")
    assert segment_count(to_gsm7_latin(text)) == (1, "GSM-7")
