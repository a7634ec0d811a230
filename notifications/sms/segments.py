"""How many SMS segments a body costs, by the GSM 03.38 rules carriers bill by."""

from typing import Literal

SmsEncoding = Literal["GSM-7", "UCS-2"]

# The GSM 03.38 default alphabet, less ESC (0x1B), which only introduces the extension table.
# Only the capital Ç is here: a lowercase ç (Azerbaijani, Turkish) forces UCS-2.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Each of these is sent as ESC plus one septet, so it costs two septets.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_CONCATENATED = 160, 153
UCS2_SINGLE, UCS2_CONCATENATED = 70, 67


def segment_count(body: str) -> tuple[int, SmsEncoding]:
    """Return how many segments `body` is sent as, and in which encoding.

    One character outside GSM-7 turns the whole message into UCS-2. A concatenated segment
    loses 7 septets (GSM-7) or 3 UTF-16 units (UCS-2) to its header, and a handset never
    splits an ESC sequence or a surrogate pair across two segments, so a body can need one
    segment more than its length divided by the segment size. Raises ValueError on "".
    """
    if not body:
        raise ValueError("An SMS body cannot be empty.")
    if all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in body):
        widths = [2 if char in GSM7_EXTENSION else 1 for char in body]
        return _pack(widths, single=GSM7_SINGLE, concatenated=GSM7_CONCATENATED), "GSM-7"
    # Characters outside the Basic Multilingual Plane (emoji) take a UTF-16 surrogate pair.
    widths = [2 if ord(char) > 0xFFFF else 1 for char in body]
    return _pack(widths, single=UCS2_SINGLE, concatenated=UCS2_CONCATENATED), "UCS-2"


def _pack(widths: list[int], *, single: int, concatenated: int) -> int:
    """Count segments when characters of these widths are packed in order, none split."""
    if sum(widths) <= single:
        return 1
    segments, used = 1, 0
    for width in widths:
        if used + width > concatenated:
            segments, used = segments + 1, 0
        used += width
    return segments
