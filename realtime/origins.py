"""Websockets from foreign origins are refused before anything else runs for them.

A browser says in `Origin` which page opened the socket. It is accepted only when it is
this site exactly, scheme, host and port alike: the origin of the request itself (the
Host header, which must be one of ALLOWED_HOSTS, with the scheme the connection came over,
as a trusted proxy tells it: cowork.config.client_address), SITE_URL, or one of
CSRF_TRUSTED_ORIGINS, the origins Django accepts forms from. Comparing host names alone
(channels' AllowedHostsOriginValidator) let a page on another port of the same host, or
served over plain HTTP, talk to the sockets with the visitor's session cookie.

A refused socket's consumer has no channel layer: channels' own refusal opens a channel in
Redis for every refused socket and reads it until the socket goes; a page elsewhere trying
to connect costs us nothing this way, and a Redis outage cannot keep a refused socket's
consumer alive.
"""

from urllib.parse import urlsplit

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain

# A channel-layer alias with no layer behind it (see LiveConsumer).
NO_CHANNEL_LAYER = "hub-only"
DEFAULT_PORTS = {"http": 80, "https": 443}

# (scheme, host, port), host in lower case and without IPv6 brackets.
Origin = tuple[str, str, int]


class Refusal(AsyncWebsocketConsumer):
    """Close the handshake: the browser sees the socket refused (HTTP 403)."""

    channel_layer_alias = NO_CHANNEL_LAYER

    async def connect(self):
        await self.close()


def _origin(url: str) -> Origin | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or DEFAULT_PORTS[parts.scheme]


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return None


def _allowed_hosts() -> list[str]:
    allowed_hosts = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed_hosts:
        allowed_hosts = ["localhost", "127.0.0.1", "[::1]"]
    return allowed_hosts


def request_origin(scope) -> Origin | None:
    """The origin this socket was asked for: the scheme it came over and its Host, if allowed."""
    host = _header(scope, b"host")
    if not host:
        return None
    domain, port = split_domain_port(host.lower())
    if not domain or not validate_host(domain, _allowed_hosts()):
        return None
    scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
    return scheme, domain.strip("[]"), int(port) if port else DEFAULT_PORTS[scheme]


def origin_allowed(scope) -> bool:
    origin = _origin(_header(scope, b"origin") or "")
    if origin is None:
        return False
    if origin in (request_origin(scope), _origin(settings.SITE_URL)):
        return True
    scheme, host, port = origin
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        # As Django's CSRF check: "https://*.example.org" also covers its subdomains.
        wildcard = "://*." in trusted
        pattern = _origin(trusted.replace("://*.", "://", 1))
        if pattern is None or (pattern[0], pattern[2]) != (scheme, port):
            continue
        if host == pattern[1] or (wildcard and is_same_domain(host, "." + pattern[1])):
            return True
    return False


class OriginCheck:
    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            raise ValueError("OriginCheck guards websockets only.")
        if origin_allowed(scope):
            return await self.application(scope, receive, send)
        return await Refusal()(scope, receive, send)


def same_origin_check(application):
    """Sockets only from the site's own origin: see the module's docstring."""
    return OriginCheck(application)
