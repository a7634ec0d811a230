"""Websocket consumers: authenticate, authorize through a selector, join, send."""

import functools
import json
import sys
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer, JsonWebsocketConsumer
from channels.sessions import InstanceSessionWrapper
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from cowork.models import Space
from cowork.selectors.access import occupancy_view_for, user_is_network_admin
from cowork.selectors.occupancy import network_occupancy, occupancy_snapshot
from realtime import protocol
from realtime.groups import network_group, space_group
from realtime.hub import FRAMES, get_hub
from realtime.origins import NO_CHANNEL_LAYER

# Close codes in the application range (4000-4999), mirroring HTTP where one fits.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
# A client has no reason to send more than a small control message.
MAX_CLIENT_MESSAGE = 1024


def client_message(text_data) -> tuple[str | None, dict] | None:
    """A client's message as (its type, its content); None when there is no text or it is
    too long to read (the socket closes with 1009). Anything but a JSON object has no type."""
    if text_data is None or len(text_data) > MAX_CLIENT_MESSAGE:
        return None
    try:
        content = json.loads(text_data)
    except ValueError:
        content = None
    if not isinstance(content, dict):
        return None, {}
    return content.get("type"), content


class HeartbeatConsumer(JsonWebsocketConsumer):
    """Answers pings with the server time, so a tablet can tell a dead link from a quiet one."""

    channel_layer_alias = NO_CHANNEL_LAYER  # it only answers; nothing is sent to it

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


class NoSuchPath(AsyncWebsocketConsumer):
    """A socket to a path no route serves (`/ws/spaces/abc/occupancy/`): refused, as not found."""

    channel_layer_alias = NO_CHANNEL_LAYER

    async def connect(self):
        await self.close(code=CLOSE_NOT_FOUND)


def query_value(scope, name: str) -> str:
    """The first value of `name` in the socket's query string, else ""."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return (query.get(name) or [""])[0]


def _space_access(space_id: int, user, display_key: str):
    """The space and the view this socket may have of it, or (None, close code).

    The space comes with the id of the display token its key names (if any), in one query:
    a room display must be closed if that token is revoked.
    """
    from cowork.models import DisplayToken

    spaces = Space.objects.filter(pk=space_id, is_active=True)
    if display_key:
        spaces = spaces.annotate(
            display_id=Subquery(
                DisplayToken.objects.filter(
                    key_hash=DisplayToken.hash(display_key), space=OuterRef("pk")
                ).values("pk")[:1]
            )
        )
    space = spaces.first()
    if space is None:
        return None, None, CLOSE_NOT_FOUND
    view = occupancy_view_for(user=user, space=space, display_key=display_key)
    if view is None:
        anonymous = not user.is_authenticated and not display_key
        return None, None, CLOSE_UNAUTHENTICATED if anonymous else CLOSE_FORBIDDEN
    return space, (view, getattr(space, "display_id", None)), None


def _space_snapshot(space_id: int, view: str) -> tuple[int, str]:
    """The space's snapshot in `view`, encoded, and the number it is at."""
    space = Space.objects.get(pk=space_id)
    data = occupancy_snapshot(space=space, now=timezone.now(), with_names=view == "named")
    return data["seq"], protocol.encode(protocol.snapshot(data))


def _daphne_connection(send):
    """The autobahn protocol object of daphne's connection behind `send`, or None.

    daphne hands the application `partial(server.handle_reply, protocol)`; anything else
    (the test communicator, another server) has no connection to write frames to. The
    session middleware wraps it, but acts only on HTTP responses, so it is looked through.
    daphne.server is looked up, not imported: importing it installs a Twisted reactor.
    autobahn is imported only once daphne is found to have loaded it: at the top of the
    module it would load into every process Django starts, a quarter of a second of CPU.
    """
    while isinstance(getattr(send, "__self__", None), InstanceSessionWrapper):
        send = send.__self__.real_send
    daphne_server = sys.modules.get("daphne.server")
    if daphne_server is None:
        return None
    from autobahn.websocket.protocol import WebSocketServerProtocol

    if not (
        isinstance(send, functools.partial)
        and getattr(send.func, "__func__", None) is daphne_server.Server.handle_reply
        and len(send.args) == 1
        and isinstance(send.args[0], WebSocketServerProtocol)
    ):
        return None
    return send.args[0]


def _write_now(transport, data: bytes) -> bool:
    """`transport.write(data)`, except that what the kernel takes at once is sent at once.

    Twisted's write only queues: the reactor then watches the socket for writing and sends
    on its next turn, two epoll_ctl calls and a callback per socket, a third of the time of
    a fan-out to thousands. asyncio's transports (plain `websockets`) try the send first,
    and so does this, for a plain TCP connection with nothing queued, so bytes keep their
    order; a remainder, or any other transport, goes through `write`. True if every byte
    went at once.
    """
    # Twisted's TCP module is looked up, not imported (see _daphne_connection): a transport
    # of daphne's connection means daphne has loaded it.
    tcp = sys.modules.get("twisted.internet.tcp")
    if (
        tcp is not None
        and type(transport) is tcp.Server
        and transport.connected
        and not transport.disconnecting
        and not transport._writeDisconnected
        and not transport._tempDataBuffer
        and transport.offset == len(transport.dataBuffer)
    ):
        try:
            sent = transport.socket.send(data)
        except OSError:
            sent = 0  # full, or gone: Twisted's own write finds out which
        if sent == len(data):
            return True
        data = data[sent:]
    transport.write(data)
    return False


class ClientMessages:
    """What a live socket's client may send, answered alike by every live consumer (a mixin
    for an AsyncWebsocketConsumer with `send_snapshot()`): "resync" asks for a fresh
    snapshot, "ping" for a pong; anything else is an error, and too long a message closes
    the socket with 1009."""

    async def send_encoded(self, text: str) -> None:
        await self.send(text_data=text)

    def pong(self, ping: dict) -> dict:
        return {"type": "pong", "id": ping.get("id")}

    async def receive(self, text_data=None, bytes_data=None):
        message = client_message(text_data)
        if message is None:
            await self.close(code=1009)
            return
        kind, content = message
        if kind == "resync":
            await self.send_snapshot()
        elif kind == "ping":
            await self.send_encoded(protocol.encode(self.pong(content)))
        else:
            await self.send_encoded(protocol.encode({"type": "error", "code": "unknown_message"}))


class LiveConsumer(ClientMessages, AsyncWebsocketConsumer):
    """Shared by the live views: a hub membership, control messages, pre-encoded sends."""

    ready = False
    group: str | None = None
    display_id: int | None = None
    # No layer behind it: these sockets hear updates from the hub only, so they need no
    # channel of their own, and a Redis outage cannot break them.
    channel_layer_alias = NO_CHANNEL_LAYER

    connection = None  # daphne's, once accepted: see write_frame()

    async def accept(self, subprotocol=None, headers=None):
        await super().accept(subprotocol, headers)
        self.connection = _daphne_connection(self.base_send)

    def write_frame(self, frame: bytes) -> bool:
        """Write a whole websocket frame to the connection now; False if it cannot take one.

        The hub builds an update's frame once and hands it to every socket: no encoding,
        message dict, coroutine or task per socket. It writes whole frames between
        autobahn's own whole frames, so nothing interleaves.
        """
        connection = self.connection
        if (
            connection is None
            or connection.state != connection.STATE_OPEN
            or connection.send_queue
            or connection._perMessageCompress is not None
        ):
            FRAMES.through_channels += 1
            return False
        if _write_now(connection.transport, frame):
            FRAMES.at_once += 1
        else:
            FRAMES.queued += 1
        return True

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            # daphne cancels a consumer still running 10 s after its socket closed (say, one
            # stuck behind a burst of connects); disconnect() never runs then, and the room
            # would go on writing to a dead socket.
            self.leave_hub()

    async def disconnect(self, code):
        self.leave_hub()

    def leave_hub(self) -> None:
        if self.group:
            get_hub().leave(self.group, self)
            self.group = None

    async def send_snapshot(self) -> None:
        raise NotImplementedError


class OccupancyConsumer(LiveConsumer):
    """/ws/spaces/<id>/occupancy/: a snapshot on connect, then deltas, for one centre."""

    async def connect(self):
        space_id = self.scope["url_route"]["kwargs"]["space_id"]
        space, access, refusal = await database_sync_to_async(_space_access)(
            space_id, self.scope["user"], query_value(self.scope, "display")
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
        room = get_hub().rooms.get(self.group)
        read = functools.partial(database_sync_to_async(_space_snapshot), self.space_id, self.view)
        if room is None:  # a socket cancelled on its way: nothing to keep in step with
            await self.send_encoded((await read())[1])
            return
        snapshot = await room.snapshot(self.view, read)
        # Written before anything else can run, so the room sends nothing between the
        # snapshot and the socket's becoming ready.
        if not self.write_frame(snapshot.frame):
            await self.send_encoded(snapshot.text)


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
