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

from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext as _

from cowork.errors import Busy
from cowork.models import Event, Space

# Long enough for a burst of writers to one centre to queue behind each other; short
# enough that a stuck transaction costs the others a clear "try again", not a timeout.
LOCK_TIMEOUT = datetime.timedelta(seconds=5)

# PostgreSQL's SQLSTATE for "lock_not_available", raised when lock_timeout runs out.
_LOCK_NOT_AVAILABLE = "55P03"


def _in_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A lock must be taken inside transaction.atomic().")


def _busy() -> Busy:
    return Busy(_("Others are changing this right now. Please try again in a moment."))


def _with_timeout(take, *, first_sql: str = "SELECT", first_params=()):
    """Run `take()` (one locking statement) with the lock timeout, then restore the setting.

    The timeout is read and set by one statement, `first_sql` given the setting's reads in
    its select list: a plain SELECT, or the locking statement itself (then `take` is None),
    which PostgreSQL evaluates, setting the timeout, before it waits for the lock.
    """
    if connection.vendor != "postgresql":
        return take() if take else None
    milliseconds = int(LOCK_TIMEOUT.total_seconds() * 1000)
    settings_sql = "current_setting('lock_timeout'), set_config('lock_timeout', %s, true)"
    result = None
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                first_sql.replace("SELECT", f"SELECT {settings_sql}", 1),
                [f"{milliseconds}ms", *first_params],
            )
            row = cursor.fetchone()
        if row is None:
            raise LookupError(f"Nothing to lock: {first_sql} with {list(first_params)}")
        previous = row[0]
        if take is not None:
            result = take()
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
            raise _busy() from error
        raise
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    return result


def lock_space(space_id: int) -> None:
    """Hold the space's row until the transaction ends: one writer of its bookings at a time."""
    _in_transaction()
    if connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(Space._meta.db_table)
    # The timeout is set and the row locked by one statement.
    _with_timeout(
        None, first_sql=f"SELECT FROM {table} WHERE id = %s FOR UPDATE", first_params=[space_id]
    )


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
