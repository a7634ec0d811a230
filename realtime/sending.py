"""Running the channel layer's coroutines from synchronous code: the relay's publishers.

Under the ASGI server a request's synchronous code runs beside the server's event loop, and
`async_to_sync` hands the coroutine to that loop. Elsewhere (a WSGI worker, a task worker,
a management command, the test client) there is no loop to hand it to, and
`async_to_sync` would start a thread and a new event loop for every call, and with a
Redis layer open a new connection on each: most of what relaying a booking cost. There
the coroutine runs in the calling thread instead, on an event loop that thread keeps for
it, where the layer keeps its connections between calls.
"""

import asyncio
import contextlib
import os
import threading
from collections.abc import Awaitable, Callable

from asgiref.sync import SyncToAsync, async_to_sync


class _ThreadLoop:
    """A thread's own loop, closed with the thread (the layer's connections with it)."""

    def __init__(self):
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()

    def __del__(self):
        # In a forked child the loop is its parent's; elsewhere close it, unless it is
        # being run (the thread ends) or cannot be now: then it goes with the process.
        if self.pid == os.getpid() and not self.loop.is_closed() and not _running_here():
            with contextlib.suppress(Exception):
                self.loop.close()


# Each thread's own loop; a forked worker makes its own.
_own = threading.local()


def _server_loop():
    """The loop `async_to_sync` would hand the call to, if this thread runs beside one."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    return getattr(SyncToAsync.threadlocal, "main_event_loop", None)


def _running_here() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _own_loop() -> asyncio.AbstractEventLoop:
    held = getattr(_own, "held", None)
    if held is None or held.pid != os.getpid() or held.loop.is_closed():
        held = _own.held = _ThreadLoop()
    return held.loop


def run(coroutine_function: Callable[[], Awaitable]):
    """Run `coroutine_function()` to its end and return its result; its error is raised.

    On the server's loop where there is one (as `async_to_sync` does), else on this
    thread's own."""
    server = _server_loop()
    if (server is not None and server.is_running()) or _running_here():
        # `async_to_sync` refuses a thread that runs a loop itself, as it should.
        return async_to_sync(coroutine_function)()
    return _own_loop().run_until_complete(coroutine_function())
