import pytest
from django.db import transaction

from cowork import outbox
from cowork.models import DomainEvent, DomainEventKind
from cowork.services.outbox import domain_event_record
from tests.cowork.outbox_subscribers import subscribed

pytestmark = pytest.mark.django_db(transaction=True)

# A kind no app acts on but the live view, which hears every kind.
KIND = DomainEventKind.EVENT_CREATED


@pytest.fixture
def received():
    seen = []

    def handler(event):
        seen.append((event.kind, event.payload))

    with subscribed(KIND, handler):
        yield seen


class _Subscriber:
    """A subscriber whose channel layer is unreachable while `down`; `delivered` holds the
    numbers of the events it took once the layer was back."""

    def __init__(self):
        self.down = True
        self.delivered = []

    def __call__(self, event):
        if self.down:
            raise ConnectionError("channel layer unreachable")
        self.delivered.append(event.payload["n"])


@pytest.fixture
def in_an_outage():
    subscriber = _Subscriber()
    with subscribed(KIND, subscriber):
        yield subscriber


def test_event_outside_a_transaction_is_refused(space):
    with pytest.raises(RuntimeError):
        domain_event_record(kind=KIND, aggregate=space, space=space)
    assert not DomainEvent.objects.exists()


def test_an_event_of_no_known_kind_is_refused_and_nothing_is_recorded(space):
    with pytest.raises(ValueError), transaction.atomic():
        domain_event_record(kind="booking.create", aggregate=space, space=space)
    assert not DomainEvent.objects.exists()
    space.refresh_from_db()
    assert space.event_seq == 0


def test_subscribers_hear_of_an_event_only_after_commit(space, received):
    with transaction.atomic():
        domain_event_record(kind=KIND, aggregate=space, space=space, payload={"n": 1})
        assert received == []
    assert received == [(KIND, {"n": 1})]
    assert DomainEvent.objects.get().live_at is not None


def test_rolled_back_change_leaves_no_event_and_tells_no_one(space, received):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        domain_event_record(kind=KIND, aggregate=space, space=space)
        1 / 0  # noqa: B018 (the change fails after recording its event)
    assert received == []
    assert not DomainEvent.objects.exists()


def test_event_a_subscriber_refused_stays_unpublished_and_is_relayed_in_order_later(
    space, in_an_outage
):
    for n in (1, 2):
        with transaction.atomic():
            domain_event_record(kind=KIND, aggregate=space, space=space, payload={"n": n})
    assert DomainEvent.objects.filter(published_at__isnull=True).count() == 2
    in_an_outage.down = False
    assert outbox.relay_pending() == 2
    assert outbox.relay_pending() == 0
    assert in_an_outage.delivered == [1, 2]
    assert not DomainEvent.objects.filter(live_at__isnull=True).exists()


def _record(space, n):
    with transaction.atomic():
        return domain_event_record(kind=KIND, aggregate=space, space=space, payload={"n": n})


def test_a_commit_relays_its_own_event_not_one_another_commit_is_relaying(space, received):
    # Another request's event, committed a moment ago; its own relay is on its way.
    other = DomainEvent.objects.create(
        kind=KIND, aggregate_type="space", aggregate_id=str(space.pk), space=space
    )
    _record(space, 1)
    assert received == [(KIND, {"n": 1})]
    other.refresh_from_db()
    assert other.published_at is None


def test_the_task_lane_and_the_live_lane_each_take_events_an_outage_left_behind(space, received):
    left = DomainEvent.objects.create(
        kind=KIND, aggregate_type="space", aggregate_id=str(space.pk), space=space, payload={"n": 0}
    )
    tasks = []
    with subscribed(KIND, tasks.append, lane=outbox.TASKS):
        assert outbox.relay_live_pending() == 1  # the live views' hubs
        assert outbox.relay_pending() == 1  # the task that drains the outbox
        assert outbox.relay_pending() == 0
    assert received == [(KIND, {"n": 0})]
    assert [event.pk for event in tasks] == [left.pk]
    assert not DomainEvent.objects.filter(published_at__isnull=True).exists()


def test_after_a_relay_failed_here_the_next_commit_takes_the_young_backlog_along(
    space, in_an_outage
):
    _record(space, 1)  # its relay fails: Redis is down
    in_an_outage.down = False
    _record(space, 2)  # a second later, Redis is back
    assert in_an_outage.delivered == [1, 2]
    assert not DomainEvent.objects.filter(live_at__isnull=True).exists()
