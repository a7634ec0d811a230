"""Azerbaijani and Uzbek Latin as GSM-7, for centres that choose to send SMS that way.

One letter outside GSM 03.38 (ə, ı, ş, ğ, ç, the Uzbek ʻ) turns a whole SMS into UCS-2,
which holds 70 characters a segment instead of 160: the same text can cost two or three
times as much. People read "Gence" for "Gəncə" and "o'qish" for "oʻqish" without trouble;
that is how they type when a keyboard lacks the letters.
"""

from notifications.sms.segments import GSM7_BASIC, GSM7_EXTENSION

# Letters GSM-7 already has (Ç, ä, ö, ñ, ü and their capitals, é…) stay: they cost nothing
# more and read better than their bare forms.
GSM7_LATIN = str.maketrans(
    {
        "ə": "e",
        "Ə": "E",
        "ı": "i",
        "İ": "I",
        "ş": "s",
        "Ş": "S",
        "ğ": "g",
        "Ğ": "G",
        "ç": "c",
        "ʻ": "'",  # U+02BB, the Uzbek oʻ and gʻ as the standard writes them
        "ʼ": "'",  # U+02BC, the Uzbek tutuq belgisi
        "‘": "'",
        "’": "'",
        "`": "'",
        "“": '"',
        "”": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "…": "...",
        "\u00a0": " ",
    }
)


def to_gsm7_latin(text: str) -> str:
    """`text` with Azerbaijani and Uzbek Latin letters and typographic marks GSM-7 lacks
    spelt in letters it has (ə→e, ı→i, ş→s, ğ→g, ç→c, ʻ→'…).

    Anything else outside GSM-7 (Cyrillic, emoji) is left as it is: such a text is still
    sent, as UCS-2.
    """
    return text.translate(GSM7_LATIN)


def is_gsm7(text: str) -> bool:
    """Whether every character of `text` is in the GSM-7 alphabet or its extension."""
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)
