"""Who is asking: the client's address and scheme, believed from a proxy only if we trust it.

daphne's own `--proxy-headers` believes X-Forwarded-For from any peer, so anyone who could
reach a daphne port directly could name any address: that defeated the per-address limits
and opened /metrics. `TrustedProxyHeaders` wraps the ASGI application instead. It reads
X-Forwarded-For and X-Forwarded-Proto only when the connection comes from an address in
TRUSTED_PROXIES, writes what they say into the scope (`client`, `scheme`), and removes the
forwarding headers either way, so nothing further in (Django's REMOTE_ADDR and
`request.scheme`, the websocket origin check, a library reading the headers) can be told
otherwise. Every view asks `client_ip(request)` (`cowork.web.client_ip`), which reads
the answer left here: the domain never imports this wiring.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

from cowork.web.client_ip import Address, parse_address

# Headers a proxy uses to speak for the client. Removed from every request once read, so
# a client cannot smuggle one past the decision made here.
FORWARDING_HEADERS = frozenset(
    {
        b"x-forwarded-for",
        b"x-forwarded-proto",
        b"x-forwarded-host",
        b"x-forwarded-port",
        b"x-real-ip",
        b"forwarded",
    }
)
_WEBSOCKET_SCHEMES = {"http": "ws", "https": "wss"}


@lru_cache(maxsize=8)
def _networks(
    proxies: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def is_trusted_proxy(address: Address | None) -> bool:
    if address is None:
        return False
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def _header(headers, name: bytes) -> str:
    # Several lines of one header read as one comma-separated list (RFC 9110, 5.3).
    return ",".join(value.decode("latin1") for key, value in headers if key.lower() == name)


def forwarded_client(peer: Address | None, forwarded_for: str) -> Address | None:
    """The client behind a chain of trusted proxies.

    Each proxy appends the address it was called from, so the list is read from the right:
    while the hop we know is a trusted proxy, the entry it wrote names the next hop. The
    first hop that is not a trusted proxy is the client. A malformed entry ends the walk at
    the last hop known for sure.
    """
    client = peer
    for entry in reversed([part for part in forwarded_for.split(",") if part.strip()]):
        if not is_trusted_proxy(client):
            break
        named = parse_address(entry)
        if named is None:
            break
        client = named
    return client


def resolve_scope(scope: dict) -> dict:
    """The scope with the client and scheme a trusted proxy gave, forwarding headers removed."""
    headers = scope.get("headers") or []
    peer_host = (scope.get("client") or [None])[0]
    peer = parse_address(peer_host) if peer_host else None
    resolved = dict(scope)
    resolved["headers"] = [(k, v) for k, v in headers if k.lower() not in FORWARDING_HEADERS]
    if not is_trusted_proxy(peer):
        return resolved
    client = forwarded_client(peer, _header(headers, b"x-forwarded-for"))
    if client is not None and client != peer:
        resolved["client"] = [str(client), 0]
    # The proxy nearest us wrote the last value; it is the one that saw the connection.
    proto = _header(headers, b"x-forwarded-proto").split(",")[-1].strip().lower()
    if proto in _WEBSOCKET_SCHEMES:
        resolved["scheme"] = _WEBSOCKET_SCHEMES[proto] if scope["type"] == "websocket" else proto
    return resolved


class TrustedProxyHeaders:
    """ASGI middleware in front of everything: see the module's docstring. Wraps the
    application once, outermost, in `cowork.config.asgi`."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket"):
            scope = resolve_scope(scope)
        return await self.application(scope, receive, send)
