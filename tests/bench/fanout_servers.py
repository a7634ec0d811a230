"""The servers tests/bench/fanout.py measures, and what it measures of their processes.

DaphneProcess runs one daphne on a free loopback port and keeps what it logs; PlainServer
runs tests/bench/fanout_plain_server.py in a child process; cpu_seconds, wait_until_quiet
and py_spy_recorder look at a server's process from outside. Each stops only what it
started.
"""

import collections
import contextlib
import math
import multiprocessing
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.servers import LISTENING, daphne_on_a_free_port, ended

ROOT = Path(__file__).resolve().parents[2]

SERVER_LOG_LEVEL = re.compile(r" (WARNING|ERROR|CRITICAL) +(\S+)")
TIMESTAMPED = re.compile(r"\d{4}-\d\d-\d\d ")
EXCEPTION_LINE = re.compile(r"[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b")
# daphne cancels an application instance still running 10 s after its socket closed
# (application_close_timeout); a consumer cancelled that way never runs disconnect().
KILLED = "took too long to shut down and was killed"
SERVER_START_TIMEOUT = 30


class DaphneProcess:
    """One daphne process on a free loopback port; stopped (only it) by `stop()`."""

    def __init__(self, app: str, env: dict[str, str], name: str):
        self.name = name
        self.process = daphne_on_a_free_port(app, env=env, cwd=ROOT)
        self.pid = self.process.pid
        # Drained to the end whatever happens: a full pipe would stall the server.
        self.log: collections.deque[str] = collections.deque(maxlen=500)
        # Warnings and errors by kind over the whole run, the last of each kept as a sample.
        self.counts: collections.Counter[str] = collections.Counter()
        self.last_problem: dict[str, str] = {}
        lines: queue.Queue[str | None] = queue.Queue()

        def drain():
            kind = None
            for line in self.process.stdout:
                self.log.append(line)
                if level := SERVER_LOG_LEVEL.search(line):
                    kind = (
                        "daphne killed an application instance (application_close_timeout)"
                        if KILLED in line
                        else f"{level.group(1)} {level.group(2)}"
                    )
                    self.counts[kind] += 1
                    self.last_problem[kind] = line.rstrip()[:300]
                elif kind and EXCEPTION_LINE.match(line):
                    # The last line of a traceback names the exception behind the message.
                    self.last_problem[kind] += f" [{line.strip()[:200]}]"
                elif TIMESTAMPED.match(line):
                    kind = None
                lines.put(line)
            lines.put(None)

        threading.Thread(target=drain, name=f"{name}-output", daemon=True).start()
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        self.port = None
        while self.port is None and (remaining := deadline - time.monotonic()) > 0:
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                break
            if match := LISTENING.search(line):
                self.port = int(match.group(1))
        if self.port is None:
            self.stop()
            raise RuntimeError(f"{name} did not listen:\n{''.join(self.log)}")

    def problems(self) -> list[str]:
        return [
            f"{count} × {kind}, e.g. {self.last_problem[kind]}"
            for kind, count in self.counts.most_common()
        ]

    def stop(self) -> None:
        ended(self.process, within=15)


class PlainServer:
    """tests/bench/fanout_plain_server.py in a child process, driven through a pipe."""

    def __init__(self):
        from tests.bench.fanout_plain_server import serve_forever

        context = multiprocessing.get_context("spawn")
        self.pipe, child_end = context.Pipe()
        self.process = context.Process(
            target=serve_forever, args=(child_end,), name="fanout-plain", daemon=True
        )
        self.process.start()
        child_end.close()
        self.pid = self.process.pid
        self.sent: list[tuple] = []  # (sockets, seconds inside broadcast) per trigger
        self.port = self._answer("listening")[0]

    def _answer(self, kind: str, timeout: float = SERVER_START_TIMEOUT):
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            if not self.pipe.poll(remaining):
                break
            message = self.pipe.recv()
            if message[0] == kind:
                return message[1:]
        raise TimeoutError(f"the plain server did not answer {kind!r}")

    def trigger(self, text: str) -> float:
        at = time.time()
        self.pipe.send(("send", text))
        self.sent.append(self._answer("sent", 30))
        return at

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.pipe.send(("stop",))
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=5)
        self.pipe.close()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_quiet(pid: int, *, below: float = 0.05, timeout: float = 60) -> float:
    """Wait until `pid` uses less than `below` of a core over half a second; return the wait."""
    began = time.monotonic()
    with contextlib.suppress(OSError):
        used = cpu_seconds(pid)
        while time.monotonic() - began < timeout:
            time.sleep(0.5)
            now = cpu_seconds(pid)
            if now - used < below * 0.5:
                break
            used = now
    return time.monotonic() - began


def py_spy_recorder(pid: int, path: Path, *, native: bool = False):
    """A `watch` for measure(): py-spy samples `pid` into `path` as collapsed stacks."""
    beside = Path(sys.executable).with_name("py-spy")
    binary = beside if beside.exists() else shutil.which("py-spy") or beside

    def watch(seconds: float):
        recorder = subprocess.Popen(
            [
                str(binary),
                "record",
                "--pid",
                str(pid),
                "--duration",
                str(math.ceil(seconds)),
                "--rate",
                "100" if native else "500",
                # Native frames (the cyclic GC, syscalls) need the process paused per sample.
                *(["--native"] if native else ["--nonblocking"]),
                "--format",
                "raw",
                "--output",
                str(path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)  # attached before the first update

        def stop():
            try:
                recorder.wait(timeout=seconds + 30)
            except subprocess.TimeoutExpired:
                recorder.terminate()
                recorder.wait(timeout=5)

        return stop

    return watch
