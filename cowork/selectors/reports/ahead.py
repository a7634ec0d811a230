"""A report's largest queries read ahead, while the report counts.

A year's report spends a good part of its time waiting for PostgreSQL, one query after
another, and counts in Python in between: one core works while the other waits. Here a
report names, before it starts counting, the queries it is going to run (`reading_ahead`,
`start`); on PostgreSQL a thread of the report's sends them one after another on a
connection of its own, and `rows(queryset)` hands over what was read when the counting
comes to that query. The database works on one core while the report counts on the other.

A query is handed over only if it is the very one that was started (the same SQL with the
same values); any other is run then and there, on the caller's connection, as it always
was. So reading ahead can make a report sooner, never different: a guess that turns out
wrong (a centre added to the report later) only costs the read that was not used.

Inside a transaction nothing is read ahead: another connection would not see what the
transaction wrote and has not committed (a test's rows, a caller's change), so there
every query runs in turn on the caller's connection. On SQLite, which has one writer and
whose reads are quick, neither.

The reading thread's connection is opened for the report and closed with it, not taken
from the pool the requests share: a report waiting for its reads must never wait for a
request that waits for the pool. At most READING_REPORTS reports of a process read ahead
at once; one more reads in turn. (One thread, not one per query: threads reading side by
side took more from the report's own counting, holding Python's lock to convert their
rows, than they gave back.)
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

# Reports of a process reading ahead at once, a connection each.
READING_REPORTS = 4
_free_connections = threading.BoundedSemaphore(READING_REPORTS)

_current: contextvars.ContextVar["_Reads | None"] = contextvars.ContextVar(
    "report_reads", default=None
)


def _key(queryset: QuerySet) -> tuple:
    sql, params = queryset.query.sql_with_params()
    return (queryset.db, sql, tuple(params))


def _unpooled(using: str) -> dict:
    settings_dict = dict(connections[using].settings_dict)
    options = dict(settings_dict.get("OPTIONS") or {})
    options.pop("pool", None)
    settings_dict["OPTIONS"] = options
    return settings_dict


class _Reads:
    """A thread with a connection of its own, reading the queries started in turn."""

    def __init__(self, using: str):
        self._using = using
        self._settings = _unpooled(using)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-read")
        self._connection = None  # opened by the thread, for its first read
        self._started: dict[tuple, Future] = {}

    def _read(self, queryset: QuerySet) -> list:
        if self._connection is None:
            self._connection = type(connections[self._using])(self._settings, self._using)
            connections[self._using] = self._connection
        return list(queryset)

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            del connections[self._using]

    def start(self, queryset: QuerySet) -> None:
        key = _key(queryset)
        if key not in self._started:
            self._started[key] = self._thread.submit(self._read, queryset)

    def take(self, queryset: QuerySet) -> list | None:
        future = self._started.pop(_key(queryset), None)
        return None if future is None else future.result()

    def close(self) -> None:
        for future in self._started.values():
            future.cancel()
        self._thread.submit(self._close)
        self._thread.shutdown(wait=True)
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
    if (
        _current.get() is not None
        or not can_read_ahead()
        or not _free_connections.acquire(blocking=False)
    ):
        yield None
        return
    reads = _Reads(DEFAULT_DB_ALIAS)
    token = _current.set(reads)
    try:
        yield reads
    finally:
        _current.reset(token)
        try:
            reads.close()
        finally:
            _free_connections.release()


def active() -> bool:
    """Whether this is inside `reading_ahead` where reading ahead is done: a caller may leave
    out building the queries to `start` otherwise (on SQLite, in a transaction), where
    `start` would drop them unread."""
    return _current.get() is not None


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
