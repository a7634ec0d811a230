"""The per-process fan-out hub: one channel-layer subscription per group, many sockets.

Stock Channels puts every socket in the group, so the layer sends one message per socket
per update. Here each process subscribes once per group with a channel of its own; an
update arrives once, already encoded by the publisher, and is written to every local
socket of that group as it is. Sockets join with a variant ("named" or "anonymous") and
get the text of their variant.

The hub also keeps the sockets alive with heartbeats, re-subscribes after a channel-layer
outage, and relays the outbox every few seconds while it has sockets, so events held back
by an outage reach the screens soon after the layer returns.
"""

import asyncio
import contextlib
import logging
import time

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone

from realtime import protocol

logger = logging.getLogger(__name__)

# channels_redis forgets group members after a day; renew well before.
RESUBSCRIBE_SECONDS = 3600.0
RETRY_SECONDS = (0.5, 1, 2, 4)


class Room:
    """The local sockets of one group and the task that feeds them."""

    def __init__(self, hub: "Hub", group: str, space_id: int | None):
        self.hub = hub
        self.group = group
        self.space_id = space_id
        self.sockets: dict = {}  # socket -> variant
        self.last_seq = 0
        self.channel: str | None = None
        self.task: asyncio.Task | None = None

    async def start(self) -> None:
        layer = self.hub.layer
        self.channel = await layer.new_channel()
        await layer.group_add(self.group, self.channel)
        self.task = asyncio.create_task(self._pump(), name=f"hub:{self.group}")

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
        with contextlib.suppress(Exception):
            await self.hub.layer.group_discard(self.group, self.channel)

    async def _pump(self) -> None:
        layer = self.hub.layer
        failures = 0
        subscribed_at = time.monotonic()
        while True:
            try:
                if time.monotonic() - subscribed_at > RESUBSCRIBE_SECONDS or failures:
                    await layer.group_add(self.group, self.channel)
                    subscribed_at = time.monotonic()
                message = await layer.receive(self.channel)
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception:
                # The layer is down (Redis stopped): wait, then subscribe again, because a
                # restarted Redis has forgotten every group.
                delay = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                failures += 1
                logger.warning(
                    "Channel layer unavailable for %s; retrying in %ss", self.group, delay
                )
                await asyncio.sleep(delay)
                continue
            await self.deliver(message)

    async def deliver(self, message: dict) -> None:
        seq = message.get("seq")
        if seq is not None:
            # Two relays may publish the same event; each socket needs it once.
            if seq <= self.last_seq:
                return
            self.last_seq = max(self.last_seq, seq)
        revoked = message.get("revoked_display")
        texts = {"named": message["named"], "anonymous": message["anonymous"]}
        for socket, variant in list(self.sockets.items()):
            if revoked is not None and getattr(socket, "display_id", None) == revoked:
                await socket.close(code=4403)
                continue
            if socket.ready:
                await socket.send_encoded(texts[variant])

    async def heartbeat(self) -> None:
        text = protocol.encode(
            protocol.heartbeat(seq=self.last_seq, time=timezone.now().isoformat())
        )
        for socket in list(self.sockets):
            if socket.ready:
                await socket.send_encoded(text)


class Hub:
    """All rooms of this process. One per event loop; daphne runs one loop."""

    def __init__(self):
        self.rooms: dict[str, Room] = {}
        self.lock = asyncio.Lock()
        self.layer = get_channel_layer()
        self.background: asyncio.Task | None = None

    async def join(
        self, group: str, socket, variant: str, *, seq: int = 0, space_id: int | None = None
    ) -> None:
        async with self.lock:
            room = self.rooms.get(group)
            if room is None:
                room = self.rooms[group] = Room(self, group, space_id)
                await room.start()
            room.sockets[socket] = variant
            room.last_seq = max(room.last_seq, seq)
            if self.background is None or self.background.done():
                self.background = asyncio.create_task(self._keep_alive(), name="hub:keepalive")

    async def leave(self, group: str, socket) -> None:
        async with self.lock:
            room = self.rooms.get(group)
            if room is None:
                return
            room.sockets.pop(socket, None)
            if not room.sockets:
                del self.rooms[group]
                await room.stop()

    async def _catch_up(self) -> None:
        from realtime.publish import latest_seqs, space_updates_after

        rooms = [room for room in self.rooms.values() if room.space_id is not None]
        if not rooms:
            return
        seqs = await database_sync_to_async(latest_seqs)([room.space_id for room in rooms])
        for room in rooms:
            if seqs.get(room.space_id, 0) > room.last_seq:
                updates = await database_sync_to_async(space_updates_after)(
                    space_id=room.space_id, seq=room.last_seq
                )
                for update in updates:
                    await room.deliver(update)

    def socket_count(self, group: str | None = None) -> int:
        if group is not None:
            room = self.rooms.get(group)
            return len(room.sockets) if room else 0
        return sum(len(room.sockets) for room in self.rooms.values())

    async def _keep_alive(self) -> None:
        """While anyone watches: relay the outbox, catch up missed updates, send heartbeats.

        Catching up compares each room's last number with its space's and fetches what is
        missing from the outbox, so an update published where this process could not hear
        it (the task worker on the in-memory layer, a message lost in an outage) still
        arrives within a few seconds.
        """
        from cowork.events import relay_pending

        last_heartbeat = time.monotonic()
        while self.rooms:
            await asyncio.sleep(settings.LIVE_CATCH_UP_SECONDS)
            try:
                await database_sync_to_async(relay_pending)()
                await self._catch_up()
            except Exception:
                logger.warning("Relay or catch-up from the hub failed", exc_info=True)
            if time.monotonic() - last_heartbeat >= protocol.HEARTBEAT_SECONDS:
                last_heartbeat = time.monotonic()
                for room in list(self.rooms.values()):
                    await room.heartbeat()


_hubs: dict[int, Hub] = {}


def get_hub() -> Hub:
    """The hub of the running event loop (daphne has one loop; tests may have several)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(id(loop))
    if hub is None or hub.loop is not loop:
        hub = _hubs[id(loop)] = Hub()
        hub.loop = loop
    return hub
