"""A websocket is accepted only from this site's own origin: scheme, host and port alike."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from cowork.config.asgi import application
from tests.factories import MemberFactory
from tests.realtime.sockets import session_cookie

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

HOST = "127.0.0.1:8000"


def _member_cookie() -> tuple[bytes, bytes]:
    return session_cookie(MemberFactory().user)


def _from_peer(peer: str):
    """The application as a server runs it for a connection from `peer`."""

    async def app(scope, receive, send):
        return await application({**scope, "client": [peer, 50123]}, receive, send)

    return app


async def _opens(origin: str | None, *, host=HOST, peer="127.0.0.1", **headers: str) -> bool:
    sent = [(b"host", host.encode()), await database_sync_to_async(_member_cookie)()]
    if origin is not None:
        sent.append((b"origin", origin.encode()))
    sent += [(name.replace("_", "-").lower().encode(), v.encode()) for name, v in headers.items()]
    communicator = WebsocketCommunicator(_from_peer(peer), "/ws/heartbeat/", headers=sent)
    connected, _ = await communicator.connect()
    await communicator.disconnect()
    return connected


async def test_the_page_of_this_very_site_may_open_a_socket():
    assert await _opens(f"http://{HOST}")


async def test_another_port_of_the_same_host_is_refused():
    assert not await _opens("http://127.0.0.1:9999")
    assert not await _opens("http://127.0.0.1")


async def test_the_other_scheme_of_the_same_host_and_port_is_refused():
    assert not await _opens(f"https://{HOST}")


async def test_a_socket_without_an_origin_or_from_a_foreign_host_is_refused():
    assert not await _opens(None)
    assert not await _opens("null")
    assert not await _opens("https://evil.example")
    # A Host this site does not answer to does not make its own origin acceptable.
    assert not await _opens("http://evil.example", host="evil.example")


async def test_behind_the_trusted_proxy_the_https_page_may_open_a_socket(settings):
    settings.ALLOWED_HOSTS = ["cowork.example.org"]
    settings.SITE_URL = "https://links.example.org"
    origin, host = "https://cowork.example.org", "cowork.example.org"
    assert await _opens(origin, host=host, x_forwarded_proto="https")
    # Without the proxy's word the connection is plain HTTP: the https page is another origin.
    assert not await _opens(origin, host=host)
    # A stranger's X-Forwarded-Proto is not believed.
    assert not await _opens(origin, host=host, peer="93.184.215.14", x_forwarded_proto="https")
    # SITE_URL is the origin the installation declares for itself.
    settings.SITE_URL = origin
    assert await _opens(origin, host=host)


async def test_origins_trusted_for_forms_may_open_sockets(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.example.org", "https://kiosk.example.net:8443"]
    assert await _opens("https://displays.example.org")
    assert await _opens("https://kiosk.example.net:8443")
    assert not await _opens("http://displays.example.org")
    assert not await _opens("https://kiosk.example.net")
