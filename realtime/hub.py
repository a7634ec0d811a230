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
import gc
import logging
import struct
import sys
import time
from collections.abc import Awaitable, Callable
from typing import NamedTuple

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone

from realtime import protocol

logger = logging.getLogger(__name__)

# channels_redis forgets group members after a day; renew well before.
RESUBSCRIBE_SECONDS = 3600.0
RETRY_SECONDS = (0.5, 1, 2, 4)
# Sockets written a heartbeat before an update that came meanwhile may go first.
HEARTBEAT_SLICE = 500
# How long a room that is closing waits for its reader of the layer to end.
STOP_WAIT_SECONDS = 5.0
# Sockets connecting within this long of each other share a snapshot. States follow the
# clock too (a booking starts), so none is given out older than this.
SNAPSHOT_REUSE_SECONDS = 1.0
# Reads of a snapshot for one socket while updates keep overtaking them.
SNAPSHOT_READS = 3
# Sockets in this process from which long-lived objects are frozen out of the cyclic GC.
GC_FREEZE_FROM = 500


def _quiet_read(layer, error: Exception, seconds: float) -> bool:
    """Whether `error` ended a read that waited out the layer's blocking wait.

    channels_redis blocks in Redis for `brpop_timeout` seconds per read; a client timeout
    close to that is a quiet group, not an outage. A timeout that came sooner is an outage
    (and taking it for quiet would spin this loop without ever yielding).
    """
    wait = getattr(layer, "brpop_timeout", None)
    # redis's exceptions are looked up, not imported: a Redis timeout means redis is loaded,
    # and importing it here would load it into every process Django starts, Redis or not.
    redis_exceptions = sys.modules.get("redis.exceptions")
    timeouts = (
        (TimeoutError,)
        if redis_exceptions is None
        else (TimeoutError, redis_exceptions.TimeoutError)
    )
    return wait is not None and isinstance(error, timeouts) and seconds >= wait / 2


def text_frame(text: str) -> bytes:
    """`text` as one websocket text frame from a server (RFC 6455 5.2): final, unmasked.

    Only for connections without a compression extension; daphne accepts none.
    """
    payload = text.encode()
    length = len(payload)
    if length < 126:
        header = bytes((0x81, length))
    elif length < 0x10000:
        header = struct.pack("!BBH", 0x81, 126, length)
    else:
        header = struct.pack("!BBQ", 0x81, 127, length)
    return header + payload


class FrameTally:
    """Frames of live updates and snapshots this process sent, by the way each went.

    `at_once`: written to daphne's connection and taken by the kernel at once, the fast
    path; `queued`: written to the connection behind bytes Twisted still holds (just after
    the handshake, or to a slow reader); `through_channels`: the connection could not take
    a frame, so the text went through Channels' send. Read by /metrics
    (`realtime.metrics`): a daphne, autobahn or Twisted that no longer has what the fast
    path reads shows as `at_once` standing still while the others grow.
    """

    __slots__ = ("at_once", "queued", "through_channels")

    def __init__(self):
        self.at_once = self.queued = self.through_channels = 0


FRAMES = FrameTally()


class Snapshot(NamedTuple):
    seq: int
    read_at: float  # time.monotonic()
    text: str
    frame: bytes

    def fresh(self) -> bool:
        return time.monotonic() - self.read_at < SNAPSHOT_REUSE_SECONDS


class Room:
    """The local sockets of one group and the task that feeds them."""

    def __init__(self, hub: "Hub", group: str, space_id: int | None):
        self.hub = hub
        self.group = group
        self.space_id = space_id
        self.sockets: dict = {}  # socket -> variant
        self.last_seq = 0
        self.expected_seq = 0  # the space's number at the previous catch-up check
        # Held while an update (and any it skipped past) goes out: updates reach the room
        # from its pump and from the catch-up, and sockets must get them in number order.
        self.in_order = asyncio.Lock()
        self.channel: str | None = None
        self.task: asyncio.Task | None = None
        # Per view: the last snapshot read, and the read under way.
        self.snapshots: dict[str, Snapshot] = {}
        self.reading: dict[str, asyncio.Task] = {}

    async def snapshot(self, view: str, read: Callable[[], Awaitable[tuple[int, str]]]):
        """A snapshot for a socket of this room that becomes ready before its next await.

        `read()` gives the space's (seq, encoded snapshot). A snapshot at the room's number
        or later holds every update the room has sent, and the socket gets every later one
        (any it already holds come again; clients ignore those). Sockets connecting
        together, a wall of screens after a restart, share one read instead of one each.
        """
        for _ in range(SNAPSHOT_READS):
            kept = self.snapshots.get(view)
            if kept and kept.seq >= self.last_seq and kept.fresh():
                return kept
            reading = self.reading.get(view)
            if reading is None:
                reading = self.reading[view] = asyncio.create_task(self._read(view, read))
            # Shielded: one socket giving up must not cancel the read the others wait for.
            await asyncio.shield(reading)
        # The room kept moving past each read: the client will see the gap and resync.
        return self.snapshots[view]

    async def _read(self, view: str, read) -> None:
        try:
            seq, text = await read()
            self.snapshots[view] = Snapshot(seq, time.monotonic(), text, text_frame(text))
        finally:
            del self.reading[view]

    async def start(self) -> None:
        layer = self.hub.layer
        self.channel = await layer.new_channel()
        await layer.group_add(self.group, self.channel)
        self.task = asyncio.create_task(self._pump(), name=f"hub:{self.group}")

    async def stop(self) -> None:
        """Stop reading the layer and leave the group.

        The wait for the pump is bounded: a read of the layer that outlives its cancellation
        (seen with channels_redis when cancels pile up) must not hold up the caller.
        `asyncio.wait` neither raises the pump's own error nor swallows a cancellation of
        this coroutine.
        """
        if self.task:
            self.task.cancel()
            _done, pending = await asyncio.wait({self.task}, timeout=STOP_WAIT_SECONDS)
            if pending:
                logger.warning("The hub's reader of %s did not stop in time", self.group)
        with contextlib.suppress(Exception):
            await self.hub.layer.group_discard(self.group, self.channel)

    async def _pump(self) -> None:
        layer = self.hub.layer
        failures = 0
        subscribed_at = time.monotonic()
        renew = False
        while True:
            began = time.monotonic()
            try:
                if renew or time.monotonic() - subscribed_at > RESUBSCRIBE_SECONDS:
                    await layer.group_add(self.group, self.channel)
                    subscribed_at = time.monotonic()
                    renew = False
                message = await layer.receive(self.channel)
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as error:
                # Subscribe again before the next read: a restarted Redis has forgotten
                # every group.
                renew = True
                if _quiet_read(layer, error, time.monotonic() - began):
                    # Nobody published while Redis held the read open: listen again at
                    # once. The read itself waited, so this loop gives the others a turn.
                    failures = 0
                    continue
                # The layer is down (Redis stopped): wait before trying again.
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
        if seq is None:  # the network's room: its updates carry no number
            await self._send(message)
            return
        async with self.in_order:
            # Two relays may publish the same event; each socket needs it once.
            if seq <= self.last_seq:
                return
            if seq > self.last_seq + 1 and self.space_id is not None:
                await self._fill_gap(before=seq)
            self.last_seq = seq
            await self._send(message)

    async def _fill_gap(self, *, before: int) -> None:
        """Send the updates between the room's number and `before` from the outbox.

        An update can go missing on its way here: published while a restarted Redis had
        forgotten this room's subscription, or overtaken by a later one that another
        process committed and published first. Its number was given out under the space's
        lock, so it is committed by now and the outbox has it. Sending it here keeps every
        socket's stream gap-free; without it each client would have to resync.
        """
        from realtime.publish import space_updates_after

        missed = await database_sync_to_async(space_updates_after)(
            space_id=self.space_id, seq=self.last_seq
        )
        for update in missed:
            if update["seq"] >= before:
                break
            self.last_seq = update["seq"]
            await self._send(update)

    async def _send(self, message: dict) -> None:
        texts = {"named": message["named"], "anonymous": message["anonymous"]}
        await self._send_all(texts, revoked_display=message.get("revoked_display"))

    async def heartbeat(self) -> None:
        """Tell every socket the room's number and the time, a slice of sockets at a time.

        An update that arrives meanwhile goes out between two slices instead of waiting
        for the whole round: each write is a whole frame, so nothing interleaves within
        a socket, and a heartbeat carrying an older number than an update a client already
        holds asks for nothing (clients resync only on a newer one).
        """
        text = protocol.encode(
            protocol.heartbeat(seq=self.last_seq, time=timezone.now().isoformat())
        )
        texts = {"named": text, "anonymous": text}
        sockets = list(self.sockets.items())
        for start in range(0, len(sockets), HEARTBEAT_SLICE):
            if start:
                await asyncio.sleep(0)
            still_here = [
                (socket, variant)
                for socket, variant in sockets[start : start + HEARTBEAT_SLICE]
                if socket in self.sockets
            ]
            await self._send_all(texts, sockets=still_here)

    async def _send_all(self, texts: dict[str, str], *, revoked_display=None, sockets=None) -> None:
        """Write each socket its variant's text: one frame per variant, built here once.

        A socket that can take the frame as it is (daphne's) is written to in this loop,
        without a coroutine or a task per socket: that is most of what fan-out to
        thousands costs. Others (the test communicator) are sent the text afterwards.
        `sockets`: (socket, variant) pairs to write to, if not all of the room's.
        """
        frames = {variant: text_frame(text) for variant, text in texts.items()}
        later = []
        for socket, variant in sockets if sockets is not None else list(self.sockets.items()):
            if revoked_display is not None and socket.display_id == revoked_display:
                later.append((socket, None))
            elif socket.ready and not socket.write_frame(frames[variant]):
                later.append((socket, texts[variant]))
        for socket, text in later:
            if text is None:
                await socket.close(code=4403)
            else:
                await socket.send_encoded(text)


class Hub:
    """All rooms of this process. One per event loop; daphne runs one loop."""

    def __init__(self):
        self.rooms: dict[str, Room] = {}
        self.lock = asyncio.Lock()
        self.layer = get_channel_layer()
        self.background: asyncio.Task | None = None
        self.closing: set[asyncio.Task] = set()  # referenced until done, or they may vanish
        self.frozen_at = 0  # sockets when the collector was last frozen; 0: not frozen
        self.departures = 0  # sockets gone since then

    async def join(
        self, group: str, socket, variant: str, *, seq: int = 0, space_id: int | None = None
    ) -> None:
        async with self.lock:
            room = self.rooms.get(group)
            if room is None:
                room = self.rooms[group] = Room(self, group, space_id)
                # Only a new room starts from the joiner's number. A room already listening
                # may not have had that update yet, and its other sockets still need it.
                room.last_seq = seq
                await room.start()
            room.sockets[socket] = variant
            self._freeze_long_lived()
            if self.background is None or self.background.done():
                self.background = asyncio.create_task(self._keep_alive(), name="hub:keepalive")

    def leave(self, group: str, socket) -> None:
        """Stop writing to `socket` at once; a room left empty closes in the background.

        Synchronous, so that a consumer being cancelled can call it on its way out.
        """
        room = self.rooms.get(group)
        if room is None or room.sockets.pop(socket, None) is None:
            return
        self._thaw_after_departures()
        if room.sockets:
            return
        closing = asyncio.create_task(self._close_if_empty(room), name=f"hub:close:{group}")
        self.closing.add(closing)
        closing.add_done_callback(self.closing.discard)

    def _freeze_long_lived(self) -> None:
        """Take what exists now out of the cyclic collector's sight once sockets pile up.

        Each socket brings a few hundred objects (consumer, protocol, scope, tasks) that
        live as long as it does. With thousands of them every full collection walks them
        all, tens of milliseconds in which no update goes out. Frozen at 500 sockets and
        each time their number doubles, after one collection so no garbage is frozen.
        """
        count = self.socket_count()
        if count < GC_FREEZE_FROM or count < 2 * self.frozen_at:
            return
        gc.collect()
        gc.freeze()
        self.frozen_at = count
        self.departures = 0

    def _thaw_after_departures(self) -> None:
        # A socket that left while frozen is garbage the collector cannot see. Once half as
        # many have left as there were when last frozen, hand everything back to it; the
        # next join collects and freezes again.
        if not self.frozen_at:
            return
        self.departures += 1
        if self.departures * 2 > self.frozen_at:
            gc.unfreeze()
            self.frozen_at = 0

    async def _close_if_empty(self, room: Room) -> None:
        async with self.lock:
            # Someone may have joined since the last socket left.
            if room.sockets or self.rooms.get(room.group) is not room:
                return
            del self.rooms[room.group]
        # Outside the lock: a joiner of this group meanwhile makes a room of its own, with a
        # channel of its own, which this room's leaving the group does not touch.
        await room.stop()

    async def _catch_up(self) -> None:
        from realtime.publish import latest_seqs, space_updates_after

        rooms = [room for room in self.rooms.values() if room.space_id is not None]
        if not rooms:
            return
        seqs = await database_sync_to_async(latest_seqs)([room.space_id for room in rooms])
        for room in rooms:
            # An update reaches the room within moments of its commit, so a room behind the
            # database now is usually just about to get it; reading the outbox for it would
            # cost queries when the hub is busiest. Only a number the database had at the
            # previous check, and the room still lacks, is missed.
            if room.last_seq < room.expected_seq:
                updates = await database_sync_to_async(space_updates_after)(
                    space_id=room.space_id, seq=room.last_seq
                )
                for update in updates:
                    await room.deliver(update)
            room.expected_seq = seqs.get(room.space_id, 0)

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
        from cowork.outbox import relay_live_pending

        last_heartbeat = time.monotonic()
        while self.rooms:
            await asyncio.sleep(settings.LIVE_CATCH_UP_SECONDS)
            try:
                await database_sync_to_async(relay_live_pending)()
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
