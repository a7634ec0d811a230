"""Sockets to paths nobody serves are refused cleanly, through the real ASGI application."""

import logging

import pytest
from channels.testing import WebsocketCommunicator

from cowork.config.asgi import application
from realtime.consumers import CLOSE_NOT_FOUND
from tests.realtime.sockets import SAME_SITE

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "path",
    [
        "/ws/spaces/abc/occupancy/",
        "/ws/spaces/-1/occupancy/",
        "/ws/spaces/99999999999999999999999999/occupancy/",
        "/ws/nowhere/",
        "/",
    ],
)
async def test_a_socket_to_a_path_nobody_serves_is_refused_as_not_found_without_an_error(
    path, caplog
):
    communicator = WebsocketCommunicator(application, path, headers=SAME_SITE)

    connected, code = await communicator.connect()

    assert not connected
    assert code == CLOSE_NOT_FOUND
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []
