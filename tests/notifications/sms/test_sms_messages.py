"""Every message kind in every language: translated, in local time, within its budget."""

import datetime
import zoneinfo

import pytest
from django.conf import settings

from notifications.models import Notification
from notifications.sms.messages import MessageFacts, render_message, segment_budget
from notifications.sms.segments import segment_count

LANGUAGES = [code for code, _name in settings.LANGUAGES]
KINDS = Notification.Kind.values
Kind = Notification.Kind
CODES = {Kind.SIGN_IN_CODE, Kind.SIGN_UP_CODE, Kind.RECOVERY_CODE, Kind.PHONE_CHANGE_CODE}
# Messages about an account, not about something on a day.
UNDATED = {
    Kind.REGISTRATION_WAITLISTED,
    Kind.INVITATION,
    Kind.MEMBERSHIP_APPROVED,
    Kind.MEMBERSHIP_DECLINED,
    Kind.PHONE_CHANGED,
    Kind.SIGN_UP_ATTEMPT,
}
BAKU = zoneinfo.ZoneInfo("Asia/Baku")
# 06:30 UTC is 10:30 in Baku: a message in UTC would say 06:30.
STARTS = datetime.datetime(2026, 12, 1, 6, 30, tzinfo=datetime.UTC)

TYPICAL = MessageFacts(
    space="Ganja Information Centre",
    resource="Meeting room",
    event="Round-table on youth employment",
    starts_at=STARTS,
    ends_at=STARTS + datetime.timedelta(hours=2),
    time_zone=BAKU,
    reason="Power cut in the building.",
    link="https://cowork.example.org/ics/b2s-AAAAAAAAAAAAAAAAAAAAAA/",
    code="482913",
    position=3,
)
LONG = MessageFacts(
    **{
        **TYPICAL.__dict__,
        "space": "Mingachevir Regional Youth and Civil Society Information Centre",
        "resource": "Large conference hall with interpretation booths",
        "event": "Forum of women's NGOs of the southern regions on local budgets and oversight",
        "reason": "The regional administration asked us to lend the hall for elections.",
    }
)


def test_languages_cover_the_network():
    assert set(LANGUAGES) >= {"en", "az", "ru", "uk", "uz"}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_within_its_budget_in_local_time(kind, language):
    body = render_message(kind=kind, language=language, facts=TYPICAL)
    assert "%(" not in body
    assert segment_count(body)[0] <= segment_budget(kind)
    if kind in CODES:
        assert "482913" in body
    elif kind == Kind.INVITATION:
        assert TYPICAL.link in body
    elif kind not in UNDATED:
        assert "01.12" in body
        if kind != Notification.Kind.EVENT_CANCELLED:
            assert "10:30" in body and "06:30" not in body
    # Typical names fit whole: shortening is for the unusual ones.
    assert "…" not in body


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_long_names_are_shortened_to_keep_the_budget(kind, language):
    body = render_message(kind=kind, language=language, facts=LONG)
    assert segment_count(body)[0] <= segment_budget(kind)


@pytest.mark.parametrize("language", LANGUAGES)
def test_reminders_keep_to_two_segments_and_tell_how_to_reply(language):
    for kind in (Notification.Kind.BOOKING_REMINDER, Notification.Kind.EVENT_REMINDER):
        body = render_message(kind=kind, language=language, facts=LONG)
        assert segment_count(body)[0] <= 2
        assert " C" in body and " Y" in body


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_messages_are_translated_not_copied(language):
    for kind in KINDS:
        english = render_message(kind=kind, language="en", facts=TYPICAL)
        assert render_message(kind=kind, language=language, facts=TYPICAL) != english


def test_the_confirmation_carries_the_calendar_link_whole():
    body = render_message(kind=Notification.Kind.BOOKING_CONFIRMED, language="az", facts=LONG)
    assert body.endswith(TYPICAL.link)
