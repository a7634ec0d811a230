"""Several threads doing something at the same moment, each on its own database connection,
as concurrent requests and workers do."""

import threading
from collections.abc import Callable, Iterable

from django.db import connection


def at_once(
    attempt: Callable, calls: Iterable[tuple], *, wait: float = 30, finish: float = 120
) -> list:
    """Call `attempt(*args)` for each `args` of `calls`, each in its own thread, all released
    together by a barrier (waiting `wait` seconds at the most); each thread is given `finish`
    seconds to end. Returns what each call returned, or the repr of what it raised, in the
    order the calls ended."""
    calls = list(calls)
    barrier = threading.Barrier(len(calls))
    outcomes: list = []
    lock = threading.Lock()

    def run(args):
        try:
            barrier.wait(timeout=wait)
            outcome = attempt(*args)
        except Exception as exc:  # returned, for the caller's assertion to show
            outcome = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(args,)) for args in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=finish)
    return outcomes
