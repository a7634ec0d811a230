"""The live occupancy socket through the real ASGI application."""

import asyncio
import contextlib
import datetime

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from cowork.config.asgi import application
from cowork.selectors.occupancy import occupancy_snapshot
from cowork.services.booking import booking_check_in
from cowork.services.displays import display_token_create, display_token_revoke
from realtime.groups import space_group
from realtime.hub import get_hub
from tests.factories import (
    HostFactory,
    MemberFactory,
    ResourceFactory,
    SpaceFactory,
    booked_from_this_quarter_hour,
    open_around_the_clock,
)
from tests.realtime.sockets import SAME_SITE, receive_type, session_headers

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@database_sync_to_async
def _centre():
    space = SpaceFactory(time_zone="Asia/Baku")
    desk = ResourceFactory(space=space, name="Desk 01", plan_x=10, plan_y=10)
    host = HostFactory(space=space).user
    member = MemberFactory().user
    return space, desk, host, member


async def _connect(space, headers, query=""):
    communicator = WebsocketCommunicator(
        application, f"/ws/spaces/{space.pk}/occupancy/{query}", headers=headers
    )
    connected, code = await communicator.connect()
    return communicator, connected, code


@database_sync_to_async
def _book_and_check_in(desk, member):
    now = datetime.datetime.now(datetime.UTC)
    booking = booked_from_this_quarter_hour(desk, member, hours=1, now=now)
    booking_check_in(booking=booking, acting_user=member, now=now)
    return booking


async def test_host_gets_a_named_snapshot_then_deltas_in_order():
    space, desk, host, member = await _centre()
    await database_sync_to_async(open_around_the_clock)(space)
    communicator, connected, _ = await _connect(space, await session_headers(host))
    assert connected
    snapshot = await receive_type(communicator, "snapshot")
    assert snapshot["seq"] == 0
    assert [r["state"] for r in snapshot["resources"]] == ["free"]
    await _book_and_check_in(desk, member)
    booked = await receive_type(communicator, "delta")
    occupied = await receive_type(communicator, "delta")
    assert (booked["seq"], occupied["seq"]) == (1, 2)
    # The kinds as live.js compares them (a check-in names who came in the feed).
    assert (booked["event"], occupied["event"]) == ("booking.created", "booking.checked_in")
    assert booked["resource"]["state"] == "booked"
    assert occupied["resource"]["state"] == "occupied"
    assert occupied["resource"]["current"]["holder"] == member.get_full_name()
    assert occupied["figures"]["head_count"] == 1
    assert occupied["figures"]["visits_today"] == 1
    await communicator.disconnect()


async def test_member_sees_who_is_where_without_names():
    space, desk, _host, member = await _centre()
    await database_sync_to_async(open_around_the_clock)(space)
    other = await database_sync_to_async(lambda: MemberFactory().user)()
    communicator, connected, _ = await _connect(space, await session_headers(other))
    assert connected
    await receive_type(communicator, "snapshot")
    await _book_and_check_in(desk, member)
    occupied = (
        await receive_type(communicator, "delta"),
        await receive_type(communicator, "delta"),
    )[1]
    assert occupied["resource"]["state"] == "occupied"
    assert "holder" not in occupied["resource"]["current"]
    await communicator.disconnect()


async def test_host_of_another_organization_is_refused():
    space, *_ = await _centre()
    stranger = await database_sync_to_async(lambda: HostFactory().user)()
    await database_sync_to_async(_private)(space)
    _, connected, code = await _connect(space, await session_headers(stranger))
    assert not connected and code == 4403


async def test_anonymous_socket_and_foreign_origin_are_refused():
    space, *_ = await _centre()
    _, connected, code = await _connect(space, SAME_SITE)
    assert not connected and code == 4401
    _, connected, _ = await _connect(space, [(b"origin", b"https://evil.example")])
    assert not connected


async def test_display_token_works_until_revoked_and_revoking_closes_it():
    space, _desk, host, _member = await _centre()
    token, key = await database_sync_to_async(display_token_create)(
        space=space, host=host, name="Lobby"
    )
    communicator, connected, _ = await _connect(space, SAME_SITE, f"?display={key}")
    assert connected
    snapshot = await receive_type(communicator, "snapshot")
    assert snapshot["resources"][0]["name"] == "Desk 01"
    await database_sync_to_async(display_token_revoke)(token=token, host=host)
    closed = await communicator.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4403}
    _, connected, code = await _connect(space, SAME_SITE, f"?display={key}")
    assert not connected and code == 4403
    _, connected, code = await _connect(space, SAME_SITE, "?display=guessed-key")
    assert not connected and code == 4403


async def test_client_that_sees_a_gap_asks_and_gets_a_fresh_snapshot():
    space, desk, host, member = await _centre()
    await database_sync_to_async(open_around_the_clock)(space)
    communicator, _connected, _ = await _connect(space, await session_headers(host))
    await receive_type(communicator, "snapshot")
    await _book_and_check_in(desk, member)
    await communicator.send_json_to({"type": "resync"})
    snapshot = await receive_type(communicator, "snapshot")
    assert snapshot["seq"] == 2
    assert snapshot["resources"][0]["state"] == "occupied"
    await communicator.send_json_to({"type": "ping", "id": 3})
    assert (await receive_type(communicator, "pong"))["id"] == 3
    await communicator.disconnect()


def _private(space):
    space.members_see_occupancy = False
    space.save(update_fields=["members_see_occupancy"])


async def test_a_new_socket_is_not_sent_the_spaces_history(settings):
    settings.LIVE_CATCH_UP_SECONDS = 0.05
    space, desk, host, member = await _centre()
    await database_sync_to_async(open_around_the_clock)(space)
    await _book_and_check_in(desk, member)  # two events before anyone watches
    communicator, _connected, _ = await _connect(space, await session_headers(host))
    snapshot = await receive_type(communicator, "snapshot")
    assert snapshot["seq"] == 2
    # Several catch-up rounds pass; none of them replays events 1 and 2.
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()


async def test_a_socket_whose_consumer_is_cancelled_leaves_its_room():
    space, _desk, host, _member = await _centre()
    communicator, _connected, _ = await _connect(space, await session_headers(host))
    await receive_type(communicator, "snapshot")
    hub = get_hub()
    assert hub.socket_count(space_group(space.pk)) == 1
    # What daphne does to a consumer still running 10 s after its socket closed: no
    # disconnect message, just a cancellation.
    communicator.future.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await communicator.future
    assert hub.socket_count(space_group(space.pk)) == 0


async def test_displays_connecting_at_the_same_number_share_one_snapshot_read(monkeypatch):
    import realtime.consumers
    import realtime.hub

    reads = []

    def counted_snapshot(**kwargs):
        reads.append(kwargs["space"].event_seq)
        return occupancy_snapshot(**kwargs)

    monkeypatch.setattr(realtime.consumers, "occupancy_snapshot", counted_snapshot)
    monkeypatch.setattr(realtime.hub, "SNAPSHOT_REUSE_SECONDS", 60)
    space, desk, host, member = await _centre()
    await database_sync_to_async(open_around_the_clock)(space)
    _token, key = await database_sync_to_async(display_token_create)(
        space=space, host=host, name="Lobby"
    )
    first, _, _ = await _connect(space, SAME_SITE, f"?display={key}")
    second, _, _ = await _connect(space, SAME_SITE, f"?display={key}")
    snapshots = [await receive_type(c, "snapshot") for c in (first, second)]
    assert snapshots[0] == snapshots[1]
    assert reads == [0]
    # After an update, a new socket gets a snapshot that holds it.
    await _book_and_check_in(desk, member)
    await receive_type(first, "delta")
    await receive_type(first, "delta")
    third, _, _ = await _connect(space, SAME_SITE, f"?display={key}")
    latest = await receive_type(third, "snapshot")
    assert latest["seq"] == 2 and latest["resources"][0]["state"] == "occupied"
    assert reads == [0, 2]
    for communicator in (first, second, third):
        await communicator.disconnect()
