"""One way to serialize writers: lock a space, an event or a named counter, with a timeout.

Every write that reads what concurrent writers change (overlap, head count, places left,
how many codes a phone was sent) takes one of these locks first, inside its transaction,
and holds it until the transaction ends. A lock is refused outside a transaction, where it
would be released at once and protect nothing.

On PostgreSQL a lock waits at most `LOCK_TIMEOUT`; a wait that runs out becomes `Busy`
("busy, try again", 503) instead of a request hanging until the proxy gives up, and the
transaction rolls back having changed nothing. SQLite's IMMEDIATE transactions already
hold the database's one write lock, so there the row and advisory locks are no-ops and
SQLite's own busy timeout bounds the wait.
"""

import datetime
import hashlib

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext as _

from cowork.errors import Busy
from cowork.models import Event, Space

# Long enough for a burst of writers to one centre to queue behind each other; short
# enough that a stuck transaction costs the others a clear "try again", not a timeout.
LOCK_TIMEOUT = datetime.timedelta(seconds=settings.LOCK_TIMEOUT_SECONDS)

# PostgreSQL's SQLSTATE for "lock_not_available", raised when lock_timeout runs out.
_LOCK_NOT_AVAILABLE = "55P03"


def _in_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A lock must be taken inside transaction.atomic().")


def _busy() -> Busy:
    return Busy(_("Others are changing this right now. Please try again in a moment."))


def _timeout_setting() -> str:
    return f"{int(LOCK_TIMEOUT.total_seconds() * 1000)}ms"


def _busy_on_timeout(error: OperationalError) -> None:
    """Raise Busy for a lock wait that ran out; return for any other error."""
    if getattr(error.__cause__, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
        raise _busy() from error


def _with_timeout(take):
    """Run `take()` (one locking statement) with the lock timeout, then restore the setting."""
    if connection.vendor != "postgresql":
        return take()
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
                [_timeout_setting()],
            )
            previous = cursor.fetchone()[0]
        result = take()
    except OperationalError as error:
        _busy_on_timeout(error)
        raise
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    return result


def _run_locking(sql: str, params: list):
    """Run one statement that waits for a lock under `LOCK_TIMEOUT`; its first row."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    except OperationalError as error:
        _busy_on_timeout(error)
        raise


def lock_space(space_id: int) -> None:
    """Hold the space's row until the transaction ends: one writer of its bookings at a time."""
    _in_transaction()
    if connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(Space._meta.db_table)
    # Every booking takes this lock, so one statement does what `_with_timeout` does in
    # three: the outer row reads the setting and sets the timeout, the lateral subquery
    # (which depends on it, so it runs after) waits for the row under that timeout, and
    # the select list puts the setting back once the row is held.
    sql = (
        "SELECT set_config('lock_timeout', timeout.previous, true) FROM (SELECT "
        "current_setting('lock_timeout') AS previous, set_config('lock_timeout', %s, true) "
        f"AS ours) AS timeout CROSS JOIN LATERAL (SELECT FROM {table} WHERE id = %s AND "
        "timeout.ours IS NOT NULL FOR UPDATE) AS locked"
    )
    if _run_locking(sql, [_timeout_setting(), space_id]) is None:
        raise LookupError(f"Nothing to lock: no space {space_id}")


def lock_space_numbered(space_id: int) -> int:
    """`lock_space`, and the space's next event number in the same statement: for a write
    that records one event of the space, numbered so (`domain_event_record(space_seq=…)`).

    The number is taken by moving the space's `event_seq` on, which is what holds the row;
    a refusal after it rolls it back with the rest, so numbers still never skip.
    """
    _in_transaction()
    table = connection.ops.quote_name(Space._meta.db_table)
    moved = f"UPDATE {table} SET event_seq = event_seq + 1"
    if connection.vendor != "postgresql":
        # SQLite's IMMEDIATE transaction is the lock already; this only numbers.
        row = _run_locking(f"{moved} WHERE id = %s RETURNING event_seq", [space_id])
    else:
        # As in `lock_space`: the timeout is set before the row is waited for (the CTE is
        # read to find the row), and put back once it is held (RETURNING runs after).
        row = _run_locking(
            "WITH timeout AS MATERIALIZED (SELECT current_setting('lock_timeout') AS "
            "previous, set_config('lock_timeout', %s, true) AS ours) "
            f"{moved} FROM timeout WHERE id = %s AND timeout.ours IS NOT NULL "
            "RETURNING event_seq, set_config('lock_timeout', timeout.previous, true)",
            [_timeout_setting(), space_id],
        )
    if row is None:
        raise LookupError(f"Nothing to lock: no space {space_id}")
    return row[0]


def lock_event(event_id: int) -> Event:
    """Hold the event's row until the transaction ends, and return it fresh, with its space."""
    _in_transaction()
    return _with_timeout(
        lambda: Event.objects.select_for_update().select_related("space").get(pk=event_id)
    )


def lock_named(name: str) -> None:
    """Hold a lock on a name (e.g. "sign-in asks") until the transaction ends.

    For writers that share no row: counting and recording attempts against a limit.
    """
    _in_transaction()
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)

    def take():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])

    _with_timeout(take)
