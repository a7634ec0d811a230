"""Websockets from foreign origins are refused before anything else runs for them.

channels' AllowedHostsOriginValidator, with one change: its refusing consumer has no
channel layer. channels' own opens a channel in Redis for every refused socket and reads
it until the socket goes; a page elsewhere trying to connect costs us nothing this way,
and a Redis outage cannot keep a refused socket's consumer alive.
"""

from urllib.parse import urlparse

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.security.websocket import OriginValidator
from django.conf import settings

# A channel-layer alias with no layer behind it (see LiveConsumer).
NO_CHANNEL_LAYER = "hub-only"


class Refusal(AsyncWebsocketConsumer):
    """Close the handshake: the browser sees the socket refused (HTTP 403)."""

    channel_layer_alias = NO_CHANNEL_LAYER

    async def connect(self):
        await self.close()


class OriginCheck(OriginValidator):
    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            raise ValueError("OriginCheck guards websockets only.")
        if self.valid_origin(_origin(scope)):
            return await self.application(scope, receive, send)
        return await Refusal()(scope, receive, send)


def _origin(scope):
    for name, value in scope.get("headers", []):
        if name == b"origin":
            try:
                return urlparse(value.decode("latin1"))
            except UnicodeDecodeError:
                return None
    return None


def allowed_hosts_origin_check(application):
    """Sockets only from the site's own hosts (ALLOWED_HOSTS), as AllowedHostsOriginValidator."""
    allowed_hosts = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed_hosts:
        allowed_hosts = ["localhost", "127.0.0.1", "[::1]"]
    return OriginCheck(application, allowed_hosts)
