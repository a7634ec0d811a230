"""Telegram's inline buttons: which a message gets, and what a pressed one carries back.

A button's data is a command word and what it is about: "C:b:12" cancels booking 12 (asking
once more first), "Y", "IN", "OUT" confirm, check in and out, "CAL" answers with the
calendar link. Data comes from the person's client, so the webhook acts only on their own
bookings and registrations (`replies.command_reply` looks the target up among them).
"""

from django.utils import translation
from django.utils.translation import pgettext

from notifications.messaging.outgoing import Button
from notifications.models import Notification

Kind = Notification.Kind

CANCEL, CONFIRM, CHECK_IN, CHECK_OUT, CALENDAR = "C", "Y", "IN", "OUT", "CAL"
WORDS = (CANCEL, CONFIRM, CHECK_IN, CHECK_OUT, CALENDAR)

# What each message offers, in this order.
_OFFERS = {
    Kind.BOOKING_CONFIRMED: (CHECK_IN, CANCEL, CALENDAR),
    Kind.BOOKING_MOVED: (CANCEL, CALENDAR),
    Kind.BOOKING_REMINDER: (CONFIRM, CHECK_IN, CANCEL),
    Kind.REGISTRATION_CONFIRMED: (CANCEL, CALENDAR),
    Kind.REGISTRATION_PROMOTED: (CANCEL, CALENDAR),
    Kind.EVENT_REMINDER: (CONFIRM, CHECK_IN, CANCEL),
    Kind.EVENT_MOVED: (CANCEL, CALENDAR),
}
# What an answer offers next, by what it did.
_NEXT = {
    "asked_again": (CANCEL,),
    "booking_checked_in": (CHECK_OUT,),
    "booking_confirmed": (CHECK_IN, CALENDAR),
    "registration_confirmed": (CHECK_IN, CALENDAR),
}


def _label(word: str, *, again: bool = False) -> str:
    if again:
        return pgettext("Telegram button", "Yes, cancel")
    return {
        CANCEL: pgettext("Telegram button", "Cancel"),
        CONFIRM: pgettext("Telegram button", "Confirm"),
        CHECK_IN: pgettext("Telegram button", "Check in"),
        CHECK_OUT: pgettext("Telegram button", "Check out"),
        CALENDAR: pgettext("Telegram button", "Add to calendar"),
    }[word]


def buttons(words, target: str, *, language: str, again: bool = False) -> tuple[Button, ...]:
    with translation.override(language):
        return tuple(Button(_label(word, again=again), f"{word}:{target}") for word in words)


def buttons_for_message(notification: Notification) -> tuple[Button, ...]:
    """The buttons under a message we send about a booking or registration."""
    if notification.booking_id:
        target = f"b:{notification.booking_id}"
    elif notification.registration_id:
        target = f"r:{notification.registration_id}"
    else:
        return ()
    return buttons(_OFFERS.get(notification.kind, ()), target, language=notification.language)


def buttons_for_answer(code: str, target: str, *, language: str) -> tuple[Button, ...]:
    """The buttons under our answer to a command: "Yes, cancel" after the first cancel."""
    if not target:
        return ()
    return buttons(_NEXT.get(code, ()), target, language=language, again=code == "asked_again")


def parse_data(data: str) -> tuple[str, str] | None:
    """A button's word and target, or None if it is not one of ours."""
    word, _, target = (data or "").partition(":")
    kind, _, pk = target.partition(":")
    if word not in WORDS or kind not in ("b", "r") or not (pk.isascii() and pk.isdigit()):
        return None
    return word, target
