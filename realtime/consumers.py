"""Websocket consumers: authenticate, authorize through a selector, join, send."""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer, JsonWebsocketConsumer
from django.utils import timezone

from cowork.models import Space
from cowork.selectors.access import occupancy_view_for, user_is_network_admin
from cowork.selectors.occupancy import network_occupancy, occupancy_snapshot
from realtime import protocol
from realtime.groups import network_group, space_group
from realtime.hub import get_hub

# Close codes in the application range (4000-4999), mirroring HTTP where one fits.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
# A client has no reason to send more than a small control message.
MAX_CLIENT_MESSAGE = 1024


class HeartbeatConsumer(JsonWebsocketConsumer):
    """Answers pings with the server time, so a tablet can tell a dead link from a quiet one."""

    def connect(self):
        if not self.scope["user"].is_authenticated:
            self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.accept()

    def receive_json(self, content, **kwargs):
        if not isinstance(content, dict) or content.get("type") != "ping":
            self.send_json({"type": "error", "code": "unknown_message"})
            return
        self.send_json(
            {"type": "pong", "id": content.get("id"), "server_time": timezone.now().isoformat()}
        )


def _display_key(scope) -> str:
    from urllib.parse import parse_qs

    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return (query.get("display") or [""])[0]


def _space_access(space_id: int, user, display_key: str):
    """The space and the view this socket may have of it, or (None, close code)."""
    space = Space.objects.filter(pk=space_id, is_active=True).first()
    if space is None:
        return None, None, CLOSE_NOT_FOUND
    view = occupancy_view_for(user=user, space=space, display_key=display_key)
    if view is None:
        anonymous = not user.is_authenticated and not display_key
        return None, None, CLOSE_UNAUTHENTICATED if anonymous else CLOSE_FORBIDDEN
    display_id = None
    if display_key:
        from cowork.models import DisplayToken

        display_id = (
            DisplayToken.objects.filter(key_hash=DisplayToken.hash(display_key))
            .values_list("pk", flat=True)
            .first()
        )
    return space, (view, display_id), None


class LiveConsumer(AsyncWebsocketConsumer):
    """Shared by the live views: a hub membership, control messages, pre-encoded sends."""

    ready = False
    group: str | None = None
    display_id: int | None = None
    # An alias with no layer behind it: these sockets hear updates from the hub only, so
    # they need no channel of their own, and a Redis outage cannot break them.
    channel_layer_alias = "hub-only"

    async def send_encoded(self, text: str) -> None:
        await self.send(text_data=text)

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None or len(text_data) > MAX_CLIENT_MESSAGE:
            await self.close(code=1009)
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            content = None
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "resync":
            await self.send_snapshot()
        elif kind == "ping":
            await self.send_encoded(protocol.encode({"type": "pong", "id": content.get("id")}))
        else:
            await self.send_encoded(protocol.encode({"type": "error", "code": "unknown_message"}))

    async def disconnect(self, code):
        if self.group:
            await get_hub().leave(self.group, self)

    async def send_snapshot(self) -> None:
        raise NotImplementedError


class OccupancyConsumer(LiveConsumer):
    """/ws/spaces/<id>/occupancy/: a snapshot on connect, then deltas, for one centre."""

    async def connect(self):
        space_id = self.scope["url_route"]["kwargs"]["space_id"]
        space, access, refusal = await database_sync_to_async(_space_access)(
            space_id, self.scope["user"], _display_key(self.scope)
        )
        if refusal:
            await self.close(code=refusal)
            return
        self.space_id = space.pk
        self.view, self.display_id = access
        await self.accept()
        self.group = space_group(space.pk)
        # Join before reading the snapshot, so no update falls between the two; one that
        # arrives early is either in the snapshot or newer than it. The number read with
        # the access check tells a new hub room where its catch-up starts.
        await get_hub().join(self.group, self, self.view, space_id=space.pk, seq=space.event_seq)
        await self.send_snapshot()
        self.ready = True

    async def send_snapshot(self) -> None:
        text = await database_sync_to_async(self._snapshot_text)()
        await self.send_encoded(text)

    def _snapshot_text(self) -> str:
        space = Space.objects.get(pk=self.space_id)
        data = occupancy_snapshot(space=space, now=timezone.now(), with_names=self.view == "named")
        return protocol.encode(protocol.snapshot(data))


class NetworkConsumer(LiveConsumer):
    """/ws/network/occupancy/: every centre at once, for network admins."""

    async def connect(self):
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if not await database_sync_to_async(user_is_network_admin)(user=user):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.accept()
        self.group = network_group()
        await get_hub().join(self.group, self, "named")
        await self.send_snapshot()
        self.ready = True

    async def send_snapshot(self) -> None:
        text = await database_sync_to_async(
            lambda: protocol.encode(
                protocol.network_snapshot(network_occupancy(now=timezone.now()))
            )
        )()
        await self.send_encoded(text)
