"""Every message kind in every language: translated, in local time, in as few segments as
its content allows, and asking for a reply only through a sender that takes one."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from notifications.models import Notification
from notifications.sms.messages import MessageFacts, render_message, segment_budget
from notifications.sms.segment_table import (
    INVITATION_KINDS,
    INVITATION_SAMPLE,
    SAMPLE,
    Variant,
    markdown_table,
    variants,
)
from notifications.sms.segments import segment_count

LANGUAGES = [code for code, _name in settings.LANGUAGES]
KINDS = Notification.Kind.values
Kind = Notification.Kind
LINKED = {
    Kind.BOOKING_CONFIRMED,
    Kind.REGISTRATION_CONFIRMED,
    Kind.REGISTRATION_PROMOTED,
}
CODES = {Kind.SIGN_IN_CODE, Kind.SIGN_UP_CODE, Kind.RECOVERY_CODE, Kind.PHONE_CHANGE_CODE}
# Messages about an account, not about something on a day.
UNDATED = {
    Kind.REGISTRATION_WAITLISTED,
    Kind.INVITATION,
    Kind.MEMBERSHIP_APPROVED,
    Kind.MEMBERSHIP_DECLINED,
    Kind.PHONE_CHANGED,
    Kind.SIGN_UP_ATTEMPT,
    Kind.HOST_WAITING,
}
# Messages about a whole event: its day, not a session's time.
EVENT_DAY = {Kind.EVENT_CANCELLED, Kind.REGISTRATION_CANCELLED, Kind.REGISTRATION_DECLINED}
# A reply command: the Latin C or Y on its own (not a name cut to "C…" or "C...").
REPLY_WORD = re.compile(r"(?<!\w)[CY](?![\w…]|\.\.)")
DOCS = Path(__file__).resolve().parents[3] / "docs" / "sms.md"

LONG = MessageFacts(
    **{
        **SAMPLE.__dict__,
        "space": "Mingachevir Regional Youth and Civil Society Information Centre",
        "resource": "Large conference hall with interpretation booths",
        "event": "Forum of women's NGOs of the southern regions on local budgets and oversight",
        "reason": "The regional administration asked us to lend the hall for elections.",
    }
)


def test_languages_cover_the_network():
    assert set(LANGUAGES) >= {"en", "az", "ru", "uk", "uz"}


def test_the_docs_table_is_what_the_templates_cost():
    """docs/sms.md tables every template × language × sender; this keeps it true, and so
    locks each one's segments: a longer translation shows up here as a changed row.
    Regenerate with `manage.py sms_segments_table --write`."""
    assert markdown_table() in DOCS.read_text(encoding="utf-8")


@pytest.mark.parametrize("variant", variants(), ids=repr)
def test_every_template_renders_whole_in_local_time_within_its_cap(variant):
    body = variant.render()
    segments, encoding = segment_count(body)
    assert "%(" not in body
    assert segments <= segment_budget(variant.kind)
    if variant.kind in CODES:
        assert "482913" in body
    elif variant.kind in INVITATION_KINDS:
        assert INVITATION_SAMPLE.link in body
    elif variant.kind not in UNDATED:
        # 06:30 UTC is 10:30 in Baku: a message in UTC would say 06:30.
        assert "01.12" in body
        if variant.kind not in EVENT_DAY:
            assert "10:30" in body and "06:30" not in body
    if variant.two_way and variant.kind in LINKED:
        assert body.endswith(SAMPLE.link)
    if variant.plain_latin:
        assert encoding == "GSM-7"


@pytest.mark.parametrize("variant", variants(), ids=repr)
def test_one_segment_wherever_the_content_allows(variant):
    """Without a link, the text around the names fits one segment in every language and
    alphabet: with short names the message is one segment."""
    short = MessageFacts(**{**SAMPLE.__dict__, "space": "Ganja", "reason": "Power cut."})
    body = variant.render(short)
    has_link = SAMPLE.link in body or SAMPLE.manage in body
    if not has_link or segment_count(body)[1] == "GSM-7":
        assert segment_count(body)[0] == 1, body


@pytest.mark.parametrize("variant", variants(), ids=repr)
def test_long_names_are_shortened_to_keep_the_cap(variant):
    body = variant.render(LONG)
    assert segment_count(body)[0] <= segment_budget(variant.kind)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_a_one_way_sender_never_asks_for_a_reply(kind, language):
    two_way = render_message(kind=kind, language=language, facts=SAMPLE, two_way=True)
    one_way = render_message(kind=kind, language=language, facts=SAMPLE, two_way=False)
    assert not REPLY_WORD.search(one_way), one_way
    if REPLY_WORD.search(two_way):
        # What replaced the reply: a link to act on, or to the calendar.
        assert SAMPLE.manage in one_way or SAMPLE.link in one_way


@pytest.mark.parametrize("language", LANGUAGES)
def test_reminders_through_a_two_way_sender_tell_how_to_reply(language):
    for kind in (Kind.BOOKING_REMINDER, Kind.EVENT_REMINDER):
        body = render_message(kind=kind, language=language, facts=LONG, two_way=True)
        assert {"C", "Y"} <= set(REPLY_WORD.findall(body))


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
@pytest.mark.parametrize("two_way", [True, False])
def test_messages_are_translated_not_copied(language, two_way):
    for kind in KINDS:
        english = Variant(kind, "en", two_way).render()
        assert Variant(kind, language, two_way).render() != english


def test_a_ukrainian_confirmation_is_no_longer_three_segments():
    body = Variant(Kind.BOOKING_CONFIRMED, "uk", two_way=True).render()
    assert segment_count(body) == (2, "UCS-2")
    assert "Training room" in body and "10:30-13:00" in body and body.endswith(SAMPLE.link)


def test_plain_latin_turns_an_azerbaijani_reminder_into_one_gsm7_segment():
    facts = MessageFacts(**{**SAMPLE.__dict__, "space": "Gəncə Gənclər Mərkəzi"})
    plain = Variant(Kind.BOOKING_REMINDER, "az", two_way=True, plain_latin=True).render(facts)
    assert segment_count(plain) == (1, "GSM-7")
    assert "Gence Gencler Merkezi" in plain and "gelecem" in plain and "legv" in plain


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("two_way", [True, False])
def test_the_hosts_notice_is_one_segment_in_every_language(language, two_way):
    """However many wait (three digits), with the inbox's link on a site as long as ours."""
    facts = MessageFacts(count=128, manage="https://cowork.example.org/inbox/")
    body = render_message(kind=Kind.HOST_WAITING, language=language, facts=facts, two_way=two_way)
    assert "128" in body and body.endswith("/inbox/")
    assert segment_count(body)[0] == 1, body
