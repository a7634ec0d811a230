"""Seeds made once and restored by plain SQL, for tests that commit (transactional_db).

Every such test starts from an empty database, the flush after the test before it. A seed
that runs through the services (the demo's centres, the reports' network) takes seconds;
the rows it leaves take milliseconds to insert again. So the first test to ask for a seed
runs it and keeps its rows; each later one gets the same rows, the same primary keys
included, by INSERT. The flush never resets a sequence, so what a test adds afterwards is
numbered past them, as after the seed itself.
"""

import copy
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from cowork.models import PageVersion

# post_migrate makes these again after a flush, on SQLite under new primary keys: a seed
# whose rows point at them is run every time instead (_points_at_remade_tables), and the
# PostgreSQL flush of tests/conftest.py leaves them be.
REMADE_BY_POST_MIGRATE = {"django_content_type", "auth_permission"}
# The flush's own commit writes the page version (cowork.page_version), a random number
# each time: it is there before a seed, and moves on by itself with every write after.
_LEFT_OUT = {*REMADE_BY_POST_MIGRATE, PageVersion._meta.db_table}
# Rows per INSERT: well under any engine's limit on parameters (SQLite's 32766).
_ROWS_PER_INSERT = 200


@dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]


@dataclass(frozen=True)
class _Snapshot:
    tables: tuple[_Table, ...]
    made: Any  # what the seed returned, as it was then


_SNAPSHOTS: dict[Hashable, _Snapshot | None] = {}


def seeded(key: Hashable, seed: Callable[[], Any]) -> Any:
    """What `seed()` makes, committed, and what it returned (a copy of it).

    `key` names the seed and whatever its rows depend on (a date, say): the same key must
    mean the same rows. Kept only when the database was empty before the seed, restored
    only into an empty one: a test that wrote before, or seeds twice, runs the seed.
    """
    if _tables_with_rows():
        return seed()
    if key in _SNAPSHOTS:
        snapshot = _SNAPSHOTS[key]
        if snapshot is None:
            return seed()
        _restore(snapshot)
        return copy.deepcopy(snapshot.made)
    made = seed()
    _SNAPSHOTS[key] = _take(made)
    return made


def _table_names() -> list[str]:
    return sorted(set(connection.introspection.django_table_names(only_existing=True)) - _LEFT_OUT)


def _tables_with_rows() -> list[str]:
    return tables_with_rows(connection, _table_names())


def tables_with_rows(on, names: list[str]) -> list[str]:
    """Which of the tables `names` hold a row, on the connection `on`, in one query."""
    if not names:
        return []
    probe = " UNION ALL ".join(
        f"SELECT {index} WHERE EXISTS (SELECT 1 FROM {on.ops.quote_name(name)})"
        for index, name in enumerate(names)
    )
    with on.cursor() as cursor:
        cursor.execute(probe)
        return [names[index] for index in sorted(row[0] for row in cursor.fetchall())]


def _points_at_remade_tables(names: list[str]) -> bool:
    with connection.cursor() as cursor:
        for name in names:
            relations = connection.introspection.get_relations(cursor, name)
            if any(table in REMADE_BY_POST_MIGRATE for _column, table in relations.values()):
                return True
    return False


def _take(made: Any) -> _Snapshot | None:
    names = _tables_with_rows()
    if _points_at_remade_tables(names):
        return None
    quote = connection.ops.quote_name
    tables = []
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"SELECT * FROM {quote(name)} WHERE 1 = 0")
            columns = tuple(column[0] for column in cursor.description)
            # SQLite turns a column declared as a date or time into Python's type, which it
            # cannot bind again; +column is the same value without the declared type.
            raw = "+" if connection.vendor == "sqlite" else ""
            selected = ", ".join(f"{raw}{quote(column)}" for column in columns)
            cursor.execute(f"SELECT {selected} FROM {quote(name)}")
            tables.append(_Table(name, columns, tuple(map(tuple, cursor.fetchall()))))
    return _Snapshot(tuple(tables), copy.deepcopy(made))


def _restore(snapshot: _Snapshot) -> None:
    quote = connection.ops.quote_name
    # One transaction: foreign keys are checked at its commit (Django makes them deferred),
    # so the tables may go in any order.
    with transaction.atomic(), connection.cursor() as cursor:
        for table in snapshot.tables:
            row = "(" + ", ".join(["%s"] * len(table.columns)) + ")"
            into = (
                f"INSERT INTO {quote(table.name)} "
                f"({', '.join(quote(column) for column in table.columns)}) VALUES "
            )
            for start in range(0, len(table.rows), _ROWS_PER_INSERT):
                rows = table.rows[start : start + _ROWS_PER_INSERT]
                cursor.execute(
                    into + ", ".join([row] * len(rows)),
                    [value for values in rows for value in values],
                )
