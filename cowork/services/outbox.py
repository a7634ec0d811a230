"""Recording domain events in the outbox, inside the caller's transaction."""

import functools

from django.db import models, transaction

from cowork import outbox
from cowork.db import insert_row, insert_rows_chained
from cowork.models import DomainEvent, DomainEventKind, Space


def domain_event_record(
    *,
    kind: DomainEventKind,
    aggregate: models.Model,
    space: Space | None,
    payload: dict | None = None,
    space_seq: int | None = None,
) -> DomainEvent:
    """Record that `kind` happened to `aggregate`; relay it to subscribers after commit.

    `space_seq`: the space's event number this write took already, with its lock
    (`cowork.services.locking.lock_space_numbered`); else the next one is taken here.

    The caller must be inside `transaction.atomic()`: the event is written with the change it
    describes, or not at all. Subscribers see it only once the transaction has committed.
    A kind that is not a `DomainEventKind` is refused: no one could subscribe to it.
    """
    event = _event(kind, aggregate, space, payload, space_seq)
    # Every booking records one: without `save()`'s machinery.
    insert_row(event)
    return _relayed(event)


def domain_event_record_inserting(
    *,
    kind: DomainEventKind,
    aggregate: models.Model,
    space: Space | None,
    payload: dict,
    key_in_payload: str,
    space_seq: int | None = None,
) -> DomainEvent:
    """Insert `aggregate`, a new row, and record that `kind` happened to it: `insert_row`
    and then `domain_event_record`, in one statement where the database allows (a new
    booking). `payload[key_in_payload]` is given the new row's key, as the event's
    aggregate is. A constraint's refusal of the row raises IntegrityError."""
    event = _event(kind, aggregate, space, payload, space_seq)

    def keyed(event: DomainEvent, pk) -> None:
        event.aggregate_id = str(pk)
        event.payload[key_in_payload] = pk

    insert_rows_chained(
        aggregate,
        event,
        keyed=keyed,
        taking={
            "aggregate_id": "new.id::text",
            "payload": f"jsonb_set(%s, '{{{key_in_payload}}}', to_jsonb(new.id))",
        },
    )
    return _relayed(event)


def _event(kind, aggregate, space, payload, space_seq) -> DomainEvent:
    kind = DomainEventKind(kind)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("domain_event_record() must run inside transaction.atomic().")
    if space is None:
        space_seq = None
    elif space_seq is None:
        # The UPDATE locks the space's row until commit, so a space's numbers follow the
        # commit order of its writes and never skip.
        space_seq = _next_seq(connection, space.pk)
    if space is not None:
        space.event_seq = space_seq
    return DomainEvent(
        kind=kind,
        aggregate_type=aggregate._meta.model_name,
        aggregate_id=str(aggregate.pk),
        space=space,
        space_seq=space_seq,
        payload=payload or {},
    )


def _relayed(event: DomainEvent) -> DomainEvent:
    # A callback per event: one registered in a savepoint that rolls back is dropped with it.
    transaction.on_commit(functools.partial(outbox.relay_recorded, event), robust=True)
    return event


def _next_seq(connection, space_id: int) -> int:
    """Move the space's event number on by one and return it, in one statement."""
    table = connection.ops.quote_name(Space._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET event_seq = event_seq + 1 WHERE id = %s RETURNING event_seq",
            [space_id],
        )
        return cursor.fetchone()[0]
