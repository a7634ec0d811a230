"""Replies in every language the network speaks: the words accepted, the language answered.

Each reply is read from the real TwiML answer and compared with the catalogue's
translation of its text, which must differ from the English: a reply that fell back to
English fails here.
"""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from cowork.models import Attendance, BookingStatus, RegistrationStatus
from notifications.sms.commands import Action, parse_command
from notifications.sms.segments import segment_count
from tests import factories
from tests.notifications.sms.inbound import message_text, post_signed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inbound_token")]

TRANSLATED = ["az", "ru", "uk", "uz"]

# The English texts of replies.py, as the catalogues know them.
CONFIRMED = "Thank you, see you there: %(what)s."
CANCELLED = "Cancelled: %(what)s."
ASKED = "Cancel %(what)s? Send C again within %(minutes)d minutes."
HELP = (
    "Reply C to cancel your next booking, Y to confirm it, IN to check in, OUT to "
    "check out, STOP for no more SMS."
)
NOT_UNDERSTOOD = "Sorry, we did not understand. "
NOTHING_UPCOMING = "You have no upcoming booking or event to act on."
OPTED_OUT = (
    "You will get no more SMS from us. Your bookings stay as they are. "
    "Reply START to get SMS again."
)
OPTED_IN = "You will get our SMS again. Reply HELP for the commands."

# A word of the confirmation only a reader of that language would write.
THANKS = {"az": "Təşəkkür", "ru": "Спасибо", "uk": "Дякуємо", "uz": "Rahmat", "en": "Thank you"}
# The help word each opt-in reply names.
HELP_WORD = {"az": "KÖMƏK", "ru": "ПОМОЩЬ", "uk": "ДОПОМОГА", "uz": "YORDAM", "en": "HELP"}


def reply(client, phone, body) -> str:
    return message_text(post_signed(client, phone=str(phone), body=body))


def translated(language: str, text: str) -> str:
    """`text` from the catalogue of `language`; for any but English, never the English."""
    with translation.override(language):
        result = gettext(text)
    if language != "en":
        assert result != text, f"{text!r} has no {language} translation"
    return result


def reads_as(language: str, text: str, body: str) -> bool:
    """Is `body` the `language` translation of `text`, whatever its %(what)s became?"""
    head, _what, tail = translated(language, text).partition("%(what)s")
    return body.startswith(head) and body.endswith(tail % {"minutes": 10})


BOOKING_WORDS = {
    "az": {"cancel": "LƏĞV", "confirm": "Bəli", "in": "GİRİŞ", "out": "çıxış"},
    "ru": {"cancel": "Отмена", "confirm": "ДА", "in": "вход", "out": "ВЫХОД"},
    "uk": {"cancel": "скасувати", "confirm": "Так!", "in": "ВХІД", "out": "вихід"},
    "uz": {"cancel": "BEKOR", "confirm": "ha", "in": "Kirish", "out": "CHIQISH"},
    "en": {"cancel": "c", "confirm": "YES", "in": "in", "out": "Out."},
}


@pytest.mark.parametrize("language", sorted(BOOKING_WORDS))
def test_localized_words_act_on_bookings(client, language):
    words = BOOKING_WORDS[language]
    member = factories.MemberFactory(language=language)
    upcoming = factories.BookingFactory(booked_by=member.user)
    starting = factories.BookingFactory(
        booked_by=member.user, starts_at=factories.from_now(minutes=5)
    )

    reply(client, member.phone, words["in"])
    reply(client, member.phone, words["out"])
    reply(client, member.phone, words["confirm"])
    reply(client, member.phone, words["cancel"])
    reply(client, member.phone, words["cancel"])

    starting.refresh_from_db()
    upcoming.refresh_from_db()
    assert starting.status == BookingStatus.COMPLETED
    assert upcoming.attendance_confirmed_at is not None
    assert upcoming.status == BookingStatus.CANCELLED


REGISTRATION_WORDS = {
    "az": ("GƏLDİM", "HƏ", "LƏĞV ET"),
    "ru": ("ВХОД", "да", "ОТМЕНИТЬ"),
    "uk": ("вхід", "ТАК", "СКАСУВАТИ"),
    "uz": ("КИРИШ", "ҲА", "БЕКОР"),
}


@pytest.mark.parametrize("language", sorted(REGISTRATION_WORDS))
def test_localized_words_act_on_registrations(client, language):
    check_in, confirm, cancel = REGISTRATION_WORDS[language]
    participant = factories.ParticipantFactory(language=language)
    today = factories.RegistrationFactory(
        participant=participant,
        event=factories.EventFactory(starts_at=factories.from_now(minutes=5)),
    )

    reply(client, participant.phone, check_in)
    reply(client, participant.phone, confirm)
    reply(client, participant.phone, cancel)
    reply(client, participant.phone, cancel)

    assert Attendance.objects.get(participant=participant).method == Attendance.Method.SMS
    today.refresh_from_db()
    assert today.attendance_confirmed_at is not None
    assert today.status == RegistrationStatus.CANCELLED


@pytest.mark.parametrize("language", [*TRANSLATED, "en"])
def test_reply_is_in_the_members_language(client, language):
    member = factories.MemberFactory(language=language)
    booking = factories.BookingFactory(booked_by=member.user)

    confirmed = reply(client, member.phone, "Y")
    assert reads_as(language, CONFIRMED, confirmed), confirmed
    assert THANKS[language] in confirmed
    assert booking.resource.name in confirmed
    assert reply(client, member.phone, "HELP") == translated(language, HELP)
    assert reply(client, member.phone, "what?") == translated(
        language, NOT_UNDERSTOOD
    ) + translated(language, HELP)
    assert reply(client, member.phone, "STOP") == translated(language, OPTED_OUT)
    assert reply(client, member.phone, "START") == translated(language, OPTED_IN)


@pytest.mark.parametrize("language", TRANSLATED)
def test_reply_is_in_the_participants_language(client, language):
    participant = factories.ParticipantFactory(language=language)
    registration = factories.RegistrationFactory(participant=participant)

    asked = reply(client, participant.phone, "C")
    cancelled = reply(client, participant.phone, "C")

    assert reads_as(language, ASKED, asked), asked
    assert reads_as(language, CANCELLED, cancelled), cancelled
    assert registration.event.space.name in cancelled


@pytest.mark.parametrize("language", TRANSLATED)
def test_nothing_to_act_on_is_said_in_the_persons_language(client, language):
    member = factories.MemberFactory(language=language)

    assert reply(client, member.phone, "Y") == translated(language, NOTHING_UPCOMING)


def test_reply_language_does_not_follow_the_word(client):
    member = factories.MemberFactory(language="az")
    factories.BookingFactory(booked_by=member.user)

    confirmed = reply(client, member.phone, "ДА")

    assert reads_as("az", CONFIRMED, confirmed), confirmed
    assert THANKS["ru"] not in confirmed


def test_a_refusal_comes_in_the_persons_language(client):
    member = factories.MemberFactory(language="ru")
    factories.BookingFactory(booked_by=member.user, starts_at=factories.from_now(hours=3))

    assert reply(client, member.phone, "ВХОД").startswith("Отметиться можно с ")


def test_an_unknown_number_is_answered_in_the_language_of_its_word(client):
    assert reply(client, "+998901234560", "ОТМЕНА") == translated("ru", HELP)
    assert reply(client, "+998901234561", "BEKOR") == translated("uz", HELP)
    assert reply(client, "+998901234562", "C") == HELP


@pytest.mark.parametrize("language", [*TRANSLATED, "en"])
def test_the_words_a_reply_names_are_words_we_accept(client, language):
    member = factories.MemberFactory(language=language)
    factories.BookingFactory(booked_by=member.user)
    help_text = reply(client, member.phone, "HELP")
    opted_out = reply(client, member.phone, "STOP")
    opted_in = reply(client, member.phone, "START")

    for word, action in [("C", Action.CANCEL), ("Y", Action.CONFIRM), ("IN", Action.CHECK_IN)]:
        assert f"{word} " in help_text
        assert parse_command(word).action == action
    assert "OUT " in help_text and "STOP " in help_text
    assert "START" in opted_out
    assert HELP_WORD[language] in opted_in
    assert parse_command(HELP_WORD[language]).action == Action.HELP
    assert reply(client, member.phone, HELP_WORD[language]) == help_text


@pytest.mark.parametrize("language", [*TRANSLATED, "en"])
def test_replies_without_a_name_fit_two_segments(client, language):
    """Uzbek is written with the ASCII apostrophe, so its replies stay GSM-7 like English."""
    member = factories.MemberFactory(language=language)
    idle = factories.MemberFactory(language=language)
    factories.BookingFactory(booked_by=member.user)
    bodies = [
        reply(client, member.phone, "HELP"),
        reply(client, member.phone, "what?"),
        reply(client, idle.phone, "Y"),
        reply(client, member.phone, "STOP"),
        reply(client, member.phone, "START"),
    ]

    for body in bodies:
        segments, encoding = segment_count(body)
        assert segments <= 2, body
        if language in ("en", "uz"):
            assert (segments, encoding) == (1, "GSM-7"), body
