"""Hosts make and revoke the displays of their centre's rooms and lobby; nobody else does."""

import re

import pytest
from django.urls import reverse

from cowork.models import DisplayToken
from tests.cowork.web.live_fixtures import signed_in
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db


def _displays(client, space):
    return client.get(reverse("web:displays", args=[space.slug]))


def test_host_creates_a_display_and_sees_its_address_only_once(client, host, space, room):
    signed_in(client, host)
    response = client.post(
        reverse("web:displays", args=[space.slug]), {"name": "Hall door", "room": room.pk}
    )
    assert response.status_code == 201
    html = response.content.decode()
    address = re.search(r'data-testid="display-url">(http://testserver/displays/([^/]+)/)<', html)
    assert address, html
    token = DisplayToken.objects.get(space=space)
    assert token.room == room and token.name == "Hall door"
    assert token.key_hash == DisplayToken.hash(address.group(2))
    assert client.get(address.group(1)).status_code == 200

    listing = _displays(client, space).content.decode()
    assert "Hall door" in listing
    assert address.group(2) not in listing
    assert 'data-testid="display-url"' not in listing


def test_a_display_needs_a_name_and_a_room_of_this_centre(client, host, space):
    other_room = RoomFactory()
    response = signed_in(client, host).post(
        reverse("web:displays", args=[space.slug]), {"name": " ", "room": other_room.pk}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "room"}
    assert not DisplayToken.objects.exists()


def test_host_revokes_a_display_by_post_only(client, host, space, display):
    token, _key = display
    url = reverse("web:display-revoke", args=[space.slug, token.pk])
    signed_in(client, host)
    assert client.get(url).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None

    response = client.post(url, follow=True)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    html = response.content.decode()
    assert "“Hall door” is switched off." in html
    assert "Revoked" in html
    assert f'action="{url}"' not in html


@pytest.mark.parametrize("who", ["member", "staff", "stranger_host"])
def test_only_hosts_manage_displays(client, request, space, display, who):
    token, _key = display
    signed_in(client, request.getfixturevalue(who))
    assert _displays(client, space).status_code == 403
    assert client.post(reverse("web:displays", args=[space.slug]), {"name": "X"}).status_code == 403
    revoke = reverse("web:display-revoke", args=[space.slug, token.pk])
    assert client.post(revoke).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
    assert DisplayToken.objects.count() == 1


def test_network_admin_manages_displays_of_any_centre(client, admin, space):
    assert _displays(signed_in(client, admin), space).status_code == 200
