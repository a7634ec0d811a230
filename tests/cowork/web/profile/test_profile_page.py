"""The profile page: a member changes their details, reminders and demographics, and bad
input is refused with a clear error, changing nothing."""

import datetime

import pytest

from cowork.models import DomainEvent, DomainEventKind, Member
from cowork.models.people import DisabilityStatus
from tests import factories

pytestmark = pytest.mark.django_db

DETAILS = {
    "name": "Nigar Aliyeva",
    "email": "nigar@example.org",
    "language": "az",
}
REMINDERS = {
    "booking_reminders": "on",
    "timing": "mine",
    "minutes": ["180"],
    "quiet_from": "22:00",
    "quiet_until": "07:30",
}


def _member(client):
    member = factories.MemberFactory(language="ru")
    client.force_login(member.user)
    return member


def test_profile_page_shows_the_members_details_and_links_calendar_and_data(client):
    member = _member(client)
    page = client.get("/profile/").content.decode()
    assert member.user.get_full_name() in page
    assert member.phone in page
    assert "/profile/calendar/" in page and "/profile/data/" in page
    assert 'href="/account/phone/"' in page  # the accounts pages change a phone


def test_profile_needs_sign_in(client):
    assert client.get("/profile/").status_code == 302


def test_saving_the_details_changes_name_email_language_and_page_language(client):
    member = _member(client)
    response = client.post("/profile/", DETAILS)
    assert response.status_code == 302
    member.refresh_from_db()
    member.user.refresh_from_db()
    assert member.user.get_full_name() == "Nigar Aliyeva"
    assert member.user.email == "nigar@example.org" and member.language == "az"
    assert response.cookies["django_language"].value == "az"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Nigar\x07Aliyeva", "control or invisible characters"),
        ("Nigar\x00Aliyeva", "Null characters are not allowed"),
        ("Nigar\u202eavey", "control or invisible characters"),
        ("N" * 151, "at most 150 characters"),
        ("x" * 10_000, "at most 150 characters"),
        ("   ", "Enter your name"),
    ],
)
def test_a_bad_name_is_refused_and_nothing_changes(client, name, message):
    member = _member(client)
    before = member.user.get_full_name()
    response = client.post("/profile/", {**DETAILS, "name": name})
    assert response.status_code == 400
    assert message in response.content.decode()
    member.user.refresh_from_db()
    member.refresh_from_db()
    assert member.user.get_full_name() == before and member.language == "ru"


def test_an_email_used_by_another_account_is_refused_whatever_its_case(client):
    factories.UserFactory(email="taken@example.org")
    member = _member(client)
    before = member.user.email
    response = client.post("/profile/", {**DETAILS, "email": "Taken@Example.org"})
    assert response.status_code == 400
    assert "already used by another account" in response.content.decode()
    member.user.refresh_from_db()
    assert member.user.email == before


def test_reminder_choices_are_saved_and_announced_to_the_messaging_layer(client):
    member = _member(client)
    assert client.post("/profile/reminders/", REMINDERS).status_code == 302
    member.refresh_from_db()
    assert member.booking_reminders and not member.event_reminders
    assert member.reminder_minutes == [180]
    assert (member.quiet_from, member.quiet_until) == (datetime.time(22), datetime.time(7, 30))
    event = DomainEvent.objects.get(kind=DomainEventKind.MEMBER_REMINDERS_CHANGED)
    assert event.payload == {"member": member.pk, "version": 1}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"quiet_from": "late", "quiet_until": "07:00"}, "Enter a time"),
        ({"quiet_from": "25:00", "quiet_until": "07:00"}, "Enter a time"),
        ({"quiet_from": "22:00", "quiet_until": ""}, "or neither"),
        ({"minutes": []}, "Tick at least one time"),
        ({"minutes": ["7"]}, "Select a valid choice"),
    ],
)
def test_bad_reminder_choices_are_refused_and_nothing_changes(client, change, message):
    member = _member(client)
    response = client.post("/profile/reminders/", {**REMINDERS, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    member.refresh_from_db()
    assert member.reminder_minutes is None and member.quiet_from is None
    assert not DomainEvent.objects.filter(kind=DomainEventKind.MEMBER_REMINDERS_CHANGED).exists()


def test_demographics_are_kept_with_consent_and_count_by_the_washington_group(client):
    member = _member(client)
    participant = factories.ParticipantFactory(phone=member.phone)
    answers = {"gender": "female", "age_band": "25-34", "wg_seeing": "none", "wg_walking": "a_lot"}
    response = client.post("/profile/demographics/", {**answers, "consent": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    participant.refresh_from_db()
    assert member.demographics_consent_at is not None and member.wg_walking == "a_lot"
    assert participant.gender == "female" and participant.wg_walking == "a_lot"
    assert member.disability_status == DisabilityStatus.WITH


def test_demographics_without_consent_are_refused_and_nothing_is_stored(client):
    member = _member(client)
    response = client.post("/profile/demographics/", {"gender": "female", "wg_seeing": "some"})
    assert response.status_code == 400
    assert "only with your consent" in response.content.decode()
    member.refresh_from_db()
    assert member.gender == "" and member.wg_seeing == "" and member.demographics_consent_at is None


def test_withdrawing_consent_deletes_every_answer_also_the_old_one(client):
    member = _member(client)
    participant = factories.ParticipantFactory(phone=member.phone)
    client.post(
        "/profile/demographics/", {"gender": "male", "wg_hearing": "cannot", "consent": "on"}
    )
    Member.objects.filter(pk=member.pk).update(disability="yes")
    assert client.post("/profile/demographics/withdraw/").status_code == 302
    member.refresh_from_db()
    participant.refresh_from_db()
    for person in (member, participant):
        assert person.gender == person.wg_hearing == person.disability == ""
        assert person.demographics_consent_at is None


@pytest.mark.parametrize("language", ["en", "az", "ru", "uk", "uz"])
def test_the_washington_group_questions_are_asked_in_every_language(client, language):
    _member(client)
    client.cookies["django_language"] = language
    page = client.get("/profile/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'lang="{language}"' in page
    if language != "en":
        assert "Do you have difficulty seeing" not in page
        assert "No difficulty" not in page
