"""A report's queries read ahead on a connection of its own (`reports.ahead`): the same
report, its queries at the database while it counts, no connection left open.

Other connections see only committed rows, so the tests that read ahead commit theirs
(`transactional_db`) and run on PostgreSQL, the only database reads are sent ahead on.
"""

import dataclasses
import time

import pytest
from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from cowork.models import Space
from cowork.selectors.reports import ahead
from tests.cowork.selectors.reports.expected import GANJA, TOTAL, figures_of, march_report
from tests.cowork.selectors.reports.network import build_network
from tests.factories import SpaceFactory, network_admin

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="reads are sent ahead on PostgreSQL only"
)


def _backend_ids():
    """A query answering with the id of the server process that runs it."""
    return Space.objects.annotate(backend=RawSQL("pg_backend_pid()", [])).values_list(
        "backend", flat=True
    )


def _own_backend() -> int:
    """The id of the server process behind this thread's connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _connections_open(expected: int | None = None) -> int:
    """Connections to the test database; with `expected`, once they are that many or five
    seconds have passed (a server process leaves a moment after its client closed)."""
    deadline = time.monotonic() + 5
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            )
            count = cursor.fetchone()[0]
        if expected is None or count == expected or time.monotonic() > deadline:
            return count
        time.sleep(0.05)


class Spy:
    """Counts the queries read ahead and the rows handed over from them."""

    def __init__(self, monkeypatch):
        self.read, self.taken = 0, 0
        read, take = ahead._Reads._read, ahead._Reads.take

        def counted_read(reads, queryset):
            self.read += 1
            return read(reads, queryset)

        def counted_take(reads, queryset):
            rows = take(reads, queryset)
            self.taken += rows is not None
            return rows

        monkeypatch.setattr(ahead._Reads, "_read", counted_read)
        monkeypatch.setattr(ahead._Reads, "take", counted_take)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_report_read_ahead_is_the_report_read_in_turn(monkeypatch):
    build_network()
    admin = network_admin()
    spy = Spy(monkeypatch)
    opened = _connections_open()

    read_ahead = march_report(admin)

    # Sessions, registrations, attendances, bookings, walk-ins and tags: each read ahead
    # and handed over, none run twice.
    assert (spy.read, spy.taken) == (6, 6)
    assert _connections_open(opened) == opened
    monkeypatch.setattr(ahead, "can_read_ahead", lambda using="default": False)
    in_turn = march_report(admin)
    assert (spy.read, spy.taken) == (6, 6)
    # All but the moment each was put together.
    assert dataclasses.replace(read_ahead, generated_at=in_turn.generated_at) == in_turn
    assert figures_of(read_ahead.total) == TOTAL
    assert figures_of(read_ahead.centres[0].figures) == GANJA


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_query_read_ahead_runs_on_a_connection_of_its_own():
    SpaceFactory()
    own = _own_backend()
    opened = _connections_open()
    with ahead.reading_ahead() as reads:
        assert reads is not None
        ahead.start(_backend_ids())
        elsewhere = ahead.rows(_backend_ids())
        # Not started: run here, as without reading ahead.
        here = ahead.rows(_backend_ids().filter(pk__gt=0))
    assert elsewhere != [own] and here == [own]
    assert _connections_open(opened) == opened


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_with_every_reading_connection_in_use_a_report_reads_in_turn():
    SpaceFactory()
    own = _own_backend()
    held = 0
    while ahead._free_connections.acquire(blocking=False):  # other reports reading ahead
        held += 1
    try:
        with ahead.reading_ahead() as reads:
            ahead.start(_backend_ids())
            assert reads is None and ahead.rows(_backend_ids()) == [own]
    finally:
        for _ in range(held):
            ahead._free_connections.release()
    assert held == ahead.READING_REPORTS


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_read_not_taken_is_dropped_with_its_connection():
    SpaceFactory()
    opened = _connections_open()
    with ahead.reading_ahead():
        ahead.start(_backend_ids())
    assert _connections_open(opened) == opened
    with ahead.reading_ahead():
        ahead.start(_backend_ids().extra(where=["no_such_column = 1"]))
    # The failed read is not the caller's: it is logged and dropped with the block.
    assert _connections_open(opened) == opened


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_failed_read_that_is_taken_raises_as_the_query_would():
    failing = Space.objects.extra(where=["no_such_column = 1"])
    with ahead.reading_ahead(), pytest.raises(Exception, match="no_such_column"):
        ahead.start(failing)
        ahead.rows(failing)


@pytest.mark.django_db
def test_inside_a_transaction_nothing_is_read_ahead():
    # A test's own transaction: another connection would not see this centre.
    space = SpaceFactory()
    assert connection.in_atomic_block
    with ahead.reading_ahead() as reads:
        ahead.start(Space.objects.filter(pk=space.pk))
        assert reads is None
        assert ahead.rows(Space.objects.filter(pk=space.pk)) == [space]


@pytest.mark.django_db(transaction=True)
def test_reading_ahead_is_for_postgresql_outside_a_transaction():
    assert ahead.can_read_ahead() == (connection.vendor == "postgresql")
    with transaction.atomic():
        assert not ahead.can_read_ahead()
