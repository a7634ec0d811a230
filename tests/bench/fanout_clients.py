"""Websocket clients for tests/bench/fanout.py, held in child processes of their own.

The parent drives each child through a pipe: connect `count` sockets in batches, report
how many receipts have come in, hand over the receipts, close every socket, exit. A child
records the wall-clock time (time.time()) at which each socket received each delta, keyed
by the delta's seq, so the parent can compare it with the commit or trigger time it took
in its own process on the same machine.
"""

import asyncio
import contextlib
import math
import multiprocessing
import re
import time
from collections import defaultdict
from multiprocessing.connection import wait

# Deltas of the real server and of both anchors start this way; anything else (snapshot,
# heartbeat) is counted, not timed.
DELTA = re.compile(rb'\{"type":"delta","seq":(\d+)')
SNAPSHOT = b'{"type":"snapshot"'
COMMAND_TIMEOUT = 30  # seconds for a child to answer a short command
# A refused socket is tried again after the ramp: daphne drops a handshake the application
# has not accepted within 5 s, which a burst of connects on two cores can exceed.
CONNECT_RETRIES = 2


# --- child side -----------------------------------------------------------------------------


class _Fleet:
    """The sockets of one child process and what they received."""

    def __init__(self, conn):
        self.conn = conn
        self.sockets: list = []
        self.readers: list[asyncio.Task] = []
        self.closing = False
        self.tasks: set[asyncio.Task] = set()
        self.reset()
        self.done = asyncio.Event()

    def reset(self) -> None:
        self.receipts: dict[int, list[float]] = defaultdict(list)
        self.sizes: dict[int, int] = {}
        self.duplicates = 0
        self.other = 0
        self.dropped = 0

    async def open_one(self, url: str, origin: str, timeout: float) -> None:
        from websockets.asyncio.client import connect

        # No compression: a deflate context per socket would compress each send once per
        # socket and hide the fan-out behind zlib. No client pings: the server's are enough.
        socket = await connect(
            url,
            origin=origin,
            compression=None,
            ping_interval=None,
            open_timeout=timeout,
            close_timeout=5,
            max_size=None,
            proxy=None,
        )
        try:
            first = await asyncio.wait_for(socket.recv(decode=False), timeout)
        except BaseException:
            socket.transport.abort()
            raise
        if not first.startswith(SNAPSHOT):
            socket.transport.abort()
            raise RuntimeError(f"first message is not a snapshot: {first[:80]!r}")
        self.sockets.append(socket)
        self.readers.append(asyncio.create_task(self.read(socket)))

    async def read(self, socket) -> None:
        from websockets.exceptions import ConnectionClosed

        seen: set[int] = set()
        try:
            while True:
                data = await socket.recv(decode=False)
                now = time.time()
                match = DELTA.match(data)
                if match is None:
                    self.other += 1
                    continue
                seq = int(match.group(1))
                if seq in seen:
                    self.duplicates += 1
                    continue
                seen.add(seq)
                # Looked up each time: collect() swaps in fresh dicts between runs.
                self.receipts[seq].append(now)
                self.sizes.setdefault(seq, len(data))
        except ConnectionClosed:
            if not self.closing:
                self.dropped += 1

    async def connect(self, url: str, origin: str, count: int, batch: int, timeout: float):
        """Open `count` sockets `batch` at a time; retry the ones refused, twice at most."""
        errors: list[str] = []
        pending, retried = count, 0
        for attempt in range(1 + CONNECT_RETRIES):
            if attempt:
                retried += pending
                await asyncio.sleep(2)  # give a swamped server a moment before retrying
            failed = 0
            for start in range(0, pending, batch):
                size = min(batch, pending - start)
                results = await asyncio.gather(
                    *(self.open_one(url, origin, timeout) for _ in range(size)),
                    return_exceptions=True,
                )
                bad = [r for r in results if isinstance(r, BaseException)]
                failed += len(bad)
                errors += [f"{type(r).__name__}: {r}" for r in bad[: max(0, 3 - len(errors))]]
                final = attempt == CONNECT_RETRIES
                self.conn.send(("progress", size - len(bad), len(bad) if final else 0))
            pending = failed
            if not pending:
                break
        self.conn.send(("connected", len(self.sockets), pending, errors, retried))

    async def close_all(self) -> None:
        self.closing = True
        sockets, readers = self.sockets, self.readers
        self.sockets, self.readers = [], []
        if sockets:
            closes = [asyncio.create_task(socket.close()) for socket in sockets]
            _done, pending = await asyncio.wait(closes, timeout=60)
            for task in pending:
                task.cancel()
            for socket in sockets:
                socket.transport.abort()
        for reader in readers:
            reader.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
        self.closing = False
        self.conn.send(("closed", len(sockets)))

    def on_command(self) -> None:
        command, *args = self.conn.recv()
        if command == "connect":
            self.tasks.add(task := asyncio.create_task(self.connect(*args)))
            task.add_done_callback(self.tasks.discard)
        elif command == "count":
            self.conn.send(("count", sum(len(times) for times in self.receipts.values())))
        elif command == "collect":
            self.conn.send(
                (
                    "receipts",
                    dict(self.receipts),
                    dict(self.sizes),
                    {"duplicates": self.duplicates, "other": self.other, "dropped": self.dropped},
                )
            )
            self.reset()
        elif command == "close":
            self.tasks.add(task := asyncio.create_task(self.close_all()))
            task.add_done_callback(self.tasks.discard)
        elif command == "exit":
            self.done.set()


async def _child_main(conn) -> None:
    fleet = _Fleet(conn)
    loop = asyncio.get_running_loop()
    loop.add_reader(conn.fileno(), fleet.on_command)
    try:
        await fleet.done.wait()
    finally:
        loop.remove_reader(conn.fileno())
        if fleet.sockets:
            for socket in fleet.sockets:
                socket.transport.abort()


def child_main(conn) -> None:
    asyncio.run(_child_main(conn))


# --- parent side ----------------------------------------------------------------------------


class ClientProcesses:
    """`processes` children sharing the sockets of each run evenly; stopped by `stop()`."""

    def __init__(self, processes: int):
        context = multiprocessing.get_context("spawn")
        self.pipes = []
        self.processes = []
        for n in range(processes):
            parent_end, child_end = context.Pipe()
            process = context.Process(
                target=child_main, args=(child_end,), name=f"fanout-clients-{n}", daemon=True
            )
            process.start()
            child_end.close()
            self.pipes.append(parent_end)
            self.processes.append(process)

    def _answers(self, kind: str, timeout: float = COMMAND_TIMEOUT) -> list:
        """One answer of `kind` from every child, in child order."""
        answers: dict = {}
        deadline = time.monotonic() + timeout
        while len(answers) < len(self.pipes):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"client processes did not answer {kind!r} in {timeout} s")
            for pipe in wait([p for p in self.pipes if p not in answers], remaining):
                message = pipe.recv()
                if message[0] == kind:
                    answers[pipe] = message[1:]
        return [answers[pipe] for pipe in self.pipes]

    def connect(self, url, origin, count, *, batch, timeout, progress):
        """Open `count` sockets, `batch` at a time across the children; each waits for its
        snapshot. Returns (connected, failed, retried, a few errors)."""
        children = len(self.pipes)
        share = [count // children + (n < count % children) for n in range(children)]
        per_child_batch = max(1, math.ceil(batch / len(self.pipes)))
        for pipe, n in zip(self.pipes, share, strict=True):
            pipe.send(("connect", url, origin, n, per_child_batch, timeout))
        finished: dict = {}
        # Bounded: every batch either connects or fails within `timeout` plus the snapshot's.
        deadline = time.monotonic() + (1 + CONNECT_RETRIES) * (count / max(1, batch) + 1) * (
            2 * timeout + 5
        )
        while len(finished) < len(self.pipes):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("connecting the clients did not finish")
            for pipe in wait([p for p in self.pipes if p not in finished], remaining):
                message = pipe.recv()
                if message[0] == "progress":
                    progress.update(message[1] + message[2])
                elif message[0] == "connected":
                    finished[pipe] = message[1:]
        connected = sum(answer[0] for answer in finished.values())
        failed = sum(answer[1] for answer in finished.values())
        errors = [error for answer in finished.values() for error in answer[2]]
        retried = sum(answer[3] for answer in finished.values())
        return connected, failed, retried, errors[:5]

    def receipt_count(self) -> int:
        for pipe in self.pipes:
            pipe.send(("count",))
        return sum(answer[0] for answer in self._answers("count"))

    def collect(self) -> tuple[dict[int, list[float]], dict[int, int], dict[str, int]]:
        """Every receipt since the last collect, merged over the children, and then forgotten."""
        for pipe in self.pipes:
            pipe.send(("collect",))
        receipts: dict[int, list[float]] = defaultdict(list)
        sizes: dict[int, int] = {}
        stats: dict[str, int] = defaultdict(int)
        for child_receipts, child_sizes, child_stats in self._answers("receipts", 120):
            for seq, times in child_receipts.items():
                receipts[seq].extend(times)
            sizes.update(child_sizes)
            for key, value in child_stats.items():
                stats[key] += value
        return dict(receipts), sizes, dict(stats)

    def close_all(self) -> int:
        for pipe in self.pipes:
            pipe.send(("close",))
        return sum(answer[0] for answer in self._answers("closed", 90))

    def stop(self) -> None:
        for pipe in self.pipes:
            with contextlib.suppress(OSError):
                pipe.send(("exit",))
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
        for pipe in self.pipes:
            pipe.close()
