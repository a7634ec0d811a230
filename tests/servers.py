"""Servers the tests start for real: cowork under daphne, and a Redis of their own.

Each listens on a port chosen at run time on 127.0.0.1 and is stopped by the test that
started it; nothing else on the machine is touched.
"""

import collections
import contextlib
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings as django_settings
from django.db import connection

if TYPE_CHECKING:
    from tests.server_forks import ServerForks

SERVER_START_TIMEOUT = 30
# As deployed: no Server header naming daphne.
DAPHNE_ARGUMENTS = ["-b", "127.0.0.1", "-p", "0", "--no-server-name"]
DAPHNE_ARGUMENTS.append("cowork.config.asgi:application")
DAPHNE = [sys.executable, "-m", "daphne", *DAPHNE_ARGUMENTS]
LISTENING = re.compile(r"Listening on TCP address 127\.0\.0\.1:(\d+)")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# Where the child Pythons keep compiled bytecode when this one is told not to write it next
# to the sources (PYTHONDONTWRITEBYTECODE, and a virtualenv installed without it): otherwise
# every server and every `manage.py` a test starts compiles Django, its apps and cowork
# anew, some seconds of CPU each. Outside the source tree, as that setting wants; Python
# checks each file against its source before use.
BYTECODE_CACHE = Path(tempfile.gettempdir()) / f"cowork-tests-bytecode-{os.getuid()}"


def daphne_on_a_free_port(app: str, *, env: dict[str, str], cwd) -> subprocess.Popen:
    """daphne serving `app` on a loopback port of its choosing, which it names in a line
    LISTENING finds; its log and access log in order on one text pipe, to be drained."""
    return subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", "0", app],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )


def ended(process: subprocess.Popen, *, within: float = 10) -> None:
    """Asks a server still running to stop (SIGTERM), and kills it if it has not `within`
    seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=within)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class DaphneServer:
    """cowork served by daphne in a child process, on a port the OS picked.

    `command` is daphne's command line (DAPHNE, or one with more options). `wait=False`
    returns while it is still starting; `wait_until_listening()` then waits. With `forks`
    (tests.server_forks.ServerForks, loaded with the same environment) the server is a fork
    of a process that has cowork loaded, started with daphne's arguments from `command`.
    """

    def __init__(
        self,
        env: dict[str, str],
        command: list[str] = DAPHNE,
        *,
        wait: bool = True,
        forks: "ServerForks | None" = None,
    ):
        if forks is not None:
            self._process = forks.start(command[command.index("daphne") + 1 :])
        else:
            self._process = subprocess.Popen(
                command,
                cwd=django_settings.BASE_DIR,
                env=env,
                # daphne logs to stderr and writes its access log to stdout; one pipe keeps
                # both in order for the failure report.
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                encoding="utf-8",
                errors="replace",
            )
        self._output: collections.deque[str] = collections.deque(maxlen=300)
        self._lines_until_listening: queue.Queue[str | None] = queue.Queue()
        self._listening = threading.Event()
        self._drainer = threading.Thread(target=self._drain, name="daphne-output", daemon=True)
        self._drainer.start()
        self.url = ""
        if wait:
            self.wait_until_listening()

    def _drain(self) -> None:
        # Read to the end whatever happens: a full pipe would stall the server mid-request.
        for line in self._process.stdout:
            self._output.append(line)
            if not self._listening.is_set():
                self._lines_until_listening.put(line)
        self._lines_until_listening.put(None)

    def wait_until_listening(self) -> str:
        if self.url:
            return self.url
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self._lines_until_listening.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                code = self._process.wait(timeout=10)
                pytest.fail(f"daphne exited with code {code} before listening:\n{self.output()}")
            if match := LISTENING.search(line):
                self._listening.set()
                self.url = f"http://127.0.0.1:{match.group(1)}"
                return self.url
        self.stop()
        pytest.fail(f"daphne did not listen within {SERVER_START_TIMEOUT} s:\n{self.output()}")

    def output(self) -> str:
        return "".join(self._output)

    def stop(self) -> None:
        ended(self._process)
        self._drainer.join(timeout=5)

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer ends a process: nothing runs after it."""
        self._process.kill()
        self._process.wait()
        self._drainer.join(timeout=5)


class SilentMailServer:
    """Accepts SMTP connections and never greets: a relay sending an invite there waits,
    as it would on a mail server that hangs."""

    def __init__(self):
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self._held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        with contextlib.suppress(OSError):
            while True:
                self._held.append(self._socket.accept()[0])

    def close(self):
        self._socket.close()
        for held in self._held:
            held.close()


class FlakyMailServer:
    """A mail server that refuses its first `refusals` messages ("451 try again later", as
    a busy or half-down server does), then takes every message and keeps it in `received`.

    Speaks just the SMTP a Django backend without TLS or login speaks. A message is in
    `received` before the server says it took it.
    """

    def __init__(self, *, refusals: int):
        self.refusals = refusals
        self.received: list[bytes] = []
        self._lock = threading.Lock()
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        with contextlib.suppress(OSError):
            while True:
                connection, _address = self._socket.accept()
                threading.Thread(target=self._session, args=(connection,), daemon=True).start()

    def _refuse_next(self) -> bool:
        with self._lock:
            refuse = self.refusals > 0
            self.refusals -= refuse
            return refuse

    def _session(self, connection: socket.socket):
        def reply(text: str):
            connection.sendall(f"{text}\r\n".encode())

        with connection, contextlib.suppress(OSError), connection.makefile("rb") as lines:
            reply("220 127.0.0.1 ESMTP")
            for line in lines:
                command = line.decode("ascii", "replace").strip().upper()
                if command.startswith("MAIL FROM"):
                    reply("451 4.3.0 Try again later" if self._refuse_next() else "250 OK")
                elif command == "DATA":
                    reply("354 End data with <CR><LF>.<CR><LF>")
                    body = []
                    for body_line in lines:
                        if body_line.rstrip(b"\r\n") == b".":
                            break
                        body.append(body_line)
                    with self._lock:
                        self.received.append(b"".join(body))
                    reply("250 OK")
                elif command == "QUIT":
                    reply("221 Bye")
                    return
                else:  # EHLO, HELO, RCPT TO, RSET, NOOP
                    reply("250 127.0.0.1")

    def close(self):
        self._socket.close()


def test_database_url(database: dict) -> str:
    """DATABASE_URL for the database this connection uses: the one pytest-django created."""
    user = quote(database["USER"] or "", safe="")
    password = quote(database["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = database["HOST"] or ""
    host = f"[{host}]" if ":" in host else quote(host, safe="")
    port = f":{database['PORT']}" if database["PORT"] else ""
    options = {
        key: value
        for key, value in (database.get("OPTIONS") or {}).items()
        if isinstance(value, str | int)
    }
    query = f"?{urlencode(options)}" if options else ""
    return f"postgres://{credentials}{host}{port}/{quote(database['NAME'], safe='')}{query}"


def python_environment(**extra: str) -> dict[str, str]:
    """This process's environment for a child Python, with `extra` on top: compiled
    bytecode shared between the children (BYTECODE_CACHE) when it is not written beside
    the sources."""
    env = dict(os.environ)
    if sys.dont_write_bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(BYTECODE_CACHE)
    env.update(extra)
    return env


def server_environment(*, static_root: Path | None = None, **extra: str) -> dict[str, str]:
    env = {
        **python_environment(),
        "DJANGO_SETTINGS_MODULE": "cowork.config.settings",
        # Plain HTTP on loopback: no redirect to HTTPS, and cookies that travel without it.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "PYTHONUNBUFFERED": "1",
        # A page that polls, and a hub catching up from the outbox, do so every second:
        # what a test waits for comes within a second, not within production's period.
        "LIVE_POLL_SECONDS": "1",
        "LIVE_CATCH_UP_SECONDS": "1",
    }
    # Only this process needs the exemption; the server keeps Django's check, as in production.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if django_settings.EMBEDDED:
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(connection.settings_dict["NAME"])
    else:
        env["DATABASE_URL"] = test_database_url(connection.settings_dict)
        if static_root is not None:
            env["STATIC_ROOT"] = str(static_root)
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A Redis of the test's own on a free port, which the test may stop and start again.

    Tests that take Redis away must not touch the machine's shared Redis.
    """

    def __init__(self, binary: str):
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self._process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        pytest.fail(f"redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        if self._process:
            ended(self._process)


def redis_binary() -> str:
    """redis-server's path; outside CI a machine without it skips, in CI it fails."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        message = "redis-server not found: the multi-process tests need one of their own"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message + " (apt-get install redis-server)")
    return binary
