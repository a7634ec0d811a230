import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from cowork.config.asgi import application
from tests.factories import MemberFactory
from tests.realtime.sockets import SAME_SITE, session_headers

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def test_signed_in_user_gets_pong_with_server_time():
    user = await database_sync_to_async(lambda: MemberFactory().user)()
    headers = await session_headers(user)
    communicator = WebsocketCommunicator(application, "/ws/heartbeat/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "ping", "id": 7})
    answer = await communicator.receive_json_from()
    assert answer["type"] == "pong" and answer["id"] == 7 and answer["server_time"]
    await communicator.send_json_to({"type": "dance"})
    assert (await communicator.receive_json_from())["code"] == "unknown_message"
    await communicator.disconnect()


async def test_anonymous_socket_is_closed_with_unauthenticated_code():
    communicator = WebsocketCommunicator(application, "/ws/heartbeat/", headers=SAME_SITE)
    connected, code = await communicator.connect()
    assert not connected
    assert code == 4401


async def test_socket_from_a_foreign_origin_is_refused():
    communicator = WebsocketCommunicator(
        application, "/ws/heartbeat/", headers=[(b"origin", b"https://evil.example")]
    )
    connected, _ = await communicator.connect()
    assert not connected
