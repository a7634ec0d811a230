"""The booking hot path: what one booking through the API costs in queries, and what the
request leaves to the task that drains the outbox (reminders, calendar invites), each of
them still sent exactly once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_q.tasks import async_task

from cowork import outbox
from cowork.models import DomainEvent, DomainEventKind
from notifications.models import Notification, SentInvite
from tests.cowork.api.conftest import at, iso
from tests.cowork.outbox_subscribers import subscribed

# Statements one API booking sends, the live delta's after the commit included and the
# transaction's own (BEGIN, COMMIT, savepoints) left out: the token; the resource with its
# space's rules; the space's lock, which takes the event's number too (on SQLite, whose
# transaction is the lock, only the number); the overlap, head count and quotas; the
# booking and its event (one statement on PostgreSQL, two on SQLite); waking the outbox's
# task (at most once a second); the live claim and the relay's one read (the resource, its
# bookings, the centre's figures and today's walk-ins), one statement on PostgreSQL, two on
# SQLite. It was 39 when the request relayed to every subscriber, 18 before the reads were
# merged, 11 (12 on PostgreSQL) before the relay read everything at once and the lock took
# the number, 9 on both before the booking and its event were inserted together, and 8 on
# PostgreSQL before the claim read too.
BOOKING_STATEMENTS = {"postgresql": 7, "sqlite": 9}
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


class Counter:
    def __init__(self):
        self.seen: list[int] = []

    def __call__(self, event):
        self.seen.append(event.pk)


@pytest.fixture
def live():
    """A live subscriber beside the live views' own, counting what it is handed."""
    counter = Counter()
    with subscribed(DomainEventKind.BOOKING_CREATED, counter, lane=outbox.LIVE):
        yield counter


@pytest.fixture
def woken(monkeypatch):
    """The commit wakes the outbox's task, as the first commit of a second always does."""
    monkeypatch.setattr(outbox, "_woken_at", [float("-inf")])


def _book(api, desk, monday, hour: str = "10:00", until: str = "12:00"):
    return api.post(
        "/bookings",
        {
            "resource": desk.pk,
            "starts_at": iso(at(desk.space, monday, hour)),
            "ends_at": iso(at(desk.space, monday, until)),
        },
    )


def _work(queries) -> list[str]:
    return [q["sql"] for q in queries if not q["sql"].startswith(TRANSACTION_CONTROL)]


def test_a_booking_through_the_api_runs_a_fixed_few_statements(
    api_as, member, desk, monday, woken, django_capture_on_commit_callbacks
):
    api = api_as(member)
    # Warm: the token's last use, the relay's queries compiled once, the database's features.
    with django_capture_on_commit_callbacks(execute=True):
        assert _book(api, desk, monday, "16:00", "17:00").status_code == 201
    for hour, until in (("10:00", "11:00"), ("13:00", "15:00")):
        outbox._woken_at[0] = float("-inf")
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert _book(api, desk, monday, hour, until).status_code == 201
        work = _work(queries.captured_queries)
        assert len(work) <= BOOKING_STATEMENTS[connection.vendor], "\n".join(work)


def test_the_request_relays_only_the_live_delta_and_the_task_sends_the_rest_once(
    api_as, member, desk, monday, live, woken, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _book(api_as(member), desk, monday)
    assert response.status_code == 201
    booking_id = response.json()["bookings"][0]["id"]
    event = DomainEvent.objects.get(kind=DomainEventKind.BOOKING_CREATED)
    # Live: handed over by the request. Reminders and the invite: not yet.
    assert live.seen == [event.pk]
    assert event.live_at is not None and event.published_at is None
    assert not Notification.objects.filter(booking_id=booking_id).exists()
    assert mailoutbox == [] and not SentInvite.objects.exists()

    # The worker runs the task the commit queued, through django-q's own execution path.
    async_task("cowork.tasks.relay_outbox_task", sync=True)
    reminders = Notification.objects.filter(
        booking_id=booking_id, kind=Notification.Kind.BOOKING_REMINDER
    )
    assert reminders.count() == 2
    assert len(mailoutbox) == 1 and SentInvite.objects.count() == 1

    # A second drain, and a delivery again after a claim that lapsed (a worker that died
    # before marking the event), send nothing twice; the live lane is not run again.
    async_task("cowork.tasks.relay_outbox_task", sync=True)
    DomainEvent.objects.filter(pk=event.pk).update(published_at=None, claimed_until=None)
    assert outbox.relay_pending() == 1
    assert reminders.count() == 2
    assert len(mailoutbox) == 1 and SentInvite.objects.count() == 1
    assert live.seen == [event.pk]
    event.refresh_from_db()
    assert event.published_at is not None


def test_a_live_relay_that_failed_leaves_the_delta_to_the_task_which_sends_it_once(
    api_as, member, desk, monday, live, woken, mailoutbox, django_capture_on_commit_callbacks
):
    def down(event):
        raise ConnectionError("channel layer unreachable")

    with (
        subscribed(DomainEventKind.BOOKING_CREATED, down, lane=outbox.LIVE),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert _book(api_as(member), desk, monday).status_code == 201
    event = DomainEvent.objects.get(kind=DomainEventKind.BOOKING_CREATED)
    assert event.live_at is None and live.seen == [event.pk]  # handed, then given back

    async_task("cowork.tasks.relay_outbox_task", sync=True)
    async_task("cowork.tasks.relay_outbox_task", sync=True)
    event.refresh_from_db()
    assert event.live_at is not None and event.published_at is not None
    assert live.seen == [event.pk, event.pk]
    assert len(mailoutbox) == 1
