"""My data as a page and a file, deleting an account after a confirmation, and the same
for a network admin acting on a person's request."""

import json

import pytest

from cowork.models.people import DisabilityStatus, disability_status
from tests import factories

pytestmark = pytest.mark.django_db


def test_my_data_page_and_file_show_what_is_held(client):
    member = factories.MemberFactory(phone="+994501112299")
    client.force_login(member.user)
    page = client.get("/profile/data/").content.decode()
    assert "+994501112299" in page and member.user.email in page
    response = client.get("/profile/data.json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["profile"][0]["phone"] == "+994501112299"


def test_deleting_my_account_needs_the_confirmation_then_signs_me_out(client):
    member = factories.MemberFactory()
    client.force_login(member.user)
    refused = client.post("/profile/delete/", {})
    assert refused.status_code == 400 and "Tick the box" in refused.content.decode()
    member.user.refresh_from_db()
    assert member.user.is_active
    assert client.post("/profile/delete/", {"confirm": "on"}).status_code == 302
    member.user.refresh_from_db()
    assert not member.user.is_active
    assert client.get("/profile/").status_code == 302  # signed out


def test_a_network_admin_finds_a_person_downloads_and_deletes_on_request(client):
    person = factories.MemberFactory(user__first_name="Olena", phone="+994501112200").user
    client.force_login(factories.network_admin())
    found = client.get("/network/people/", {"q": "Olena"}).content.decode()
    assert f"/network/people/{person.pk}/data/" in found
    assert "+99450*****00" in found and "+994501112200" not in found
    assert client.get(f"/network/people/{person.pk}/data/").status_code == 200
    data = json.loads(client.get(f"/network/people/{person.pk}/data.json").content)
    assert data["profile"][0]["phone"] == "+994501112200"
    assert client.get(f"/network/people/{person.pk}/delete/").status_code == 200
    assert client.post(f"/network/people/{person.pk}/delete/", {"confirm": "on"}).status_code == 302
    person.refresh_from_db()
    assert not person.is_active
    assert client.get(f"/network/people/{person.pk}/data/").status_code == 404


def test_people_pages_are_for_network_admins_only(client):
    person = factories.MemberFactory().user
    client.force_login(factories.MemberFactory().user)
    for url in ("/network/people/", f"/network/people/{person.pk}/data/"):
        assert client.get(url).status_code == 403
    assert client.post(f"/network/people/{person.pk}/delete/", {"confirm": "on"}).status_code == 403
    person.refresh_from_db()
    assert person.is_active


@pytest.mark.parametrize(
    ("answers", "old", "status"),
    [
        (["none", "some", "a_lot", "", "", ""], "", DisabilityStatus.WITH),
        (["cannot"] + [""] * 5, "no", DisabilityStatus.WITH),
        (["none", "some", "some", "none", "none", "none"], "yes", DisabilityStatus.WITHOUT),
        (["none", "undisclosed", "none", "none", "none", "none"], "", DisabilityStatus.UNKNOWN),
        (["some"] + [""] * 5, "yes", DisabilityStatus.UNKNOWN),
        ([""] * 6, "yes", DisabilityStatus.WITH),
        (["undisclosed"] * 6, "no", DisabilityStatus.WITHOUT),
        ([""] * 6, "undisclosed", DisabilityStatus.UNKNOWN),
        ([""] * 6, "", DisabilityStatus.UNKNOWN),
    ],
)
def test_with_disability_follows_the_washington_group_cut_off_then_the_old_answer(
    answers, old, status
):
    assert disability_status(wg_answers=answers, disability=old) == status


def test_hosts_still_open_the_attendance_of_a_session_an_erased_person_came_to(client):
    from cowork.models import Attendance
    from cowork.services.personal_data import account_erase

    member = factories.MemberFactory(phone="+994501112277")
    event = factories.EventFactory(starts_at=factories.from_now(days=-2), capacity=5)
    participant = factories.ParticipantFactory(phone=member.phone, name="Olena")
    registration = factories.RegistrationFactory(event=event, participant=participant)
    Attendance.objects.create(session=event.sessions.get(), participant=participant, method="host")
    account_erase(user=member.user, acting_user=member.user)
    host = factories.HostFactory(space=event.space).user
    client.force_login(host)
    page = client.get(f"/events/{event.pk}/manage/attendance/")
    assert page.status_code == 200
    assert "Olena" not in page.content.decode() and "+994501112277" not in page.content.decode()
    registration.refresh_from_db()
    assert registration.status == "confirmed"  # past: kept, and counted


def test_my_walk_ins_show_on_my_data_and_on_a_network_admins_view_of_me(client):
    member = factories.member_who_walked_in(phone="+994501112277")
    client.force_login(member.user)
    client.cookies["django_language"] = "ru"
    mine = client.get("/profile/data/").content.decode()
    assert "Молодёжный центр" in mine and "12:30" in mine and "3 марта 2025" in mine
    (visit,) = json.loads(client.get("/profile/data.json").content)["walk_ins"]
    assert (visit["day"], visit["time"], visit["space"]) == (
        "2025-03-03",
        "12:30",
        "Молодёжный центр",
    )
    client.force_login(factories.network_admin())
    client.cookies["django_language"] = "en"
    theirs = client.get(f"/network/people/{member.user.pk}/data/").content.decode()
    assert "Youth Centre" in theirs and "12:30" in theirs
