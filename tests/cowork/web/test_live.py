"""The live pages in process: who may open which, what the JSON holds, display tokens.

The browser side (the websocket, polling, updates in place) is tests/browser/test_live.py.
"""

import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cowork.models import Participant
from cowork.selectors.occupancy import occupancy_snapshot
from cowork.services.booking import booking_check_in
from cowork.services.displays import display_token_create, display_token_revoke
from cowork.services.events import attendance_mark, event_create
from realtime import protocol
from tests.cowork.web.conftest import booked, local
from tests.cowork.web.live_fixtures import signed_in
from tests.factories import HostFactory

pytestmark = pytest.mark.django_db

SNAPSHOT_KEYS = {
    "type",
    "v",
    "seq",
    "space",
    "at",
    "resources",
    "head_count",
    "safety_capacity",
    "visits_today",
    "unique_visitors_today",
}
RESOURCE_KEYS = {"id", "name", "kind", "capacity", "state", "plan", "current", "next"}


@pytest.fixture
def at_half_past_ten(space, day, monkeypatch):
    """Every page and service of the test sees 10:30 local time on `day`."""
    moment = local(space, day, "10:30")
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


@pytest.fixture
def checked_in(space, desk, member, day, at_half_past_ten):
    """Nigar holds Desk 01 from 10:00 to 12:00 and is checked in."""
    booking = booked(desk, member, day, "10:00", "12:00", made="09:00")
    return booking_check_in(booking=booking, acting_user=member, now=local(space, day, "10:05"))


@pytest.fixture
def room_in_use(space, room, other_member, day, at_half_past_ten):
    return booked(
        room, other_member, day, "10:00", "11:00", made="09:00", purpose="Legal aid clinic"
    )


@pytest.fixture
def round_table(space, room, host, day, at_half_past_ten):
    """A round-table in the Hall 10:00–11:30, three people in; the host's booking holds the room."""
    event = event_create(
        space=space,
        room=room,
        host=host,
        kind="round_table",
        title="Round-table on local budgets",
        sessions=[(local(space, day, "10:00"), local(space, day, "11:30"))],
        capacity=10,
        now=local(space, day, "08:00"),
    )
    session = event.sessions.get()
    for index in range(3):
        guest = Participant.objects.create(name=f"Guest {index}", phone=f"+99450777{index:04d}")
        attendance_mark(
            session=session, participant=guest, host=host, now=local(space, day, "10:05")
        )
    return event


@pytest.fixture
def lobby(space, host):
    return display_token_create(space=space, host=host, name="Lobby")


def _private(space):
    space.members_see_occupancy = False
    space.save(update_fields=["members_see_occupancy"])


def _json(client, space, **query):
    return client.get(reverse("web:occupancy-json", args=[space.slug]), query)


# --- The dashboard ------------------------------------------------------------------------


def test_dashboard_shows_the_desk_occupied_the_room_in_use_with_names_and_the_head_count(
    client, host, space, checked_in, room_in_use
):
    page = signed_in(client, host).get(reverse("web:live-dashboard", args=[space.slug]))
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    spot = re.search(rf'<g class="[^"]*"[^>]*data-resource="{checked_in.resource_id}"[^>]*>', html)
    assert 'data-state="occupied"' in spot.group(0)
    # The host's plan names who holds the desk: in full in its label, shortly on the plan.
    holder = checked_in.booked_by.get_full_name()
    assert f'aria-label="Desk 01: Occupied — checked in, {holder}"' in spot.group(0)
    assert "state-occupied" in spot.group(0)
    first, last = holder.split()
    assert f'data-part="holder">{first} {last[0]}.</text>' in html
    # Hosts see who holds the room and why.
    assert "10:00–11:00 · Rashad Guliyev · Legal aid clinic" in html
    figures = page.context["figures"]
    assert (figures.head_count, figures.safety_capacity, figures.visits_today) == (1, 30, 1)
    assert 'data-figure="head_count">1<' in html
    config = json.loads(re.search(r'id="live-config"[^>]*>(.*?)</script>', html).group(1))
    assert config["socket"] == f"/ws/spaces/{space.pk}/occupancy/"
    assert config["poll"] == f"/centres/{space.slug}/occupancy.json"
    assert config["strings"]["status"]["live"] == "Live"


def test_a_page_without_its_websocket_polls_as_often_as_the_setting_says(
    client, space, host, settings
):
    settings.LIVE_POLL_SECONDS = 4.0
    html = signed_in(client, host).get(reverse("web:live-dashboard", args=[space.slug])).content
    config = json.loads(re.search(r'id="live-config"[^>]*>(.*?)</script>', html.decode()).group(1))
    assert config["pollSeconds"] == 4.0


@pytest.mark.parametrize(
    ("who", "status"),
    [("host", 200), ("staff", 200), ("admin", 200), ("member", 403), ("stranger_host", 403)],
)
def test_dashboard_is_for_people_who_work_at_the_centre(client, request, space, who, status):
    user = request.getfixturevalue(who)
    response = signed_in(client, user).get(reverse("web:live-dashboard", args=[space.slug]))
    assert response.status_code == status


def test_dashboard_sends_anonymous_visitors_to_sign_in(client, space):
    url = reverse("web:live-dashboard", args=[space.slug])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_live_link_leads_a_host_of_one_centre_straight_to_its_dashboard(client, host, space):
    response = signed_in(client, host).get(reverse("web:live-centres"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:live-dashboard", args=[space.slug])


def test_navigation_shows_live_to_people_at_a_centre_and_network_to_network_admins(
    client, host, member, admin, space
):
    def links(user):
        client.logout()
        html = signed_in(client, user).get(reverse("home")).content.decode()
        nav = html[html.index('<nav class="site-nav"') : html.index("</nav>")]
        return {
            "live": f'href="{reverse("web:live-centres")}"' in nav,
            "network": f'href="{reverse("web:network-live")}"' in nav,
        }

    assert links(member) == {"live": False, "network": False}
    assert links(host) == {"live": True, "network": False}
    assert links(admin) == {"live": True, "network": True}


# --- The JSON snapshot --------------------------------------------------------------------


def test_json_snapshot_is_the_websockets_first_message(
    client, host, space, checked_in, room_in_use, at_half_past_ten
):
    response = _json(signed_in(client, host), space)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert set(data) == SNAPSHOT_KEYS
    assert all(set(resource) == RESOURCE_KEYS for resource in data["resources"])
    space.refresh_from_db()
    socket_message = protocol.encode(
        protocol.snapshot(occupancy_snapshot(space=space, now=at_half_past_ten, with_names=True))
    )
    assert data == json.loads(socket_message)
    assert data["v"] == protocol.PROTOCOL_VERSION
    desk = next(r for r in data["resources"] if r["name"] == "Desk 01")
    assert desk["state"] == "occupied"
    assert desk["current"]["holder"] == "Nigar Aliyeva"
    assert data["seq"] == space.event_seq == 3


def test_members_get_the_snapshot_without_names_where_the_centre_allows_it(
    client, other_member, space, checked_in
):
    data = _json(signed_in(client, other_member), space).json()
    desk = next(r for r in data["resources"] if r["name"] == "Desk 01")
    assert desk["state"] == "occupied"
    assert "holder" not in desk["current"] and "purpose" not in desk["current"]

    _private(space)
    response = _json(client, space)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_json_refuses_anonymous_with_401_and_a_host_of_another_organization_with_403(
    client, space, stranger_host
):
    response = _json(client, space)
    assert response.status_code == 401
    assert response["Cache-Control"] == "no-store"
    assert response.json()["type"] == "error" and response.json()["code"] == "unauthenticated"

    _private(space)
    response = _json(signed_in(client, stranger_host), space)
    assert response.status_code == 403


def test_json_with_a_display_key_works_until_the_display_is_revoked(
    client, space, host, display, checked_in
):
    token, key = display
    response = _json(client, space, display=key)
    assert response.status_code == 200
    desk = next(r for r in response.json()["resources"] if r["name"] == "Desk 01")
    assert "holder" not in desk["current"]

    display_token_revoke(token=token, host=host)
    response = _json(client, space, display=key)
    assert response.status_code == 403
    assert response["Cache-Control"] == "no-store"
    assert _json(client, space, display="guessed-key").status_code == 403


def test_a_display_key_opens_only_its_own_centre(client, display):
    _token, key = display
    other_centre = HostFactory().space
    assert _json(client, other_centre, display=key).status_code == 403


def test_json_of_an_unknown_centre_is_a_json_404(client, host):
    response = signed_in(client, host).get(reverse("web:occupancy-json", args=["nowhere"]))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- Displays -----------------------------------------------------------------------------


def test_room_display_shows_the_room_in_use_until_when_without_the_name_and_a_qr_code(
    client, space, display, room, room_in_use
):
    _token, key = display
    page = client.get(reverse("web:display", args=[key]))
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    assert page["X-Robots-Tag"] == "noindex"
    html = page.content.decode()
    assert "<h1>Hall</h1>" in html
    assert 'data-part="now">In use<' in html
    assert "Until 11:00" in html
    assert "Rashad" not in html and "Guliyev" not in html
    qr = page.context["qr"]
    assert qr.startswith("<svg") and 'class="display-qr"' in qr
    assert page.context["check_in_url"] == f"http://testserver/r/{room.pk}/check-in/"
    config = json.loads(re.search(r'id="live-config"[^>]*>(.*?)</script>', html).group(1))
    assert config["mode"] == "room" and config["room"] == room.pk
    assert config["socket"] == f"/ws/spaces/{space.pk}/occupancy/?display={key}"
    assert config["poll"] == f"/centres/{space.slug}/occupancy.json?display={key}"


def test_room_display_shows_the_event_under_way_and_how_many_are_in(client, display, round_table):
    _token, key = display
    html = client.get(reverse("web:display", args=[key])).content.decode()
    assert 'data-part="now">In use<' in html
    assert 'data-part="event">Round-table on local budgets<' in html
    assert "10:00–11:30 · In the room: 3" in html
    assert "Guest" not in html


def test_dashboard_shows_the_event_in_its_room_and_counts_its_people(
    client, host, space, room, round_table
):
    html = signed_in(client, host).get(reverse("web:live-dashboard", args=[space.slug]))
    html = html.content.decode()
    card = re.search(rf'data-room="{room.pk}".*?</li>', html, re.S).group(0)
    assert 'data-state="occupied"' in card
    assert "Round-table on local budgets · In the room: 3" in card
    assert re.search(r'data-figure="head_count">3<', html)


def test_room_display_says_free_until_the_next_booking(
    client, space, display, room, day, host, at_half_past_ten
):
    _token, key = display
    booked(room, host, day, "14:00", "15:00")
    html = client.get(reverse("web:display", args=[key])).content.decode()
    assert 'data-part="now">Free<' in html
    assert "14:00–15:00" in html


def test_lobby_display_shows_the_whole_plan_without_names(client, space, lobby, checked_in):
    _token, key = lobby
    page = client.get(reverse("web:display", args=[key]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-state="occupied"' in html and "Desk 01" in html
    assert "Nigar" not in html
    assert page.context["live_config"]["mode"] == "lobby"


def test_revoked_or_unknown_display_is_a_404_page(client, host, display):
    token, key = display
    display_token_revoke(token=token, host=host)
    for address in (key, "no-such-key"):
        page = client.get(reverse("web:display", args=[address]))
        assert page.status_code == 404
        assert "This display is switched off" in page.content.decode()


# --- The network view ---------------------------------------------------------------------


def test_network_view_lists_centres_by_country_with_desks_in_use(client, admin, space, checked_in):
    page = signed_in(client, admin).get(reverse("web:network-live"))
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    ((code, country, rows),) = page.context["groups"]
    assert (code, country) == ("AZ", "Azerbaijan")
    (row,) = rows
    assert (row.name, row.desks_in_use, row.desks, row.figures.head_count) == (
        space.name,
        1,
        1,
        1,
    )
    html = page.content.decode()
    assert f'data-centre="{space.pk}"' in html
    assert reverse("web:live-dashboard", args=[space.slug]) in html
    assert page.context["live_config"]["socket"] == "/ws/network/occupancy/"


@pytest.mark.parametrize(("who", "status"), [("host", 403), ("member", 403), (None, 302)])
def test_network_view_is_for_network_admins_only(client, request, space, who, status):
    user = request.getfixturevalue(who) if who else None
    assert signed_in(client, user).get(reverse("web:network-live")).status_code == status


def test_network_json_is_the_network_sockets_first_message(client, admin, space, checked_in):
    response = signed_in(client, admin).get(reverse("web:network-json"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["type"] == "snapshot" and data["v"] == protocol.PROTOCOL_VERSION
    (centre,) = data["centres"]
    assert centre["id"] == space.pk and centre["desks_in_use"] == 1


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("host", 403), ("member", 403)])
def test_network_json_refuses_everyone_else(client, request, who, status):
    user = request.getfixturevalue(who) if who else None
    response = signed_in(client, user).get(reverse("web:network-json"))
    assert response.status_code == status
    assert response.json()["type"] == "error"


def test_live_pages_name_resources_and_centres_in_the_readers_language(
    client, host, admin, space, display, room, room_in_use
):
    """Snapshots are shared by readers of every language and keep names as typed; the pages,
    and the names the script writes into labels and the feed, are the reader's."""
    room.translations = {"uk": {"name": "Зала"}}
    room.save(update_fields=["translations"])
    space.translations = {"uk": {"name": "Центр у Гянджі"}}
    space.save(update_fields=["translations"])
    client.cookies["django_language"] = "uk"

    _token, key = display
    door = client.get(reverse("web:display", args=[key])).content.decode()
    assert "<h1>Зала</h1>" in door
    config = json.loads(re.search(r'id="live-config"[^>]*>(.*?)</script>', door).group(1))
    assert config["names"][str(room.pk)] == "Зала"

    dashboard = signed_in(client, host).get(reverse("web:live-dashboard", args=[space.slug]))
    html = dashboard.content.decode()
    assert 'aria-label="Зала: ' in html and 'aria-label="Hall: ' not in html
    config = json.loads(re.search(r'id="live-config"[^>]*>(.*?)</script>', html).group(1))
    assert config["names"][str(room.pk)] == "Зала"
    # The snapshot itself, read by every language, keeps the name as typed.
    snapshot = occupancy_snapshot(space=space, now=timezone.now(), with_names=False)
    assert "Hall" in {resource["name"] for resource in snapshot["resources"]}

    network = signed_in(client, admin).get(reverse("web:network-live"))
    ((_code, _country, (row,)),) = network.context["groups"]
    assert row.name == "Центр у Гянджі"
