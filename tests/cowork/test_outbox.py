"""The relay: each event handed to its subscribers by one relay, the backlog by one at a time."""

import collections
import datetime
import threading
import time

import pytest
from django.db import transaction
from django.utils import timezone

from cowork import outbox
from cowork.models import DomainEvent, DomainEventKind
from cowork.services.outbox import domain_event_record
from tests.cowork.outbox_subscribers import subscribed
from tests.racing import at_once

pytestmark = pytest.mark.django_db(transaction=True)

# A kind no app acts on but the live view, which hears every kind.
KIND = DomainEventKind.EVENT_CREATED

COMMITS = 8
BACKLOG = 12


class Subscriber:
    """Counts what it is handed, and how many relays were inside it at once at most with
    an event numbered below `watched_below`."""

    def __init__(self, *, takes_seconds: float = 0.0, watched_below: int = 0):
        self.takes_seconds = takes_seconds
        self.watched_below = watched_below
        self.handed = collections.Counter()
        self.inside = 0
        self.most_inside = 0
        self.lock = threading.Lock()

    def __call__(self, event):
        watched = event.payload["n"] < self.watched_below
        with self.lock:
            self.handed[event.payload["n"]] += 1
            self.inside += watched
            self.most_inside = max(self.most_inside, self.inside)
        time.sleep(self.takes_seconds)
        with self.lock:
            self.inside -= watched


@pytest.fixture
def subscriber():
    handler = Subscriber()
    with subscribed(KIND, handler):
        yield handler


def test_a_subscription_to_a_misspelt_kind_fails_at_once():
    with pytest.raises(ValueError, match=r"booking\.create"):
        outbox.subscribe("booking.create", Subscriber())


def test_a_subscription_by_kind_or_to_every_kind_is_taken(space):
    by_kind, every_kind = Subscriber(), Subscriber()
    with subscribed(KIND.value, by_kind), subscribed("*", every_kind), transaction.atomic():
        domain_event_record(kind=KIND, aggregate=space, space=space, payload={"n": 1})
    assert by_kind.handed == every_kind.handed == {1: 1}


def _left_behind(space, n: int, **fields) -> DomainEvent:
    """An event committed earlier whose own relay never ran (its process died)."""
    return DomainEvent.objects.create(
        kind=KIND,
        aggregate_type="space",
        aggregate_id=str(space.pk),
        space=space,
        payload={"n": n},
        **fields,
    )


def test_an_event_another_relay_is_handing_over_is_left_to_it_until_its_claim_lapses(
    space, subscriber
):
    held = _left_behind(
        space, 1, claimed_until=timezone.now() + datetime.timedelta(seconds=outbox.CLAIM_SECONDS)
    )
    assert outbox.relay_pending() == 0
    assert subscriber.handed == {}
    # That relay died with its process: its claim lapses and the backlog takes the event.
    DomainEvent.objects.filter(pk=held.pk).update(
        claimed_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert outbox.relay_pending() == 1
    assert subscriber.handed == {1: 1}
    held.refresh_from_db()
    assert held.published_at is not None


def test_concurrent_commits_and_drains_hand_each_event_over_once_in_each_lane(space):
    """Commits relay their own events live while task workers drain the backlog: every
    event reaches a live and a task subscriber once, the backlog one drain at a time."""
    subscriber = Subscriber(takes_seconds=0.02, watched_below=BACKLOG)
    live = Subscriber()
    for n in range(BACKLOG):
        _left_behind(space, n)

    def commit(n: int) -> None:
        with transaction.atomic():
            domain_event_record(kind=KIND, aggregate=space, space=space, payload={"n": n})
        outbox.relay_pending()

    with subscribed(KIND, subscriber, lane=outbox.TASKS), subscribed(KIND, live):
        outcomes = at_once(commit, [(BACKLOG + n,) for n in range(COMMITS)])
        failures = [outcome for outcome in outcomes if outcome]
        outbox.relay_pending()  # what a commit left after the last drain
    assert failures == []
    assert subscriber.handed == {n: 1 for n in range(BACKLOG + COMMITS)}
    assert live.handed == {n: 1 for n in range(BACKLOG + COMMITS)}
    assert subscriber.most_inside == 1
    assert not DomainEvent.objects.filter(published_at__isnull=True).exists()


def test_the_live_claim_reads_the_delta_with_it_in_one_statement_psycopg_keeps_parsed(space):
    """On PostgreSQL the claim of an event and the read of its resource, bookings and
    centre are one statement, short and few-valued enough for psycopg to keep it parsed
    (else it parses its 4 kB again on every booking); elsewhere they are two."""
    from django.db import connection
    from psycopg import _queries

    from tests.factories import ResourceFactory

    desk = ResourceFactory(space=space)
    handed = []
    statements = []

    def kept(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with (
        subscribed(KIND, handed.append),
        connection.execute_wrapper(kept),
        transaction.atomic(),
    ):
        domain_event_record(kind=KIND, aggregate=desk, space=space, payload={"resource": desk.pk})
    claim_and_read = [sql for sql, _params in statements if '"live_at" = %s' in sql]
    (event,) = handed
    assert event.live_state.resource.pk == desk.pk
    assert event.live_state.figures["desks"] == 1
    if connection.vendor == "postgresql":
        (sql,) = claim_and_read
        params = next(params for text, params in statements if text == sql)
        assert len(sql.encode()) <= _queries.MAX_CACHED_STATEMENT_LENGTH
        assert len(params) <= _queries.MAX_CACHED_STATEMENT_PARAMS
    else:
        assert len(claim_and_read) == 1  # the claim; the read after it, apart


def test_a_live_claim_that_fails_takes_nothing_and_the_backlog_relays_the_event(space, monkeypatch):
    from cowork.selectors import live

    handed = []

    def unreadable(*args, **kwargs):
        raise ConnectionError("database gone")

    with subscribed(KIND, handed.append):
        with monkeypatch.context() as patched:
            patched.setattr(live, "live_read_after", unreadable)
            with transaction.atomic():
                event = domain_event_record(kind=KIND, aggregate=space, space=space)
        assert handed == []
        event.refresh_from_db()
        assert event.live_at is None
        assert outbox.relay_live_pending() == 1
    assert [e.pk for e in handed] == [event.pk]
    event.refresh_from_db()
    assert event.live_at is not None
