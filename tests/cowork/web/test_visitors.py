"""The "+1 visitor" posts and the door kiosk through Django's request stack."""

import pytest

from cowork.models import WalkIn
from cowork.services.displays import display_token_create, display_token_revoke
from tests.factories import HostFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def host(space):
    return HostFactory(space=space).user


@pytest.fixture
def tablet(space, host):
    token, key = display_token_create(space=space, host=host, name="Front door")
    return token, key


def test_a_plain_post_counts_once_and_comes_back_to_the_dashboard(client, space, host):
    client.force_login(host)
    url = f"/centres/{space.slug}/live/visitor/"
    response = client.post(url, {"client_key": "abc", "gender": "female", "age_band": ""})
    assert response.status_code == 302
    assert response["Location"] == f"/centres/{space.slug}/live/?visitor=counted#visitor"
    again = client.post(url, {"client_key": "abc", "gender": "female"})
    assert again["Location"].endswith("?visitor=again#visitor")
    assert WalkIn.objects.get().logged_by == host
    page = client.get(f"/centres/{space.slug}/live/?visitor=counted")
    assert "Counted: one more visitor." in page.content.decode()
    assert 'data-figure="visits_today">1<' in page.content.decode()


def test_a_script_post_is_answered_with_the_days_figures(client, space, host):
    client.force_login(host)
    url = f"/centres/{space.slug}/live/visitor/"
    answer = client.post(url, {"client_key": "k1", "age_band": "65+"}, **JSON).json()
    assert (answer["counted"], answer["visits_today"], answer["unique_visitors_today"]) == (
        True, 1, 1,
    )  # fmt: skip
    assert answer["client_key"] and answer["client_key"] != "k1"
    bad = client.post(url, {"client_key": "k2", "gender": "robot"}, **JSON)
    assert bad.status_code == 400 and bad.json()["error"]
    assert WalkIn.objects.count() == 1


def test_someone_who_does_not_work_there_counts_nothing(client, space):
    client.force_login(UserFactory())
    response = client.post(f"/centres/{space.slug}/live/visitor/", {"client_key": "x"})
    assert response.status_code == 403
    assert not WalkIn.objects.exists()


def test_only_a_working_lobby_display_is_a_door_tablet(client, space, host, tablet):
    token, key = tablet
    assert client.post(f"/displays/{key}/visitor/", {"client_key": "t1"}).status_code == 302
    _room_token, room_key = display_token_create(
        space=space, host=host, name="Room door", room=RoomFactory(space=space)
    )
    assert client.post(f"/displays/{room_key}/visitor/", {"client_key": "t2"}).status_code == 404
    display_token_revoke(token=token, host=host)
    assert client.post(f"/displays/{key}/visitor/", {"client_key": "t3"}).status_code == 404
    assert client.get(f"/displays/{key}/sign-in/").status_code == 404
    assert WalkIn.objects.get().source == "tablet"


def test_the_kiosk_refuses_a_bad_phone_and_answers_without_consent(client, space, tablet):
    _token, key = tablet
    url = f"/displays/{key}/sign-in/"
    page = client.get(url)
    assert page.status_code == 200 and page["X-Robots-Tag"] == "noindex"
    bad = client.post(url, {"client_key": "a", "phone": "12"})
    assert bad.status_code == 400
    assert "is not a valid phone number" in bad.content.decode()
    unconsented = client.post(url, {"client_key": "b", "gender": "male"})
    assert unconsented.status_code == 400
    assert "tick the consent box" in unconsented.content.decode()
    assert not WalkIn.objects.exists()
    signed = client.post(
        url, {"client_key": "c", "gender": "male", "consent": "on", "phone": "050 111 22 33"}
    )
    assert "Thank you! You are signed in." in signed.content.decode()
    again = client.post(url, {"client_key": "d", "phone": "+994501112233"})
    assert "You are signed in for today already." in again.content.decode()
    assert WalkIn.objects.get().gender == "male"
