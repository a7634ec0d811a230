"""The version of what pages show, moved on by every committed write to a table pages read.

Rendered pages are kept (cowork.config.page_cache) under the version they were read at;
any write changes the version, so none is served after a write it does not show. Rather than
asking every service to remember it (a booking, an event, a closure, a rename in the
admin, a bulk `update()` or a raw statement all count), every statement Django sends
is looked at (`watch`, installed on each new connection): an INSERT, UPDATE or DELETE of a
table outside IGNORED marks the connection, and the version moves on once the transaction
commits (at once in autocommit). The version is read before a page is rendered, so a page
that may have read the old data is never filed under the new version; one whose write
commits while it renders is filed under the old one, which the write has already left
behind. A rolled-back transaction moves nothing.

The version is two numbers: the newest domain event's id and a counter. Most writes (a
booking, an event, a closure) record a domain event in their transaction, which moves the
first on with their commit at no cost; only a transaction that writes without recording
one (an edit in the admin, a bulk `update()`) moves the counter on after it commits, so
the booking hot path pays no statement for the pages it changes.
"""

import logging
import re
import secrets

from django.db import DatabaseError, connections, transaction
from django.db.backends.signals import connection_created
from django.db.models import F

from cowork.models import DomainEvent, PageVersion

logger = logging.getLogger(__name__)
VERSION_ROW = 1
# Tables no page shows: sessions, sign-in failures, the task queue and its schedules (the
# scheduler writes every 30 s), and this version itself. The domain events' table is read
# as part of the version: a new event moves it, the relay's marks on events do not.
EVENTS = DomainEvent._meta.db_table
IGNORED = re.compile(rf"django_session|axes_|django_q_|cowork_pageversion|{EVENTS}$")
# An event's INSERT, alone or after a WITH that inserts the row it records (a booking's).
_EVENT_INSERT = re.compile(
    rf'\s*(?:WITH\s+\w+\s+AS\s+\(.*\)\s*)?INSERT\s+INTO\s+"?{EVENTS}"?[\s(]', re.I | re.S
)
_WRITE = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)"
    r'\s+"?(?P<table>\w+)',
    re.I,
)


def current(using: str = "default") -> tuple[int, int] | None:
    """The version now, two indexed reads in one statement; None before the first write,
    when nothing may be kept: a database emptied and filled again (as tests do) would come
    back to it."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT number FROM {PageVersion._meta.db_table} WHERE id = %s), "
            f"(SELECT MAX(id) FROM {EVENTS})",
            [VERSION_ROW],
        )
        number, event = cursor.fetchone()
    return None if number is None else (number, event or 0)


def bump(using: str = "default") -> None:
    """Move the version on: every page kept so far is out of date."""
    moved = PageVersion.objects.using(using).filter(pk=VERSION_ROW).update(number=F("number") + 1)
    if moved:
        return
    # The first number is random, so a table emptied and made again (a test database's
    # flush) never meets the numbers pages were kept under before. Whoever inserts first
    # wins; a second inserter's number is then moved on instead.
    table = PageVersion._meta.db_table
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, number) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            [VERSION_ROW, secrets.randbits(62)],
        )
        inserted = cursor.rowcount
    if not inserted:
        PageVersion.objects.using(using).filter(pk=VERSION_ROW).update(number=F("number") + 1)


def writes_shown_data(sql: str) -> bool:
    """Is `sql` a write to a table some page may show?"""
    match = _WRITE.match(sql)
    return bool(match) and not IGNORED.match(match["table"])


def _waiting(connection, callback) -> bool:
    """Is `callback` already waiting for this transaction's commit? One bump a transaction
    is enough: a rollback to a savepoint that drops it drops every write made since, the
    one at hand among them."""
    return any(func is callback for _sids, func, _robust in connection.run_on_commit)


def watch(connection):
    """An execute wrapper: writes through `connection` move the version on once committed,
    once per transaction, unless the transaction recorded a domain event."""
    # Set, at commit, by `event_recorded` for the `after_commit` that follows it.
    recorded = {"event": False}

    def event_recorded():
        recorded["event"] = True

    def after_commit():
        if recorded["event"]:
            recorded["event"] = False
            return  # the transaction's domain event moves the version on
        try:
            bump(connection.alias)
        except DatabaseError as error:
            # Before the migration that makes the table (`migrate` on a new database), or
            # with the database gone, when no page can be read either.
            logger.debug("The page version did not move on: %s", error)

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if connection.in_atomic_block and _EVENT_INSERT.match(sql):
            if not _waiting(connection, event_recorded):
                # First in line at the commit, so that `after_commit` knows; with the
                # savepoints open now, so that a rollback to one drops it as it drops the
                # event. `after_commit` waits with it (or in an enclosing savepoint), and
                # puts the flag down again.
                connection.run_on_commit.insert(
                    0, (set(connection.savepoint_ids), event_recorded, False)
                )
                if not _waiting(connection, after_commit):
                    transaction.on_commit(after_commit, using=connection.alias)
        elif writes_shown_data(sql):
            if not connection.in_atomic_block:
                after_commit()
            elif not _waiting(connection, after_commit):
                transaction.on_commit(after_commit, using=connection.alias)
        return result

    wrapper.page_version = True
    return wrapper


def _watch_new_connection(sender, connection, **kwargs) -> None:
    if not any(getattr(w, "page_version", False) for w in connection.execute_wrappers):
        # First: `connection.execute_wrapper()` takes its own off the end of the list.
        connection.execute_wrappers.insert(0, watch(connection))


def install() -> None:
    """Watch every connection opened from now on (called once, from the app's ready())."""
    connection_created.connect(_watch_new_connection, dispatch_uid="cowork.page_version")
    for connection in connections.all(initialized_only=True):
        _watch_new_connection(None, connection)
