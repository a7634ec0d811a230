"""The fan-out hub on its own, with a channel layer that misbehaves on cue."""

import asyncio
import contextlib
import json
import logging

import pytest
from redis.exceptions import TimeoutError as RedisTimeoutError

from realtime import protocol
from realtime.hub import Hub, text_frame

GROUP = "occupancy.space.1"


class ScriptedLayer:
    """A channel layer whose reads follow a script: a message, or an error after a wait."""

    brpop_timeout = 0.05  # channels_redis's blocking wait, shortened

    def __init__(self, script=()):
        self.script = list(script)
        self.published: asyncio.Queue = asyncio.Queue()  # read once the script is done
        self.group_adds = 0
        self.reads = 0

    async def new_channel(self):
        return "hub!1"

    async def group_add(self, group, channel):
        self.group_adds += 1

    async def group_discard(self, group, channel):
        pass

    async def receive(self, channel):
        self.reads += 1
        if not self.script:
            return await self.published.get()
        wait, outcome = self.script.pop(0)
        if wait:
            await asyncio.sleep(wait)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


class Screen:
    """A socket as the hub sees it; keeps the texts it was sent."""

    ready = True
    display_id = None

    def __init__(self):
        self.texts: list[str] = []
        self.arrived = asyncio.Event()

    def write_frame(self, frame: bytes) -> bool:
        return False  # like the test communicator: no connection to write frames to

    async def send_encoded(self, text: str) -> None:
        self.texts.append(text)
        self.arrived.set()

    async def close(self, code=None):
        pass


def _update(seq: int) -> dict:
    text = protocol.encode({"type": "delta", "seq": seq})
    return {"type": "occupancy.update", "seq": seq, "named": text, "anonymous": text}


@contextlib.asynccontextmanager
async def _hub_with(layer):
    hub = Hub()
    hub.layer = layer
    try:
        yield hub
    finally:
        for room in list(hub.rooms.values()):
            await room.stop()
        if hub.background:
            hub.background.cancel()


async def _seqs_of_a_screen_that_joined(layer, caplog) -> list[int]:
    """The updates a screen gets once it joins a hub reading from `layer`, warnings logged."""
    screen = Screen()
    async with _hub_with(layer) as hub:
        with caplog.at_level(logging.WARNING, logger="realtime.hub"):
            await hub.join(GROUP, screen, "anonymous")
            await asyncio.wait_for(screen.arrived.wait(), 5)
    return [json.loads(text)["seq"] for text in screen.texts]


@pytest.mark.asyncio
async def test_a_quiet_redis_read_is_not_an_outage(caplog):
    quiet = RedisTimeoutError("Timeout reading from 127.0.0.1:6379")
    layer = ScriptedLayer([(ScriptedLayer.brpop_timeout, quiet), (0, _update(1))])
    assert await _seqs_of_a_screen_that_joined(layer, caplog) == [1]
    # No warning, so no pause before reading again: the group was merely quiet.
    assert not caplog.records


@pytest.mark.asyncio
async def test_a_read_that_fails_at_once_backs_off_and_subscribes_again(caplog):
    refused = RedisTimeoutError("Timeout connecting to server")
    layer = ScriptedLayer([(0, refused), (0, _update(1))])
    assert await _seqs_of_a_screen_that_joined(layer, caplog) == [1]
    assert "Channel layer unavailable" in caplog.text
    # A restarted Redis has forgotten the group, so the hub joins it again.
    assert layer.group_adds == 2


@pytest.mark.asyncio
async def test_a_socket_joining_with_a_newer_number_does_not_hide_an_update_from_the_room():
    layer = ScriptedLayer()
    early, late = Screen(), Screen()
    async with _hub_with(layer) as hub:
        await hub.join(GROUP, early, "anonymous", seq=0)
        # The late socket read the space after update 1 was committed, before it came.
        await hub.join(GROUP, late, "anonymous", seq=1)
        layer.published.put_nowait(_update(1))
        await asyncio.wait_for(early.arrived.wait(), 5)
    assert [json.loads(text)["seq"] for text in early.texts] == [1]


@pytest.mark.asyncio
async def test_an_update_in_flight_is_not_read_from_the_outbox_but_a_missed_one_is(monkeypatch):
    import realtime.publish

    database = {"seq": 1}
    fetched = []

    def space_updates_after(*, space_id, seq):
        fetched.append(seq)
        return [_update(n) for n in range(seq + 1, database["seq"] + 1)]

    monkeypatch.setattr(realtime.publish, "latest_seqs", lambda ids: {1: database["seq"]})
    monkeypatch.setattr(realtime.publish, "space_updates_after", space_updates_after)
    layer = ScriptedLayer()
    screen = Screen()
    async with _hub_with(layer) as hub:
        await hub.join(GROUP, screen, "anonymous", seq=0, space_id=1)
        await hub._catch_up()  # update 1 is committed and on its way
        assert fetched == []
        layer.published.put_nowait(_update(1))
        await asyncio.wait_for(screen.arrived.wait(), 5)
        database["seq"] = 2  # update 2 is committed, and lost on the way
        await hub._catch_up()
        assert fetched == []
        await hub._catch_up()
        assert fetched == [1]
    assert [json.loads(text)["seq"] for text in screen.texts] == [1, 2]


@pytest.mark.asyncio
async def test_an_update_that_skips_a_number_brings_the_missed_ones_first(monkeypatch):
    import realtime.publish

    fetched = []

    def space_updates_after(*, space_id, seq):
        fetched.append(seq)
        return [_update(n) for n in range(seq + 1, 5)]  # the outbox holds 1 to 4

    monkeypatch.setattr(realtime.publish, "space_updates_after", space_updates_after)
    layer = ScriptedLayer()
    screen = Screen()
    async with _hub_with(layer) as hub:
        await hub.join(GROUP, screen, "anonymous", seq=0, space_id=1)
        # 1 and 2 were published while a restarted Redis had forgotten the room; 3 arrives,
        # then 4, then 2 again from a slower relay.
        for seq in (3, 4, 2):
            layer.published.put_nowait(_update(seq))
        while len(screen.texts) < 4:
            screen.arrived.clear()
            await asyncio.wait_for(screen.arrived.wait(), 5)
        await asyncio.sleep(0.05)
    assert [json.loads(text)["seq"] for text in screen.texts] == [1, 2, 3, 4]
    assert fetched == [0]  # one read of the outbox, for the one gap


@pytest.mark.parametrize("length", [0, 125, 126, 65535, 65536])
def test_an_update_frame_is_what_a_websocket_client_reads_as_the_text(length):
    from websockets.frames import Frame
    from websockets.streams import StreamReader

    text = "ї" * (length // 2) + "x" * (length % 2)  # multi-byte, to count bytes not chars
    reader = StreamReader()
    reader.feed_data(text_frame(text))
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        frame = done.value
    assert frame.fin and frame.opcode.name == "TEXT"
    assert frame.data.decode() == text


@pytest.mark.asyncio
async def test_the_collector_is_frozen_while_many_watch_and_thawed_once_half_have_left(
    monkeypatch,
):
    import gc

    import realtime.hub

    monkeypatch.setattr(realtime.hub, "GC_FREEZE_FROM", 4)
    # The suite freezes what its collection loaded (tests/conftest.py); a server starts
    # with nothing frozen.
    gc.unfreeze()
    screens = [Screen() for _ in range(4)]
    try:
        async with _hub_with(ScriptedLayer()) as hub:
            for screen in screens[:3]:
                await hub.join(GROUP, screen, "anonymous")
            assert gc.get_freeze_count() == 0
            await hub.join(GROUP, screens[3], "anonymous")
            assert gc.get_freeze_count() > 0
            hub.leave(GROUP, screens[0])
            hub.leave(GROUP, screens[1])
            assert gc.get_freeze_count() > 0
            hub.leave(GROUP, screens[2])
            # What the departed left behind is the collector's again.
            assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


class StubbornLayer(ScriptedLayer):
    """A layer whose read takes a cancellation for a timeout and reads on, until released."""

    def __init__(self):
        super().__init__()
        self.released = asyncio.Event()

    async def receive(self, channel):
        self.reads += 1
        while not self.released.is_set():
            with contextlib.suppress(asyncio.CancelledError):
                await self.released.wait()
        raise asyncio.CancelledError


@pytest.mark.asyncio
async def test_a_reader_that_ignores_its_cancellation_does_not_hold_up_the_hub(monkeypatch):
    import realtime.hub

    monkeypatch.setattr(realtime.hub, "STOP_WAIT_SECONDS", 0.1)
    layer = StubbornLayer()
    first, second = Screen(), Screen()
    try:
        async with _hub_with(layer) as hub:
            await hub.join(GROUP, first, "anonymous")
            old_room = hub.rooms[GROUP]
            hub.leave(GROUP, first)  # the room closes in the background
            await asyncio.wait_for(asyncio.gather(*hub.closing), 2)
            assert GROUP not in hub.rooms
            # Another screen of the space connects: it gets a new room at once.
            await asyncio.wait_for(hub.join(GROUP, second, "anonymous"), 2)
            assert hub.rooms[GROUP] is not old_room
    finally:
        layer.released.set()


@pytest.mark.asyncio
async def test_a_heartbeat_goes_to_every_socket_a_slice_at_a_time(monkeypatch):
    import realtime.hub

    monkeypatch.setattr(realtime.hub, "HEARTBEAT_SLICE", 2)
    screens = [Screen() for _ in range(5)]
    async with _hub_with(ScriptedLayer()) as hub:
        for screen in screens:
            await hub.join(GROUP, screen, "anonymous", seq=7)
        room = hub.rooms[GROUP]
        beat = asyncio.create_task(room.heartbeat())
        await asyncio.sleep(0)  # the first slice is out; the last screen leaves meanwhile
        hub.leave(GROUP, screens[-1])
        await beat
    beats = [[json.loads(text) for text in screen.texts] for screen in screens]
    assert all(b == [{"type": "heartbeat", "seq": 7, "time": b[0]["time"]}] for b in beats[:4])
    assert beats[4] == []
