"""/metrics counts the live-occupancy sockets this process holds, per space."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from prometheus_client.parser import text_string_to_metric_families

from cowork import metrics
from cowork.config.asgi import application
from tests.factories import HostFactory, SpaceFactory
from tests.realtime.sockets import session_headers

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

WAIT = 10  # seconds: a bound on a stuck step, not a speed requirement


@database_sync_to_async
def _space_and_host():
    space = SpaceFactory()
    return space, HostFactory(space=space).user


@database_sync_to_async
def _open_sockets() -> dict[str, float]:
    body, _content_type = metrics.render()
    return {
        sample.labels["space"]: sample.value
        for family in text_string_to_metric_families(body.decode())
        if family.name == "cowork_websockets_open"
        for sample in family.samples
    }


async def test_open_websockets_are_counted_per_space_until_they_close():
    space, host = await _space_and_host()
    headers = await session_headers(host)
    sockets = [
        WebsocketCommunicator(application, f"/ws/spaces/{space.pk}/occupancy/", headers=headers)
        for _ in range(2)
    ]
    for socket in sockets:
        connected, _code = await socket.connect()
        assert connected
        # The socket is accepted before it joins its room; the snapshot comes after.
        await socket.receive_from(timeout=WAIT)
    try:
        assert (await _open_sockets()).get(str(space.pk)) == 2
        await sockets[0].disconnect()
        assert (await _open_sockets()).get(str(space.pk)) == 1
    finally:
        await sockets[1].disconnect()
    assert (await _open_sockets()).get(str(space.pk), 0) == 0
