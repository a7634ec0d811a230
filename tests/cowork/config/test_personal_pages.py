"""Pages made for one person are kept by no cache; public pages keep their caching."""

import pytest
from django.test import Client

from cowork.services.api_tokens import api_token_create
from tests.factories import HostFactory, MemberFactory


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def _not_stored(response) -> bool:
    return "no-store" in _directives(response)


@pytest.fixture
def member_client(db):
    client = Client()
    client.force_login(MemberFactory().user)
    return client


@pytest.mark.parametrize("path", ["/", "/bookings/", "/profile/calendar/", "/events/"])
def test_a_signed_in_persons_pages_are_private_and_not_stored(member_client, path):
    response = member_client.get(path)
    assert response.status_code == 200, path
    assert {"private", "no-store"} <= _directives(response), path


def test_answers_to_an_api_key_are_private_and_not_stored(db):
    _token, key = api_token_create(user=MemberFactory().user, name="phone app")
    response = Client().get("/api/v1/spaces", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)


def test_a_hosts_pages_with_names_and_phones_are_not_stored(space):
    client = Client()
    client.force_login(HostFactory(space=space).user)
    for path in (
        f"/centres/{space.slug}/calendar/",
        f"/centres/{space.slug}/live/",
        f"/centres/{space.slug}/events/",
        "/reports/",
        "/admin/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert _not_stored(response), path


def test_the_code_page_of_a_sign_in_under_way_is_not_stored(db):
    client = Client()
    client.post("/signin/sms/", {"phone": "+994507000001"})
    response = client.get("/signin/sms/code/")
    assert response.status_code == 200
    assert _not_stored(response)
    # Anything else this visitor sees meanwhile is theirs too.
    assert _not_stored(client.get("/"))


def test_public_pages_for_a_visitor_keep_their_caching(space):
    for path in ("/", f"/centres/{space.slug}/", f"/centres/{space.slug}/programme/"):
        response = Client().get(path)
        assert response.status_code == 200, path
        assert "no-store" not in response.get("Cache-Control", ""), path


def test_a_public_feed_keeps_its_own_caching_even_for_a_signed_in_person(member_client, space):
    response = member_client.get(f"/calendar/centres/{space.slug}/programme.ics")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
