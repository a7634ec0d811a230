"""cowork.db.insert_unless_exists: a claim by insert that never makes the database fail."""

import pytest
from django.db import transaction

from cowork.db import insert_unless_exists
from notifications.models import SentInvite
from tests.database import failed_statements

pytestmark = pytest.mark.django_db(transaction=True)


def _invite(**fields):
    return SentInvite(
        uid="booking-1@example.org",
        sequence=0,
        method="REQUEST",
        recipient="a@example.org",
        **fields,
    )


def test_the_first_insert_claims_and_the_second_learns_it_was_taken_without_an_error():
    with failed_statements() as refused:
        first, second = _invite(domain_event_id=1), _invite(domain_event_id=2)
        assert insert_unless_exists(first) is True
        assert insert_unless_exists(second) is False
    assert refused == []
    assert first.pk is not None and second.pk is None
    assert list(SentInvite.objects.values_list("domain_event_id", flat=True)) == [1]
    assert SentInvite.objects.get().created_at is not None


def test_a_claim_taken_inside_a_transaction_leaves_the_transaction_usable():
    insert_unless_exists(_invite())
    with transaction.atomic():
        assert insert_unless_exists(_invite()) is False
        # A unique violation would have aborted the transaction: nothing more could run.
        assert SentInvite.objects.count() == 1


def test_a_prepared_query_is_compiled_once_and_answers_as_the_orm_for_each_value():
    import datetime

    from django.db.models import DateTimeField, IntegerField

    from cowork.db import Param, Prepared
    from cowork.models import DomainEvent

    built = []

    def build():
        built.append(1)
        return DomainEvent.objects.filter(
            pk__gte=Param("first", IntegerField()), created_at__lt=Param("before", DateTimeField())
        ).values_list("pk", "created_at", "payload")

    query = Prepared(build)
    for n in range(3):
        DomainEvent.objects.create(
            kind="booking.created", aggregate_type="booking", aggregate_id=str(n), payload={"n": n}
        )
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
    events = list(DomainEvent.objects.order_by("pk"))
    for first in (events[0].pk, events[2].pk, events[2].pk + 1):
        expected = list(
            DomainEvent.objects.filter(pk__gte=first, created_at__lt=later)
            .order_by()
            .values_list("pk", "created_at", "payload")
        )
        assert sorted(query.rows(first=first, before=later)) == sorted(expected)
    assert query.rows(first=events[0].pk, before=events[0].created_at) == []
    assert query.rows(first=events[1].pk, before=later)[0][2] == {"n": 1}
    assert len(built) == 1


def test_several_counts_of_a_group_read_as_one_json_list_column_of_another_query():
    import json

    from django.db.models import Count, OuterRef, Q, Subquery, Value

    from cowork.db import JSONList

    for n, method in enumerate(("REQUEST", "REQUEST", "CANCEL")):
        SentInvite.objects.create(
            uid="booking-1@example.org",
            sequence=n,
            method=method,
            recipient="a@example.org",
            domain_event_id=n + 1,
        )
    counts = (
        SentInvite.objects.filter(uid=OuterRef("uid"))
        .order_by()
        .values(every=Value(1))
        .annotate(
            counts=JSONList(Count("pk"), Count("pk", filter=Q(method="CANCEL")), Value("as typed"))
        )
        .values("counts")
    )
    read = SentInvite.objects.filter(sequence=0).values_list(Subquery(counts), flat=True).get()
    assert json.loads(read) == [3, 1, "as typed"]


def test_a_prepared_query_reads_times_as_the_orm_does_to_their_zone():
    import datetime

    from django.db.models import DateTimeField, IntegerField

    from cowork.db import Param, Prepared
    from cowork.models import DomainEvent

    query = Prepared(
        lambda: DomainEvent.objects.filter(
            pk__gte=Param("first", IntegerField()), created_at__lt=Param("before", DateTimeField())
        ).values_list("pk", "created_at", "live_at")
    )
    live = datetime.datetime(2030, 3, 4, 10, 15, 30, 123456, tzinfo=datetime.UTC)
    for n in range(2):
        DomainEvent.objects.create(
            kind="booking.created", aggregate_type="booking", aggregate_id=str(n), live_at=live
        )
    DomainEvent.objects.create(kind="booking.created", aggregate_type="booking", aggregate_id="2")
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
    expected = sorted(DomainEvent.objects.values_list("pk", "created_at", "live_at"))
    # The first run learns which columns are times; the next ones read them quicker.
    for _run in range(3):
        rows = sorted(query.rows(first=0, before=later))
        assert rows == expected
        for row, orm in zip(rows, expected, strict=True):
            assert [type(value) for value in row] == [type(value) for value in orm]
            for value, orm_value in zip(row[1:], orm[1:], strict=True):
                assert value is None or value.tzinfo is orm_value.tzinfo
    assert rows[0][2] == live and rows[2][2] is None


def test_an_instance_built_from_its_values_is_the_one_from_db_gives():
    from cowork.db import built
    from cowork.models import DomainEvent, Space
    from tests.factories import SpaceFactory

    DomainEvent.objects.create(
        kind="booking.created", aggregate_type="booking", aggregate_id="1", payload={"n": 1}
    )
    event = DomainEvent.objects.get()
    space = Space.objects.get(pk=SpaceFactory().pk)
    for instance in (event, space):  # a space's photo is built by __init__, as before
        model = type(instance)
        names = [field.attname for field in model._meta.concrete_fields]
        values = [getattr(instance, name) for name in names]
        for db in ("default", None):
            made = built(model, values, db=db)
            expected = model.from_db(db, names, values) if db else model(*values)
            assert type(made) is model
            assert {name: getattr(made, name) for name in names} == {
                name: getattr(expected, name) for name in names
            }
            assert (made._state.adding, made._state.db) == (
                expected._state.adding,
                expected._state.db,
            )
            assert set(vars(made)) == set(vars(expected))


def test_a_prepared_query_after_an_update_reads_only_when_the_update_changed_a_row(space):
    from django.db.models import IntegerField

    from cowork.db import Param, Prepared
    from cowork.models import DomainEvent, Space

    event = DomainEvent.objects.create(
        kind="booking.created", aggregate_type="booking", aggregate_id="1", payload={}
    )
    query = Prepared(
        lambda: (
            Space.objects.filter(pk=Param("space", IntegerField()))
            .order_by()
            .values_list("pk", "name")
        )
    )
    update = (
        'UPDATE "cowork_domainevent" SET "aggregate_id" = %s '
        'WHERE "id" = %s AND "aggregate_id" = %s',
        ["2", event.pk, "1"],
    )
    assert query.rows_after(*update, space=space.pk) == [(space.pk, space.name)]
    event.refresh_from_db()
    assert event.aggregate_id == "2"
    # Changed already: neither changed nor read again.
    assert query.rows_after(*update, space=space.pk) is None
    # Changed, and the query finds nothing.
    assert query.rows_after(update[0], ["3", event.pk, "2"], space=space.pk + 1) == []
    event.refresh_from_db()
    assert event.aggregate_id == "3"
