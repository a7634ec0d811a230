"""A report's largest queries read side by side, while the report counts.

A year's report spends about half a second waiting for PostgreSQL, one query after
another, and counts in Python in between: one core works while the other waits. Here a
report names, before it starts counting, the queries it is going to run (`reading_ahead`);
on PostgreSQL each is then sent at once, on a connection of its own in a thread of its own,
and `rows(queryset)` hands over what was read when the counting comes to that query. The
database works on one core while the report counts on the other.

A query is handed over only if it is the very one that was started (the same SQL with the
same values); any other is run then and there, on the caller's connection, as it always
was. So reading ahead can make a report sooner, never different: a guess that turns out
wrong (a centre added to the report later) only costs the read that was not used.

Inside a transaction nothing is read ahead: another connection would not see what the
transaction wrote and has not committed (a test's rows, a caller's change), so there
every query runs in turn on the caller's connection. On SQLite, which has one writer and
whose reads are quick, neither.

A read ahead has a connection of its own, opened for it and closed after it, not one of
the pool the requests share: a report waiting for its reads must never wait for a request
that waits for the pool. At most READ_AHEAD_CONNECTIONS are open in a process at once;
a query that finds none free is not sent ahead, and runs in turn.
"""

import contextlib
import contextvars
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

logger = logging.getLogger(__name__)

# At most this many queries of one report at the database at once, besides the report's
# own: a year's report starts six.
THREADS = 3
# Connections open for reads ahead in this process at once, over every report.
READ_AHEAD_CONNECTIONS = 6
_free_connections = threading.BoundedSemaphore(READ_AHEAD_CONNECTIONS)

_current: contextvars.ContextVar["_Reads | None"] = contextvars.ContextVar(
    "report_reads", default=None
)


def _key(queryset: QuerySet) -> tuple:
    sql, params = queryset.query.sql_with_params()
    return (queryset.db, sql, tuple(params))


def _read(queryset: QuerySet, settings_dict: dict) -> list:
    """The rows of `queryset`, on a connection opened for it (`settings_dict`, with no
    pool) and closed afterwards."""
    alias = queryset.db
    own = type(connections[alias])(settings_dict, alias)
    connections[alias] = own
    try:
        return list(queryset)
    finally:
        own.close()
        del connections[alias]


def _unpooled(using: str) -> dict:
    settings_dict = dict(connections[using].settings_dict)
    options = dict(settings_dict.get("OPTIONS") or {})
    options.pop("pool", None)
    settings_dict["OPTIONS"] = options
    return settings_dict


class _Reads:
    def __init__(self, pool: ThreadPoolExecutor):
        self._pool = pool
        self._started: dict[tuple, Future] = {}

    def start(self, queryset: QuerySet) -> None:
        key = _key(queryset)
        if key in self._started or not _free_connections.acquire(blocking=False):
            return
        future = self._pool.submit(_read, queryset, _unpooled(queryset.db))
        # Run or cancelled, its connection is closed by then.
        future.add_done_callback(lambda _future: _free_connections.release())
        self._started[key] = future

    def take(self, queryset: QuerySet) -> list | None:
        future = self._started.pop(_key(queryset), None)
        return None if future is None else future.result()

    def close(self) -> None:
        for future in self._started.values():
            future.cancel()
        self._pool.shutdown(wait=True)
        for future in self._started.values():
            if not future.cancelled() and future.exception() is not None:
                logger.warning("A report's read ahead failed", exc_info=future.exception())


def can_read_ahead(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether queries can be read ahead on `using` here: on PostgreSQL, outside a
    transaction."""
    connection = connections[using]
    return connection.vendor == "postgresql" and not connection.in_atomic_block


@contextlib.contextmanager
def reading_ahead() -> Iterator["_Reads | None"]:
    """Within this block, `start(queryset)` sends a query ahead and `rows(queryset)` takes
    its rows (or runs it); on leaving, reads not taken are dropped. Where reading ahead
    cannot be done (`can_read_ahead`), both do what they would without the block."""
    if _current.get() is not None or not can_read_ahead():
        yield None
        return
    reads = _Reads(ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="report-read"))
    token = _current.set(reads)
    try:
        yield reads
    finally:
        _current.reset(token)
        reads.close()


def start(*querysets: QuerySet | None) -> None:
    """Send `querysets` to the database ahead, inside `reading_ahead`; None is passed over."""
    reads = _current.get()
    if reads is None:
        return
    for queryset in querysets:
        if queryset is not None:
            reads.start(queryset)


def rows(queryset: QuerySet) -> list:
    """The rows of `queryset`: those read ahead if this very query was started, else read
    now on the caller's connection."""
    reads = _current.get()
    taken = reads.take(queryset) if reads is not None else None
    return list(queryset) if taken is None else taken
