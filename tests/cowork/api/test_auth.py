"""Who may call the API: a bearer token or the web session, and tokens' whole life."""

import datetime

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client

from cowork.models import ApiToken
from cowork.services.api_tokens import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
)
from tests.cowork.api.conftest import Api, slot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# When a token is first used, or first revoked.
FIRST = datetime.datetime(2027, 3, 1, 10, 0, tzinfo=datetime.UTC)


def test_token_is_stored_only_as_its_hash(member):
    token, key = api_token_create(user=member, name="calendar sync")
    assert key.startswith("cwk_")
    assert token.key_hash == ApiToken.hash(key)
    assert token.prefix == key[:8]
    assert not ApiToken.objects.filter(key_hash=key).exists()


def test_signed_in_session_reads_without_a_token(client, member):
    client.force_login(member)
    response = client.get("/api/v1/bookings")
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


def test_session_writes_need_the_csrf_token(member, desk, monday):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    body = slot(desk, monday)
    refused = browser.post("/api/v1/bookings", body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    assert not desk.bookings.exists()

    token = "k" * 32  # the cookie a page of the web app would have set
    browser.cookies[settings.CSRF_COOKIE_NAME] = token
    accepted = browser.post(
        "/api/v1/bookings",
        body,
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 201


def test_bearer_token_needs_no_csrf_token(member, desk, monday):
    _token, key = api_token_create(user=member, name="script")
    api = Api(Client(enforce_csrf_checks=True), key)
    response = api.post("/bookings", slot(desk, monday))
    assert response.status_code == 201


def test_anonymous_write_hears_401_not_a_csrf_complaint(desk):
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/bookings", {}, content_type="application/json"
    )
    assert response.status_code == 401


def test_last_used_is_written_at_most_once_a_minute(member):
    token, key = api_token_create(user=member, name="script")
    api_token_authenticate(key=key, now=FIRST)
    api_token_authenticate(key=key, now=FIRST + datetime.timedelta(seconds=59))
    token.refresh_from_db()
    assert token.last_used_at == FIRST
    later = FIRST + datetime.timedelta(seconds=61)
    api_token_authenticate(key=key, now=later)
    token.refresh_from_db()
    assert token.last_used_at == later


def test_a_request_marks_the_token_used(client, member):
    token, key = api_token_create(user=member, name="script")
    assert token.last_used_at is None
    Api(client, key).get("/bookings")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoking_twice_keeps_the_first_moment(member):
    token, _key = api_token_create(user=member, name="script")
    api_token_revoke(token=token, now=FIRST)
    api_token_revoke(token=token, now=FIRST + datetime.timedelta(days=1))
    assert ApiToken.objects.get(pk=token.pk).revoked_at == FIRST


# --- Management commands --------------------------------------------------------------------


def test_create_api_token_prints_a_working_key_once(client, capsys):
    user = UserFactory(username="ana")
    call_command("create_api_token", "ana", "--name", "sync")
    out, err = capsys.readouterr()
    key = out.strip()
    assert key.startswith("cwk_") and "\n" not in key
    assert "shown only once" in err
    assert key not in err
    token = ApiToken.objects.get(user=user)
    assert token.name == "sync"
    assert Api(client, key).get("/bookings").status_code == 200


def test_create_api_token_for_an_unknown_user_fails():
    with pytest.raises(CommandError, match="No user named"):
        call_command("create_api_token", "nobody")


def test_revoke_api_token_by_prefix_stops_the_key_at_once(client, capsys):
    UserFactory(username="ana")
    call_command("create_api_token", "ana")
    key = capsys.readouterr().out.strip()
    api = Api(client, key)
    assert api.get("/bookings").status_code == 200
    call_command("revoke_api_token", key[:8])
    assert "Revoked" in capsys.readouterr().out
    assert api.get("/bookings").status_code == 401


def test_revoke_api_token_by_id(client, member):
    token, key = api_token_create(user=member, name="script")
    call_command("revoke_api_token", str(token.pk))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Api(client, key).get("/bookings").status_code == 401


def test_revoke_api_token_refuses_an_ambiguous_prefix(member):
    for name in ("one", "two"):
        ApiToken.objects.create(
            user=member, name=name, prefix="cwk_same", key_hash=ApiToken.hash(name)
        )
    with pytest.raises(CommandError, match="Several tokens"):
        call_command("revoke_api_token", "cwk_same")
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


def test_revoke_api_token_with_no_match_fails():
    with pytest.raises(CommandError, match="No API token"):
        call_command("revoke_api_token", "cwk_zzzz")


def test_a_token_comes_with_its_user_profile_and_roles_in_one_query(member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cowork.models import SpaceRole
    from cowork.selectors.access import HOLDS_SPACE_ROLE
    from tests.factories import HostFactory, MemberFactory, OrganizationFactory

    organization = OrganizationFactory()
    profile = MemberFactory(organization=organization)
    bare = UserFactory()  # no member profile at all
    host = HostFactory().user
    for user, holds_role in ((profile.user, False), (bare, False), (host, True)):
        _token, key = api_token_create(user=user, name="script")
        api_token_authenticate(key=key)  # the first use is written down
        with CaptureQueriesContext(connection) as queries:
            token = api_token_authenticate(key=key)
            read = token.user
            assert read.pk == user.pk and read.is_active
            assert getattr(read, HOLDS_SPACE_ROLE) is holds_role
            assert holds_role == SpaceRole.objects.filter(user=user).exists()
            profile_read = getattr(read, "member", None)
            organization_read = profile_read and profile_read.organization
        assert len(queries) == 2  # the token, and the check of its roles above
        if user == profile.user:
            assert profile_read.pk == profile.pk and organization_read == organization
        elif user == bare:
            assert profile_read is None
    assert api_token_authenticate(key="cwk_unknown") is None
    api_token_revoke(token=token)
    assert api_token_authenticate(key=key) is None
