"""The live fan-out takes its fast path under the daphne, autobahn and Twisted we pin.

The hub writes each update's frame straight to daphne's connections, and each connection
sends it on the socket at once when Twisted holds nothing for it (realtime/consumers.py).
Both read private attributes of those libraries. A release that changed them would not
break the live pages, only slow them down: every frame through Channels' send, or queued
for the reactor's next turn. This test fails instead, on a real daphne with real sockets.
"""

import asyncio
import datetime
import json

import pytest
import requests
import websockets
from prometheus_client.parser import text_string_to_metric_families

from tests.factories import this_quarter_hour
from tests.servers import DaphneServer, server_environment

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 30  # seconds: a bound on a stuck step, not a speed requirement
SCREENS = 3
METRICS_TOKEN = "fast-path-test"


def _frames(url: str) -> dict[str, float]:
    """cowork_websocket_frames of the server at `url`, by path."""
    response = requests.get(
        f"{url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=WAIT
    )
    response.raise_for_status()
    return {
        sample.labels["path"]: sample.value
        for family in text_string_to_metric_families(response.text)
        if family.name == "cowork_websocket_frames"
        for sample in family.samples
        if sample.name == "cowork_websocket_frames_total"
    }


def test_an_update_is_written_to_every_daphne_socket_at_once_never_through_channels(centre):
    space, desk = centre["space"], centre["desks"][0]
    display_key, api_key = centre["display_key"], centre["api_key"]
    start = this_quarter_hour(space, datetime.datetime.now(datetime.UTC))
    start += datetime.timedelta(minutes=15)
    server = DaphneServer(server_environment(METRICS_TOKEN=METRICS_TOKEN))
    ws_url = server.url.replace("http://", "ws://")
    ws_url += f"/ws/spaces/{space.pk}/occupancy/?display={display_key}"

    async def scenario():
        sockets = [
            await websockets.connect(ws_url, origin=server.url, open_timeout=WAIT)
            for _ in range(SCREENS)
        ]
        try:
            snapshots = [json.loads(await asyncio.wait_for(s.recv(), WAIT)) for s in sockets]
            before = await asyncio.to_thread(_frames, server.url)
            response = await asyncio.to_thread(
                requests.post,
                f"{server.url}/api/v1/bookings",
                json={
                    "resource": desk.pk,
                    "starts_at": start.isoformat(),
                    "ends_at": (start + datetime.timedelta(minutes=30)).isoformat(),
                },
                headers={"Authorization": f"Bearer {api_key}"},
                timeout=WAIT,
            )
            assert response.status_code == 201, response.text
            deltas = [json.loads(await asyncio.wait_for(s.recv(), WAIT)) for s in sockets]
            after = await asyncio.to_thread(_frames, server.url)
            return snapshots, deltas, before, after
        finally:
            for socket in sockets:
                await socket.close()

    try:
        snapshots, deltas, before, after = asyncio.run(scenario())
    finally:
        server.stop()
    assert [message["type"] for message in snapshots] == ["snapshot"] * SCREENS
    assert [(d["type"], d["event"], d["seq"]) for d in deltas] == [
        ("delta", "booking.created", snapshots[0]["seq"] + 1)
    ] * SCREENS
    sent = {path: after[path] - before[path] for path in after}
    # A heartbeat falling in between would add one more frame per socket, by the same path.
    assert sent["at_once"] >= SCREENS, sent
    assert sent["queued"] == 0, sent
    assert sent["through_channels"] == 0, sent
