"""What the ORM lacks: an insert that tells whether it happened, without raising."""

from django.db import connections, models, router


def insert_unless_exists(instance: models.Model) -> bool:
    """Insert `instance` unless a row with the same unique values exists; True if it did.

    For claims: whoever inserts the row does the work, anyone else learns it from the
    answer. `create()` inside `atomic()` would learn it from a unique violation: an error
    in the database's log and an aborted transaction each time, which is what a relay
    delivering an event twice, or a backlog, turned into thousands. One statement,
    `INSERT … ON CONFLICT DO NOTHING RETURNING`, on PostgreSQL and SQLite alike; it skips a
    row that would break any unique constraint. Sets the primary key when it inserts.
    """
    meta = instance._meta
    using = router.db_for_write(type(instance), instance=instance)
    connection = connections[using]
    fields = [field for field in meta.concrete_fields if field is not meta.auto_field]
    values = [
        field.get_db_prep_save(field.pre_save(instance, add=True), connection=connection)
        for field in fields
    ]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}) "
            f"ON CONFLICT DO NOTHING RETURNING {quote(meta.pk.column)}",
            values,
        )
        row = cursor.fetchone()
    if row is None:
        return False
    instance.pk = row[0]
    instance._state.adding = False
    instance._state.db = using
    return True
