"""What the ORM lacks: an insert that tells whether it happened, without raising; an
insert without `save()`'s machinery; the rows of another table, or several aggregates, read
as JSON within one query; a query compiled once."""

import functools
import inspect
import json

from django.db import connections, models, router, transaction
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init


def insert_unless_exists(instance: models.Model) -> bool:
    """Insert `instance` unless a row with the same unique values exists; True if it did.

    For claims: whoever inserts the row does the work, anyone else learns it from the
    answer. `create()` inside `atomic()` would learn it from a unique violation: an error
    in the database's log and an aborted transaction each time, which is what a relay
    delivering an event twice, or a backlog, turned into thousands. One statement,
    `INSERT … ON CONFLICT DO NOTHING RETURNING`, on PostgreSQL and SQLite alike; it skips a
    row that would break any unique constraint. Sets the primary key when it inserts.
    """
    return _insert(instance, unless_exists=True)


def insert_row(instance: models.Model) -> None:
    """Insert `instance` as `save()` would a new row, in one statement, and set its key.

    For rows written on every booking: no `save()` machinery and no signals (none of the
    models it writes has a receiver). A constraint's refusal raises IntegrityError.
    """
    _insert(instance, unless_exists=False)


# (model, vendor, unless_exists) -> the INSERT statement: the same for every row.
_insert_statements: dict[tuple, str] = {}


def _insert_sql(model: type[models.Model], connection, unless_exists: bool) -> str:
    key = (model, connection.vendor, unless_exists)
    sql = _insert_statements.get(key)
    if sql is None:
        quote, meta = connection.ops.quote_name, model._meta
        columns = ", ".join(quote(field.column) for field in _inserted_fields(model))
        sql = _insert_statements[key] = (
            f"INSERT INTO {quote(meta.db_table)} ({columns}) "
            f"VALUES ({', '.join(['%s'] * len(_inserted_fields(model)))}) "
            f"{'ON CONFLICT DO NOTHING ' if unless_exists else ''}"
            f"RETURNING {quote(meta.pk.column)}"
        )
    return sql


@functools.cache
def _inserted_fields(model: type[models.Model]) -> tuple:
    meta = model._meta
    return tuple(field for field in meta.concrete_fields if field is not meta.auto_field)


def _values(instance: models.Model, connection, fields=None) -> list:
    return [
        field.get_db_prep_save(field.pre_save(instance, add=True), connection=connection)
        for field in fields or _inserted_fields(type(instance))
    ]


def _inserted(instance: models.Model, pk, using: str) -> None:
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = using


def _insert(instance: models.Model, *, unless_exists: bool) -> bool:
    model = type(instance)
    using = router.db_for_write(model, instance=instance)
    connection = connections[using]
    values = _values(instance, connection)
    sql = _insert_sql(model, connection, unless_exists)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    _inserted(instance, row[0], using)
    return True


def insert_rows_chained(first: models.Model, second: models.Model, *, keyed, taking) -> None:
    """`insert_row(first)`, then `insert_row(second)` once `keyed(second, first.pk)` has
    given it the first's new key: in one statement on PostgreSQL, in two elsewhere.

    For a row and the row that records it (a booking and its domain event), both written
    on every booking. `taking` maps the columns of `second` that `keyed` fills to their
    SQL, on PostgreSQL, in terms of `%s` (the column's value before `keyed`) and
    `new.id` (the first's key): `{"aggregate_id": "new.id::text"}`. A constraint's
    refusal of either raises IntegrityError, and then neither row is written.
    """
    using = router.db_for_write(type(first), instance=first)
    connection = connections[using]
    if connection.vendor != "postgresql":
        insert_row(first)
        keyed(second, first.pk)
        insert_row(second)
        return
    sql, fields = _chained_sql(type(first), type(second), connection, taking)
    values = _values(first, connection)
    values += _values(second, connection, fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        pk, first_pk = cursor.fetchone()
    _inserted(first, first_pk, using)
    keyed(second, first_pk)
    _inserted(second, pk, using)


# (first, second, vendor, taking) -> the statement and the fields it takes values of.
_chained_statements: dict[tuple, tuple[str, tuple]] = {}


def _chained_sql(first, second, connection, taking: dict) -> tuple[str, tuple]:
    """The statement of `insert_rows_chained` and the fields of `second` it takes values
    of, in order: the first's INSERT in a WITH, the second's INSERT reading its key."""
    cache_key = (first, second, connection.vendor, tuple(taking.items()))
    if cache_key in _chained_statements:
        return _chained_statements[cache_key]
    quote = connection.ops.quote_name
    fields, columns, selected = [], [], []
    for field in _inserted_fields(second):
        columns.append(quote(field.column))
        sql = taking.get(field.column, "%s")
        selected.append(sql)
        if "%s" in sql:
            fields.append(field)
    key = quote(first._meta.pk.column)
    sql = (
        f"WITH new AS ({_insert_sql(first, connection, False)}) "
        f"INSERT INTO {quote(second._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selected).replace('new.id', f'new.{key}')} FROM new "
        f"RETURNING {quote(second._meta.pk.column)}, (SELECT {key} FROM new)"
    )
    _chained_statements[cache_key] = sql, tuple(fields)
    return sql, tuple(fields)


def _json_array(expression, compiler, connection) -> tuple[str, list, str]:
    """The SQL of a JSON array of `expression`'s sources (without filter or order), and
    the function that makes one row of them on this database."""
    parts, params = [], []
    for source in expression.source_expressions:
        sql, source_params = compiler.compile(source)
        parts.append(sql)
        params.extend(source_params)
    row = ", ".join(parts)
    if connection.vendor == "postgresql":
        return f"JSON_BUILD_ARRAY({row})", params, "postgresql"
    if connection.vendor == "sqlite":
        return f"JSON_ARRAY({row})", params, "sqlite"
    raise NotImplementedError(f"No JSON arrays for {connection.vendor}")


class JSONRows(models.Aggregate):
    """The rows of a group as one JSON text, `[[f1, f2, …], …]`, the fields in the order
    given; with `Subquery`, the rows of another table in the query of the main one (one
    statement instead of a prefetch's second). Read them back with `json_rows`."""

    output_field = models.TextField()

    def as_sql(self, compiler, connection, **extra_context):
        row, params, vendor = _json_array(self, compiler, connection)
        if vendor == "postgresql":
            return f"JSON_AGG({row})::text", params
        return f"JSON_GROUP_ARRAY({row})", params


class JSONList(models.Func):
    """Values as one JSON text, `[v1, v2, …]`: aggregates of one group (several counts),
    one column of another query through `Subquery`. Unlike Django's JSONArray it asks the
    database nothing first (SQLite's JSON support, once per connection). `json.loads` it."""

    output_field = models.TextField()

    def as_sql(self, compiler, connection, **extra_context):
        row, params, vendor = _json_array(self, compiler, connection)
        return (f"{row}::text" if vendor == "postgresql" else row), params


def json_rows(model: type[models.Model], fields: list[str], text: str | None) -> list:
    """Unsaved `model` instances from what `JSONRows(*fields)` read (None: no rows)."""
    columns, converters, order = _json_layout(model, tuple(fields))
    rows = json_loaded(text)
    if order is None:
        return [
            model(
                **{
                    f.attname: convert(value)
                    for f, convert, value in zip(columns, converters, row, strict=True)
                }
            )
            for row in rows
        ]
    # Every field read: given by position, as `from_db` does, which is quicker.
    instances = []
    for row in rows:
        values = [convert(value) for convert, value in zip(converters, row, strict=True)]
        instances.append(built(model, [values[index] for index in order]))
    return instances


@functools.cache
def _json_layout(
    model: type[models.Model], fields: tuple[str, ...]
) -> tuple[tuple, tuple, tuple | None]:
    """The fields read, what makes each one's value of its JSON, and where each concrete
    field of `model` is among them (None unless every one is)."""
    columns = tuple(model._meta.get_field(name) for name in fields)
    converters = tuple(_json_converter(field) for field in columns)
    concrete = model._meta.concrete_fields
    if len(columns) != len(concrete) or set(columns) != set(concrete):
        return columns, converters, None
    return columns, converters, tuple(columns.index(field) for field in concrete)


def _json_converter(field):
    if not isinstance(field, models.JSONField):
        return field.to_python

    def convert(value):
        # A JSON column arrives nested on PostgreSQL, and as its text on SQLite.
        return json.loads(value) if isinstance(value, str) else field.to_python(value)

    return convert


@functools.cache
def _set_plainly(model: type[models.Model]) -> tuple[str, ...] | None:
    """The attribute names of `model`'s concrete fields, in order, if setting each on a new
    instance only stores the value (no descriptor of theirs does more); else None."""
    plain = (DeferredAttribute, ForeignKeyDeferredAttribute)
    names = tuple(field.attname for field in model._meta.concrete_fields)
    if all(type(inspect.getattr_static(model, name, None)) in plain for name in names):
        return names
    return None


def built(model: type[models.Model], values, *, db: str | None = None) -> models.Model:
    """`model(*values)`, the values of every concrete field in order, or with `db`,
    `model.from_db(db, …)`: for rows read on every booking, without `__init__`'s cost.

    What `__init__` would do with them is done directly where that is all it does: a
    state, and each value stored as its attribute (as unpickling an instance does). A
    model with a receiver of its init signals, or a field whose attribute does more when
    set (an image's), is built by `__init__` itself.
    """
    names = _set_plainly(model)
    if (
        names is None
        or len(values) != len(names)
        or pre_init.has_listeners(model)
        or post_init.has_listeners(model)
    ):
        instance = model(*values)
    else:
        instance = model.__new__(model)
        instance._state = ModelState()
        instance.__dict__.update(zip(names, values, strict=True))
    if db is not None:
        instance._state.adding = False
        instance._state.db = db
    return instance


def json_loaded(text: str | None) -> list[list]:
    """The rows `JSONRows` read, as lists of JSON values (None: no rows)."""
    return json.loads(text or "[]")


class _Slot:
    """Where a `Param`'s value goes in a compiled query's parameters."""

    __slots__ = ("field", "name")

    def __init__(self, name: str, field):
        self.name, self.field = name, field


class Param(models.Expression):
    """A value given when a `Prepared` query runs, in place of a constant in its build."""

    def __init__(self, name: str, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [_Slot(self.name, self.output_field)]


def _unaliased(sql: str, compiler) -> str:
    """`sql` without the names of its outer select list (`... AS "name"`), which a
    `Prepared` query's rows, read by position, never use: psycopg keeps the parsed form of
    a query only up to 4 kB, and on a hot path's wide reads the names alone cross it. As
    compiled where anything could refer to a name (grouping, ordering, DISTINCT, a
    combination of queries)."""
    query = compiler.query
    if query.group_by is not None or query.order_by or query.distinct or query.combinator:
        return sql
    quote = compiler.connection.ops.quote_name
    columns = [(s_sql, alias) for _expr, (s_sql, _params), alias in compiler.select]
    named = ", ".join(f"{s_sql} AS {quote(alias)}" if alias else s_sql for s_sql, alias in columns)
    if not sql.startswith(f"SELECT {named} "):
        return sql
    return "SELECT " + ", ".join(s_sql for s_sql, _alias in columns) + sql[len("SELECT " + named) :]


class Prepared:
    """A query the ORM builds and compiles once per database, then runs with new values.

    For reads on the hot path whose structure never changes: building and compiling a
    query with subqueries and joins costs several milliseconds of CPU, running it a tenth
    of that. `build()` returns the queryset with a `Param` wherever a value changes from
    run to run (in a filter or an expression; never a list); `rows(**values)` runs it and
    returns its rows converted as the ORM converts values_list() rows.
    """

    def __init__(self, build):
        self._build = build
        self._compiled: dict[str, tuple] = {}
        # Per database, the columns read as `_timestamptz_columns` tells, once run.
        self._times: dict[str, tuple[int, ...] | None] = {}
        # (database, update) -> the statement of `rows_after` on PostgreSQL.
        self._after: dict[tuple[str, str], str] = {}

    def _compile(self, using: str):
        compiled = self._compiled.get(using)
        if compiled is None:
            compiler = self._build().query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            sql = _unaliased(sql, compiler)
            fields = [select[0] for select in compiler.select[: compiler.col_count]]
            # Which columns need converting depends on the query alone: asked once too.
            converters = compiler.get_converters(fields)
            compiled = self._compiled[using] = (sql, params, compiler, converters)
        return compiled

    def rows(self, *, using: str = "default", **values) -> list[tuple]:
        sql, params, compiler, converters = self._compile(using)
        connection = connections[using]
        times = self._times.get(using)
        with connection.cursor() as cursor:
            if times:
                # Set: only a run that found a timestamptz (_timestamptz_columns) sets times.
                timestamptz, loader, _holding = _psycopg_timestamptz()
                cursor.cursor.adapters.register_loader(timestamptz, loader)
            cursor.execute(sql, _actual(params, values, connection))
            rows = cursor.fetchall()
            if using not in self._times:
                self._times[using] = _timestamptz_columns(connection, cursor.description)
        if times:
            zone = connection.timezone
            rows = [_in_zone(row, times, zone) for row in rows]
        return _converted(rows, compiler, converters)

    def rows_after(
        self, update: str, update_params: list, *, using: str = "default", **values
    ) -> list[tuple] | None:
        """Run `update` (an UPDATE statement, without RETURNING) and, only if it changed a
        row, this query: None if it changed none, else the query's rows.

        One statement on PostgreSQL, the UPDATE in a WITH (one round trip instead of two;
        the query reads the tables as they were before it, so it must not read the rows it
        changes). Elsewhere two, in a transaction, so the UPDATE holds only if the query
        ran too. The query reads one table, no joins, its primary key first (`_after`).
        """
        sql, params, compiler, converters = self._compile(using)
        connection = connections[using]
        actual = _actual(params, values, connection)
        if connection.vendor != "postgresql":
            with transaction.atomic(using=using), connection.cursor() as cursor:
                cursor.execute(update, update_params)
                if cursor.rowcount < 1:
                    return None
                cursor.execute(sql, actual)
                rows = cursor.fetchall()
            return _converted(rows, compiler, converters)
        key = (using, update)
        after = self._after.get(key)
        if after is None:
            after = self._after[key] = _after(sql, compiler, update)
        with connection.cursor() as cursor:
            cursor.execute(after, [*update_params, *actual])
            rows = cursor.fetchall()
        if not rows:
            return None
        # The table's row LEFT JOINed: its key is NULL where the query found none.
        return _converted([row for row in rows if row[0] is not None], compiler, converters)


def _after(sql: str, compiler, update: str) -> str:
    """`sql`, a query of one table, read after `update` in one statement: the UPDATE in a
    WITH and the table LEFT JOINed to the row it returns, so the statement returns no row
    when the UPDATE changed none. Rewritten rather than wrapped: the compiled live read is
    close to the 4 kB psycopg keeps parsed (`_unaliased`), and a wrapping select would
    pass it."""
    query, meta = compiler.query, compiler.query.get_meta()
    table = compiler.connection.ops.quote_name(meta.db_table)
    head, found, where = sql.rpartition(f" FROM {table} WHERE ")
    first = compiler.select[0][0]
    if (
        not found
        or "SELECT" in where
        or sum(1 for count in query.alias_refcount.values() if count) != 1
        or query.group_by is not None
        or query.order_by
        or query.distinct
        or query.combinator
        or query.is_sliced
        or getattr(first, "target", None) != meta.pk
    ):
        raise ValueError(f"Not a read of one {meta.label} by its key, its key first: {sql}")
    return (
        f"WITH changed AS ({update} RETURNING 1) {head} FROM changed LEFT JOIN {table} ON {where}"
    )


def _actual(params: list, values: dict, connection) -> list:
    """A `Prepared` query's parameters, its `Param`s given their values: each made ready
    for the database once, however often the query uses it (the live read, its times a
    dozen times)."""
    ready = {}
    actual = []
    for part in params:
        if isinstance(part, _Slot):
            key = (part.name, type(part.field))
            if key not in ready:
                ready[key] = part.field.get_db_prep_value(values[part.name], connection)
            part = ready[key]
        actual.append(part)
    return actual


def _converted(rows: list, compiler, converters) -> list[tuple]:
    if converters:
        rows = [tuple(row) for row in compiler.apply_converters(rows, converters)]
    return rows


# Django reads each timestamptz with a loader of its own, psycopg's pure Python one and
# the connection's time zone put on what it returns: some microseconds a value, and a
# booking's check of what others hold reads dozens. A `Prepared` query reads them with
# psycopg's own loader (compiled, where psycopg's binary package is installed) and puts
# the zone on as Django's does: the same values, for a fraction of the time.
# psycopg is imported on PostgreSQL's first query, loaded by Django already; on SQLite
# it is never needed, and would be a twentieth of a second of every process's start.
@functools.cache
def _psycopg_timestamptz() -> tuple[int, object, frozenset[int]] | None:
    """timestamptz's oid, psycopg's loader of it, and the oids of types holding timestamptz
    values within them, which that loader would read too; None without psycopg 3."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg 3 is the project's driver
        return None
    timestamptz = psycopg.postgres.types["timestamptz"].oid
    loader = psycopg.adapters.get_loader(timestamptz, psycopg.pq.Format.TEXT)
    holding = {
        oid
        for name in ("timestamptz", "tstzrange", "tstzmultirange", "record")
        if (info := psycopg.postgres.types.get(name)) is not None
        for oid in (info.oid, info.array_oid)
    } - {timestamptz}
    return timestamptz, loader, frozenset(holding)


# Object ids below this one are PostgreSQL's own types; a composite type of a table or a
# domain would be above it, and might hold a timestamptz.
_FIRST_USER_OID = 16384


def _timestamptz_columns(connection, description) -> tuple[int, ...] | None:
    """Where a query's rows hold a timestamptz, by the first run's description; None
    unless it runs on PostgreSQL with psycopg 3 and holds none within another value."""
    if connection.vendor != "postgresql" or description is None:
        return None
    if (known := _psycopg_timestamptz()) is None:
        return None
    timestamptz, _loader, holding = known
    oids = [column.type_code for column in description]
    if any(oid in holding or oid >= _FIRST_USER_OID for oid in oids):
        return None
    return tuple(index for index, oid in enumerate(oids) if oid == timestamptz)


def _in_zone(row: tuple, columns: tuple[int, ...], zone) -> tuple:
    """`row` with its timestamptz `columns` given `zone`, as Django's loader gives them."""
    row = list(row)
    for index in columns:
        if row[index] is not None:
            row[index] = row[index].replace(tzinfo=zone)
    return tuple(row)
