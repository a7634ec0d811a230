"""Who the client is: X-Forwarded-For and -Proto count only when a trusted proxy sends them.

Through the real ASGI application (`cowork.config.asgi.application`), with the peer address a
server would put in the scope.
"""

import pytest
from asgiref.testing import ApplicationCommunicator
from django.core.handlers.asgi import ASGIHandler
from django.test import RequestFactory

from cowork.config.asgi import application
from cowork.config.client_address import TrustedProxyHeaders, forwarded_client
from cowork.web.client_ip import client_ip, parse_address

NGINX = "127.0.0.1"  # loopback: a trusted proxy by default
STRANGER = (
    "93.184.215.14"  # a peer on the internet (not a documentation range), reaching daphne directly
)


async def _get(path: str, *, peer: str, headers: dict[str, str] | None = None, app=application):
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")]
        + [(name.lower().encode(), value.encode()) for name, value in (headers or {}).items()],
        "client": (peer, 50123),
        "server": ("127.0.0.1", 8000),
    }
    communicator = ApplicationCommunicator(app, scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(timeout=10)
    while (await communicator.receive_output(timeout=10)).get("more_body"):
        pass
    return start["status"]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_forged_forwarded_for_from_a_stranger_does_not_open_metrics():
    assert await _get("/metrics", peer=STRANGER) == 403
    assert await _get("/metrics", peer=STRANGER, headers={"X-Forwarded-For": "10.0.0.1"}) == 403


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_the_trusted_proxy_names_the_client_that_metrics_judges():
    assert await _get("/metrics", peer=NGINX) == 200
    assert await _get("/metrics", peer=NGINX, headers={"X-Forwarded-For": STRANGER}) == 403
    assert await _get("/metrics", peer=NGINX, headers={"X-Forwarded-For": "10.0.0.7"}) == 200


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_only_the_trusted_proxy_can_say_the_request_came_over_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    # Django reads the redirect setting when it builds its middleware: a handler of its own,
    # wrapped as cowork.config.asgi wraps the one it serves.
    app = TrustedProxyHeaders(ASGIHandler())
    https = {"X-Forwarded-Proto": "https"}
    assert await _get("/login/", peer=NGINX, headers=https, app=app) == 200
    # Plain HTTP from nginx, or a stranger claiming HTTPS, is sent to HTTPS.
    assert await _get("/login/", peer=NGINX, headers={"X-Forwarded-Proto": "http"}, app=app) == 301
    assert await _get("/login/", peer=STRANGER, headers=https, app=app) == 301


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.0/8", "10.0.0.0/8"]
    peer = parse_address(NGINX)
    # client, then a load balancer in the private network, then nginx: the client.
    assert str(forwarded_client(peer, f"{STRANGER}, 10.1.1.1")) == STRANGER
    # Whatever the client wrote before itself is not believed.
    assert str(forwarded_client(peer, f"10.9.9.9, {STRANGER}, 10.1.1.1")) == STRANGER
    # A malformed entry ends the walk at the last hop known for sure.
    assert str(forwarded_client(peer, f"{STRANGER}, not-an-address")) == NGINX
    # IPv4 seen through a dual-stack socket is the same address.
    assert str(forwarded_client(parse_address("::ffff:127.0.0.1"), STRANGER)) == STRANGER


def test_nothing_is_believed_when_no_proxy_is_trusted(settings):
    settings.TRUSTED_PROXIES = []
    assert str(forwarded_client(parse_address(NGINX), STRANGER)) == NGINX


def test_the_peer_address_is_the_clients_and_a_forwarded_header_is_not_believed():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert client_ip(request) == "203.0.113.7"


def test_no_address_or_a_socket_path_counts_as_unknown():
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="")) is None
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="/run/daphne.sock")) is None
