"""The cyclic garbage collector held off while a report is built and written.

A year's report makes hundreds of thousands of small objects that live until the response
is written (rows, sets of people, cells), and nearly none of them in a reference cycle.
Each of the collector's full passes walks every object the process holds, and building a
year's report set off several: a quarter of the request's time, for nothing to free.
While a report is under way the collector waits; it runs as usual once the last report
under way in the process is done (reports in other threads count too).
"""

import functools
import gc
import threading

_lock = threading.Lock()
_under_way = 0
_was_enabled = True


def collector_paused(view):
    """A view that holds off the cyclic garbage collector while it runs."""

    @functools.wraps(view)
    def paused(*args, **kwargs):
        global _under_way, _was_enabled
        with _lock:
            if _under_way == 0:
                _was_enabled = gc.isenabled()
                gc.disable()
            _under_way += 1
        try:
            return view(*args, **kwargs)
        finally:
            with _lock:
                _under_way -= 1
                if _under_way == 0 and _was_enabled:
                    gc.enable()

    return paused
