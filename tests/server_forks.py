"""Daphne servers forked from one process that has cowork loaded already.

A test that wants a server of its own would pay, each time, for starting Python, importing
Django and cowork, building the URLs and loading the translations: a second or two of CPU,
on a machine where the other tests want it too. Here one process (multiprocessing's fork
server) does that once, with the servers' environment, and each server is a fork of it:
the same code and settings as a fresh `python -m daphne`, none of its state, at once.

Twisted's reactor is the one thing a fork must not share: daphne installs it, with an
asyncio loop and its epoll set, when daphne.server is imported (daphne.cli does, below).
Each fork makes a reactor and a loop of its own before it serves.
"""

import asyncio
import contextlib
import io
import multiprocessing
import multiprocessing.forkserver
import os
import subprocess
import sys
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path

# Set in the fork server's environment only: importing this module anywhere else does nothing.
PRELOAD_FLAG = "COWORK_PRELOAD_SERVER"


def _preload() -> None:
    """What every server would otherwise do on start and on its first requests."""
    from django.conf import settings
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import translation

    import cowork.config.asgi  # noqa: F401  (Django set up, the middleware built)

    get_resolver().url_patterns  # noqa: B018  (imports every view)
    for code, _name in settings.LANGUAGES:
        translation.activate(code)
    translation.deactivate()
    # The project's own templates, compiled into the cached loader as a first render would;
    # one that does not compile alone is left to its first render, as before.
    django_templates = engines["django"]
    for folder in map(Path, django_templates.template_dirs):
        if folder.is_relative_to(settings.BASE_DIR) and not folder.is_relative_to(sys.prefix):
            for path in folder.rglob("*.*"):
                with contextlib.suppress(Exception):
                    django_templates.engine.get_template(str(path.relative_to(folder)))
    import daphne.cli  # noqa: F401


if os.environ.get(PRELOAD_FLAG) == "1":
    _preload()


def _a_reactor_of_its_own() -> None:
    """Replace the reactor (and its asyncio loop) this fork shares with its parent."""
    import daphne.server
    import twisted.internet
    from twisted.internet import asyncioreactor

    del sys.modules["twisted.internet.reactor"]
    del twisted.internet.reactor
    loop = asyncio.new_event_loop()
    asyncioreactor.install(loop)
    daphne.server.twisted_loop = loop
    daphne.server.reactor = sys.modules["twisted.internet.reactor"]


def _serve(output: Connection, directory: str, arguments: list[str]) -> None:
    """The fork's life: daphne's command line, its output into the parent's pipe."""
    os.dup2(output.fileno(), 1)
    os.dup2(output.fileno(), 2)
    output.close()
    os.chdir(directory)
    _a_reactor_of_its_own()
    from daphne.cli import CommandLineInterface

    CommandLineInterface().run(arguments)


class ForkedProcess:
    """A forked server, with the part of subprocess.Popen that DaphneServer uses."""

    def __init__(self, context, directory: str, arguments: list[str]):
        reader, writer = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_serve, args=(writer, directory, arguments), daemon=True
        )
        self._process.start()
        writer.close()
        self.stdout = io.TextIOWrapper(
            io.FileIO(os.dup(reader.fileno()), "rb"), encoding="utf-8", errors="replace"
        )
        reader.close()

    def poll(self) -> int | None:
        return self._process.exitcode

    def terminate(self) -> None:
        self._process.terminate()

    def kill(self) -> None:
        self._process.kill()

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired("daphne", timeout)
        return self._process.exitcode


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


class ServerForks:
    """Starts daphne servers as forks of one process loaded with `env`.

    One at a time per test run: multiprocessing has a single fork server per process. When
    it already runs (something else started it), `available` is False and the caller
    starts servers the ordinary way.
    """

    def __init__(self, env: dict[str, str], directory: str):
        self._directory = directory
        self._context = multiprocessing.get_context("forkserver")
        self.available = multiprocessing.forkserver._forkserver._forkserver_pid is None
        if not self.available:
            return
        self._context.set_forkserver_preload([__name__])
        with _environment({**env, PRELOAD_FLAG: "1"}):
            multiprocessing.forkserver.ensure_running()

    def start(self, arguments: list[str]) -> ForkedProcess:
        return ForkedProcess(self._context, self._directory, arguments)

    def close(self) -> None:
        if self.available:
            multiprocessing.forkserver._forkserver._stop()
            self._context.set_forkserver_preload([])
