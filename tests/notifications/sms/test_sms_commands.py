"""parse_command: the words people text back, in every language the network speaks."""

import pytest

from notifications.sms.commands import (
    TABLE,
    TWILIO_OPT_IN,
    TWILIO_OPT_OUT,
    WORDS,
    Action,
    command_from_twilio,
    parse_command,
)

A = Action


@pytest.mark.parametrize(
    ("body", "action"),
    [
        ("C", A.CANCEL),
        ("c", A.CANCEL),
        ("С", A.CANCEL),  # Cyrillic
        ("с", A.CANCEL),
        ("Y", A.CONFIRM),
        ("yes", A.CONFIRM),
        ("IN", A.CHECK_IN),
        ("check in", A.CHECK_IN),
        ("out", A.CHECK_OUT),
        ("HELP", A.HELP),
        ("info", A.HELP),
        ("?", A.HELP),
        ("STOP", A.OPT_OUT),
        ("START", A.OPT_IN),
        ("unstop", A.OPT_IN),
    ],
)
def test_english_and_universal_words(body, action):
    assert parse_command(body).action == action


@pytest.mark.parametrize(
    ("body", "action", "language"),
    [
        # Russian
        ("ОТМЕНА", A.CANCEL, "ru"),
        ("отменить", A.CANCEL, "ru"),
        ("ДА", A.CONFIRM, "ru"),
        ("Вход", A.CHECK_IN, "ru"),
        ("пришел", A.CHECK_IN, "ru"),  # Ё typed as Е
        ("ВЫХОД", A.CHECK_OUT, "ru"),
        ("помощь", A.HELP, "ru"),
        ("ОТПИСАТЬСЯ", A.OPT_OUT, "ru"),
        # Ukrainian
        ("СКАСУВАТИ", A.CANCEL, "uk"),
        ("так", A.CONFIRM, "uk"),
        ("ВХІД", A.CHECK_IN, "uk"),
        ("вихід", A.CHECK_OUT, "uk"),
        ("ДОПОМОГА", A.HELP, "uk"),
        # Azerbaijani, with and without its letters
        ("LƏĞV", A.CANCEL, "az"),
        ("ləğv et", A.CANCEL, "az"),
        ("LEGV", A.CANCEL, "az"),
        ("BƏLİ", A.CONFIRM, "az"),
        ("bəli", A.CONFIRM, "az"),
        ("Beli", A.CONFIRM, "az"),
        ("HƏ", A.CONFIRM, "az"),
        ("GİRİŞ", A.CHECK_IN, "az"),
        ("giris", A.CHECK_IN, "az"),
        ("ÇIXIŞ", A.CHECK_OUT, "az"),
        ("çıxış", A.CHECK_OUT, "az"),
        ("KÖMƏK", A.HELP, "az"),
        # Uzbek, Latin and Cyrillic
        ("BEKOR", A.CANCEL, "uz"),
        ("bekor qilish", A.CANCEL, "uz"),
        ("БЕКОР", A.CANCEL, "uz"),
        ("HA", A.CONFIRM, "uz"),
        ("ҳа", A.CONFIRM, "uz"),
        ("KIRISH", A.CHECK_IN, "uz"),
        ("CHIQISH", A.CHECK_OUT, "uz"),
        ("YORDAM", A.HELP, "uz"),
        ("Toʻxta", A.OPT_OUT, "uz"),
        ("To'xta", A.OPT_OUT, "uz"),
    ],
)
def test_localized_words(body, action, language):
    command = parse_command(body)

    assert command is not None, body
    assert (command.action, command.language) == (action, language)


@pytest.mark.parametrize(
    "body", ["  c  ", "C.", "c!", "C!!!", "y?", "Y 👍", "ДА!", "так.", "\tIN\n", "OUT…", "Bəli!"]
)
def test_case_spaces_and_trailing_punctuation_do_not_matter(body):
    assert parse_command(body) is not None


@pytest.mark.parametrize(
    "body",
    ["", "   ", "!!!", "CC", "cancel my booking please", "STOP PLEASE", "YESS", "D", "2", "C 4"],
)
def test_anything_else_is_not_a_command(body):
    assert parse_command(body) is None


def test_a_body_far_longer_than_any_word_is_not_a_command():
    assert parse_command("YES" * 100) is None
    assert parse_command("BEKOR QILISH " * 10) is None


def test_every_twilio_opt_out_word_opts_out():
    for word in TWILIO_OPT_OUT:
        assert parse_command(word).action == A.OPT_OUT, word


def test_english_cancel_is_an_opt_out_as_for_twilio_and_c_is_a_cancellation():
    assert parse_command("CANCEL").action == A.OPT_OUT
    assert parse_command("C").action == A.CANCEL


def test_only_twilio_opt_in_words_lift_an_opt_out():
    lifting = {word for word, (action, _l) in TABLE.items() if parse_command(word).opts_in}

    assert lifting == TWILIO_OPT_IN
    assert parse_command("YES").action == A.CONFIRM
    assert not parse_command("Y").opts_in
    assert not parse_command("ДА").opts_in


def test_words_shared_by_languages_give_no_language_away():
    assert parse_command("СТОП").language is None  # Russian and Ukrainian
    assert parse_command("C").language is None


def test_every_language_of_the_network_has_every_command_but_stop_and_start():
    for language in ("en", "ru", "uk", "az", "uz"):
        actions = set(WORDS[language]) | set(WORDS[""])
        assert {A.CANCEL, A.CONFIRM, A.CHECK_IN, A.CHECK_OUT, A.HELP} <= actions, language


def test_no_word_means_two_things():
    # _table() raises on a clash when the module loads; this keeps the table honest.
    assert len(TABLE) > 60


@pytest.mark.parametrize(
    ("opt_out_type", "body", "action"),
    [("STOP", "ARRET", A.OPT_OUT), ("START", "GO", A.OPT_IN), ("HELP", "AIDE", A.HELP)],
)
def test_twilio_advanced_opt_out_type_names_the_command(opt_out_type, body, action):
    command = command_from_twilio(opt_out_type=opt_out_type, body=body)

    assert command.action == action
    assert command.opts_in == (action == A.OPT_IN)


def test_no_opt_out_type_leaves_the_body_to_parse():
    assert command_from_twilio(opt_out_type="", body="STOP") is None
