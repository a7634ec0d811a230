"""Segment accounting: what a message will cost, in the languages our members write."""

import pytest

from notifications.sms import segment_count

AZERBAIJANI = "Salam! Sabah saat 10:00-da görüşərik. Masanız hazırdır."
RUSSIAN = "Ваше бронирование подтверждено. До встречи в 10:00!"
UKRAINIAN = "Ваше бронювання підтверджено. Дякуємо, що обрали ґанок і їдальню!"
UZBEK_LATIN = "Joyingiz tasdiqlandi. Oʻzbekiston, Fargʻona filiali."  # U+02BB okina
ENGLISH = "Your desk A12 is booked for 09:00 tomorrow. Reply STOP to opt out."


def test_plain_english_fits_one_gsm7_segment():
    assert segment_count(ENGLISH) == (1, "GSM-7")


@pytest.mark.parametrize(
    ("length", "segments"),
    [(1, 1), (160, 1), (161, 2), (153 * 2, 2), (153 * 2 + 1, 3), (153 * 3, 3), (153 * 3 + 1, 4)],
)
def test_gsm7_message_splits_at_160_then_every_153_septets(length, segments):
    assert segment_count("a" * length) == (segments, "GSM-7")


def test_every_gsm7_basic_character_stays_gsm7():
    basic = (
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
    )
    assert len(basic) == 127
    assert segment_count(basic) == (1, "GSM-7")


@pytest.mark.parametrize("char", list("^{}\\[~]|€\f"))
def test_extension_character_counts_as_two_septets(char):
    assert segment_count(char * 80) == (1, "GSM-7")
    assert segment_count("a" * 159 + char) == (2, "GSM-7")
    assert segment_count("a" * 158 + char) == (1, "GSM-7")


def test_extension_character_is_not_split_across_segments():
    # 305 characters, 306 septets: two full segments by arithmetic, but the euro's escape
    # sequence would straddle the first boundary, so it moves and a third segment is needed.
    body = "a" * 152 + "€" + "a" * 152
    assert segment_count(body) == (3, "GSM-7")


def test_ascii_apostrophe_and_gsm_accents_stay_gsm7():
    assert segment_count("O'zbekiston, g'alaba. Çay? Bu gün. Ñoño é à ù ì ò") == (1, "GSM-7")


@pytest.mark.parametrize("letter", ["ə", "ğ", "ı", "ş", "ç", "Ə", "Ğ", "İ", "Ş"])
def test_one_azerbaijani_letter_turns_the_message_ucs2(letter):
    assert segment_count("Your desk is booked " + letter) == (1, "UCS-2")


def test_azerbaijani_letters_that_gsm7_shares_stay_gsm7():
    # ö and ü are in the GSM alphabet; capital Ç is, lowercase ç is not.
    assert segment_count("Bu gün Çöl") == (1, "GSM-7")


def test_azerbaijani_message_is_ucs2():
    assert segment_count(AZERBAIJANI) == (1, "UCS-2")


@pytest.mark.parametrize(
    ("length", "segments"),
    [(70, 1), (71, 2), (67 * 2, 2), (67 * 2 + 1, 3), (67 * 3, 3), (67 * 3 + 1, 4)],
)
def test_azerbaijani_splits_at_70_then_every_67_characters(length, segments):
    assert segment_count("ə" * length) == (segments, "UCS-2")


@pytest.mark.parametrize("text", [RUSSIAN, UKRAINIAN], ids=["russian", "ukrainian"])
def test_cyrillic_message_is_ucs2(text):
    assert segment_count(text) == (1, "UCS-2")


@pytest.mark.parametrize(("length", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_cyrillic_splits_at_70_then_every_67_characters(length, segments):
    assert segment_count("Ж" * length) == (segments, "UCS-2")


def test_long_russian_reminder_costs_three_segments():
    body = (RUSSIAN + " ") * 3
    assert len(body) == 156  # 1 segment in GSM-7 at this length, 3 in UCS-2
    assert segment_count(body) == (3, "UCS-2")


def test_uzbek_okina_turns_the_message_ucs2():
    assert segment_count(UZBEK_LATIN) == (1, "UCS-2")
    assert segment_count("oʻ") == (1, "UCS-2")
    assert segment_count("gʻ") == (1, "UCS-2")


def test_uzbek_with_okina_splits_at_70_characters():
    assert segment_count("gʻ" * 35) == (1, "UCS-2")
    assert segment_count("gʻ" * 35 + "a") == (2, "UCS-2")


def test_emoji_counts_as_two_ucs2_units():
    assert segment_count("😀" * 35) == (1, "UCS-2")
    assert segment_count("Ж" * 69 + "😀") == (2, "UCS-2")


def test_emoji_is_not_split_across_segments():
    # 134 UTF-16 units fit two segments by arithmetic, but the surrogate pair would straddle.
    body = "Ж" * 66 + "😀" + "Ж" * 66
    assert segment_count(body) == (3, "UCS-2")


def test_single_non_gsm_character_makes_a_long_english_message_cost_more():
    assert segment_count("a" * 160) == (1, "GSM-7")
    assert segment_count("a" * 159 + "’") == (3, "UCS-2")  # a curly apostrophe


def test_empty_body_is_refused():
    with pytest.raises(ValueError):
        segment_count("")
