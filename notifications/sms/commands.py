"""The words a person may text back, in every language the network speaks, in one table.

`parse_command` is pure: a body in, a Command (or None) out. What a command does is in
`notifications.sms.replies`.

Twilio acts on some words itself, before our webhook sees them. On long codes, and on
Messaging Services unless Advanced Opt-Out changes the lists, the whole body (any case)
STOP, STOPALL, UNSUBSCRIBE, END, QUIT, REVOKE, OPTOUT or CANCEL blocks every further
message to the number (our sends fail with error 21610, even the reply to that very
message), and START, YES or UNSTOP lifts the block. Our table is shaped so that what we
record never disagrees with what Twilio did:

- English CANCEL is an opt-out here too, not a cancellation. Twilio has already blocked
  the number and told the person they are unsubscribed; cancelling their booking as well
  would be a second, destructive effect they were never told about (our confirmation could
  not reach them). Our messages say "Reply C to cancel": the letter C, the Cyrillic С and
  the words of the other languages cancel; none of them is a Twilio keyword.
- English YES both confirms attendance (our reminders ask for Y) and, like START, lifts an
  opt-out: Twilio has just unblocked the number, so a stale opt-out of ours would keep
  silent a person who asked to hear from us again. Y and the translated yeses only
  confirm, because Twilio does not unblock on them.
- Translated stop words (СТОП, DAYAN…) record an opt-out although Twilio does not block on
  them: a person who asked us to stop is not texted again. Opting back in is START (or
  UNSTOP, YES) in every language, so we never lift an opt-out Twilio still holds.
"""

import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    CANCEL = "cancel"
    CONFIRM = "confirm"
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"
    HELP = "help"
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"


@dataclass(frozen=True)
class Command:
    """What a body asks for; `language` is the language its word gives away, if only one."""

    action: Action
    keyword: str
    language: str | None = None
    # Twilio lifts an opt-out on this word (START, UNSTOP, YES): so do we.
    opts_in: bool = False


# Twilio's own keyword lists (default opt-out handling on long codes and Messaging Services).
TWILIO_OPT_OUT = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "REVOKE", "OPTOUT", "CANCEL"}
)
TWILIO_OPT_IN = frozenset({"START", "YES", "UNSTOP"})

A = Action
# language -> action -> words, written as people type them; matched after `normalize`, so
# case, Azerbaijani and Uzbek letters typed without their marks, and trailing punctuation
# do not matter. "" holds words that belong to no one language.
WORDS: dict[str, dict[Action, tuple[str, ...]]] = {
    "": {
        A.CANCEL: ("C", "С"),  # Latin C, and the Cyrillic С that looks the same
        A.CONFIRM: ("Y",),
        A.OPT_OUT: tuple(sorted(TWILIO_OPT_OUT)),
        A.OPT_IN: ("START", "UNSTOP"),
        A.HELP: ("?",),
    },
    "en": {
        A.CONFIRM: ("YES",),
        A.CHECK_IN: ("IN", "CHECK IN", "CHECKIN"),
        A.CHECK_OUT: ("OUT", "CHECK OUT", "CHECKOUT"),
        A.HELP: ("HELP", "INFO"),
    },
    "ru": {
        A.CANCEL: ("ОТМЕНА", "ОТМЕНИТЬ"),
        A.CONFIRM: ("ДА", "Д"),
        A.CHECK_IN: ("ВХОД", "ПРИШЁЛ", "ПРИШЛА"),
        A.CHECK_OUT: ("ВЫХОД", "УШЁЛ", "УШЛА"),
        A.HELP: ("ПОМОЩЬ", "СПРАВКА"),
        A.OPT_OUT: ("СТОП", "ОТПИСАТЬСЯ"),
    },
    "uk": {
        A.CANCEL: ("СКАСУВАТИ", "СКАСУВАННЯ"),
        A.CONFIRM: ("ТАК", "Т"),
        A.CHECK_IN: ("ВХІД", "ПРИЙШОВ", "ПРИЙШЛА"),
        A.CHECK_OUT: ("ВИХІД", "ПІШОВ", "ПІШЛА"),
        A.HELP: ("ДОПОМОГА", "ДОВІДКА"),
        A.OPT_OUT: ("СТОП", "ВІДПИСАТИСЯ"),
    },
    "az": {
        A.CANCEL: ("LƏĞV", "LƏĞV ET", "LAĞV"),
        A.CONFIRM: ("BƏLİ", "HƏ"),
        A.CHECK_IN: ("GİRİŞ", "GƏLDİM"),
        A.CHECK_OUT: ("ÇIXIŞ", "GETDİM"),
        A.HELP: ("KÖMƏK",),
        A.OPT_OUT: ("DAYAN", "DAYANDIR"),
    },
    "uz": {
        A.CANCEL: ("BEKOR", "BEKOR QILISH", "БЕКОР", "БЕКОР ҚИЛИШ"),
        A.CONFIRM: ("HA", "ҲА", "XA"),
        A.CHECK_IN: ("KIRISH", "KELDIM", "КИРИШ", "КЕЛДИМ"),
        A.CHECK_OUT: ("CHIQISH", "KETDIM", "ЧИҚИШ", "КЕТДИМ"),
        A.HELP: ("YORDAM", "ЁРДАМ"),
        A.OPT_OUT: ("TOʻXTA", "ТЎХТА"),
    },
}

# Letters of Azerbaijani that phones without the layout replace with plain ones, Russian Ё
# (mostly typed as Е), and the apostrophes Uzbek writes oʻ and gʻ with (typed six ways).
_FOLD = str.maketrans(
    {
        "Ə": "E",
        "Ğ": "G",
        "İ": "I",
        "Ş": "S",
        "Ç": "C",
        "Ö": "O",
        "Ü": "U",
        "Ё": "Е",
        "ʻ": None,
        "ʼ": None,
        "'": None,
        "`": None,
        "‘": None,
        "’": None,
    }
)
MAX_COMMAND_LENGTH = 40
# Punctuation, and the emoji people end a reply with ("Y 👍", "ДА!").
_TRAILING_CATEGORIES = ("P", "So", "Sk", "Cf")
_VARIATION_SELECTORS = "\ufe0e\ufe0f"


def _is_trailing_noise(char: str) -> bool:
    return char in _VARIATION_SELECTORS or unicodedata.category(char).startswith(
        _TRAILING_CATEGORIES
    )


def normalize(body: str) -> str:
    """Upper case, letters folded, inner spaces single, trailing punctuation dropped."""
    # "ı".upper() is "I" already; NFC composes "i" with a combining dot into "İ".
    text = unicodedata.normalize("NFC", body or "").upper().translate(_FOLD)
    text = " ".join(text.split())
    # A lone question mark asks for help, so the last character is never dropped.
    while len(text) > 1 and _is_trailing_noise(text[-1]):
        text = text[:-1].rstrip()
    return text


def _table() -> dict[str, tuple[Action, str | None]]:
    table: dict[str, tuple[Action, str | None]] = {}
    for language, actions in WORDS.items():
        for action, words in actions.items():
            for word in words:
                key = normalize(word)
                known = table.get(key)
                if known is not None and known[0] != action:
                    raise ValueError(f"{word!r} means both {known[0]} and {action}.")
                # A word two languages share gives neither away.
                same_language = known is None or known[1] == (language or None)
                table[key] = (action, (language or None) if same_language else None)
    return table


TABLE = _table()


def parse_command(body: str) -> Command | None:
    """The command `body` is, or None: a whole message is one word (or two, "LƏĞV ET")."""
    keyword = normalize(body)
    if not keyword or len(keyword) > MAX_COMMAND_LENGTH:
        return None
    found = TABLE.get(keyword)
    if found is None:
        return None
    action, language = found
    return Command(
        action=action,
        keyword=keyword,
        language=language,
        opts_in=keyword in TWILIO_OPT_IN,
    )


# Advanced Opt-Out (a Messaging Service with custom, e.g. translated, keywords) tells the
# webhook what Twilio did with a message in `OptOutType`; that is the last word.
_TWILIO_OPT_OUT_TYPES = {"STOP": Action.OPT_OUT, "START": Action.OPT_IN, "HELP": Action.HELP}


def command_from_twilio(*, opt_out_type: str, body: str) -> Command | None:
    """The command Twilio's `OptOutType` names, if it names one; else None."""
    action = _TWILIO_OPT_OUT_TYPES.get((opt_out_type or "").strip().upper())
    if action is None:
        return None
    parsed = parse_command(body)
    return Command(
        action=action,
        keyword=normalize(body)[:MAX_COMMAND_LENGTH],
        language=parsed.language if parsed else None,
        opts_in=action == Action.OPT_IN,
    )
