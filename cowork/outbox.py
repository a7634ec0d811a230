"""The outbox's relay: domain events handed to their subscribers, after commit.

The domain records events in the transaction of the change they describe
(`cowork.services.outbox.domain_event_record`, a write like any other, so a service) and
relays them here. Other apps subscribe in their `AppConfig.ready()`; the domain never
imports them. A subscriber must be idempotent: an event may be delivered again if the
relay dies before marking it published.

Two lanes. A LIVE subscriber (the occupancy delta of the live views) is handed the event
by the request that committed it, right after the commit. A TASKS subscriber (reminders,
calendar invites: SMS and e-mail, slow and not needed before the answer) is handed it by
the task that drains the outbox (`relay_pending`), which the commit wakes. Each lane hands
an event over once: the live lane takes it by setting `live_at` where it was empty, the
task lane by claiming it (`claimed_until`, SKIP LOCKED) and marking it `published_at`.
"""

import datetime
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

Handler = Callable[["DomainEvent"], None]  # noqa: F821 (the model is imported lazily)

LIVE = "live"
TASKS = "tasks"
LANES = (LIVE, TASKS)

# (lane, kind) -> handlers; the kind "*" receives every kind.
_subscribers: dict[tuple[str, str], list[Handler]] = defaultdict(list)

RELAY_BATCH = 200
# Events a relay claims from the backlog at once.
CLAIM_BATCH = 50
# How long a claim holds: longer than handing a batch over takes (a subscriber's network
# calls give up within 10 s). A relay that died, its process killed, leaves claims that
# lapse after this; the backlog then takes their events.
CLAIM_SECONDS = 30
# Set when a relay in this process failed: its events are the backlog, however young.
_relay_failed = threading.Event()
# Held by the one relay of this process that is draining the backlog; others leave it be.
_draining = threading.Lock()
# A commit wakes the draining task at most this often per process; the schedule sweeps
# whatever a wake-up missed.
WAKE_SECONDS = 1.0
_woken_at = [float("-inf")]
_waking = threading.Lock()


def subscribe(kind: str, handler: Handler, *, lane: str = LIVE) -> None:
    """Call `handler(event)` for each relayed event of `kind` (a `DomainEventKind`), or of
    every kind with "*", in `lane`: LIVE, after the commit in the committing process, or
    TASKS, in the task that drains the outbox.

    An unknown kind is refused: apps subscribe from `ready()`, so a misspelt kind stops the
    process at start-up instead of leaving a handler that is never called.
    """
    from cowork.models import DomainEventKind

    if kind != "*" and kind not in DomainEventKind.values:
        raise ValueError(f"No domain event is of kind {kind!r}; see DomainEventKind.")
    if lane not in LANES:
        raise ValueError(f"No relay lane is called {lane!r}; choose from {LANES}.")
    if handler not in _subscribers[lane, kind]:
        _subscribers[lane, kind].append(handler)


def unsubscribe(kind: str, handler: Handler) -> None:
    for lane in LANES:
        if handler in _subscribers[lane, kind]:
            _subscribers[lane, kind].remove(handler)


def _handlers(lane: str, kind: str) -> tuple[Handler, ...]:
    return (*_subscribers.get((lane, kind), ()), *_subscribers.get((lane, "*"), ()))


def relay_pending(*, limit: int = RELAY_BATCH) -> int:
    """Drain the backlog (the task lane, and the live lane where a commit's own relay did
    not take it): claim unpublished events in id order and hand each to its subscribers;
    return how many were relayed.

    One relay at a time drains: in this process a second one returns at once, and across
    processes each claims different events (rows locked with SKIP LOCKED while claiming),
    so no event is handed over by two relays at once. An event is marked published only
    after every subscriber took it, so a crash or an outage (Redis down) leaves it for a
    later relay: nothing is lost. The price is that an event may be delivered twice (a
    claim that lapsed), which is why subscribers must be idempotent. The relay stops at
    the first event a subscriber refuses, so later events never overtake it.
    """
    if not _draining.acquire(blocking=False):
        return 0
    try:
        relayed = 0
        while relayed < limit:
            claimed, until = _claim_backlog(min(CLAIM_BATCH, limit - relayed))
            if not claimed:
                break
            delivered = _deliver(claimed, until)
            relayed += delivered
            if delivered < len(claimed):
                break
        return relayed
    finally:
        _draining.release()


def relay_live_pending(*, limit: int = RELAY_BATCH) -> int:
    """The live lane's backlog: events no relay has handed to the live subscribers yet (a
    commit's relay failed, or its process died). For the live views' hubs, which must not
    do the task lane's work; return how many were handed over."""
    from cowork.models import DomainEvent

    relayed = 0
    waiting = DomainEvent.objects.filter(published_at__isnull=True, live_at__isnull=True)
    for event in waiting.order_by("id")[:limit]:
        if not _relay_live(event):
            break
        relayed += 1
    return relayed


def relay_recorded(event: "DomainEvent") -> None:  # noqa: F821 (imported lazily)
    """After a commit: hand the event it recorded to the live lane, and wake the task lane.

    Each transaction relays only its own event, and only to what must be live: the
    request answers once the occupancy delta is out, and reminders and invites follow in
    the task. After a live relay of this process failed, the next commit first takes the
    live backlog along, in order.
    """
    if _relay_failed.is_set():
        _relay_failed.clear()  # set again if this relay fails too
        relay_live_pending()
    _relay_live(event)
    if _handlers(TASKS, event.kind):
        _wake_drain()


def _relay_live(event) -> bool:
    """Hand `event` to the live subscribers unless another relay took it; False if one of
    them refused it (it is then given back for a later relay)."""
    from cowork.models import DomainEvent

    handlers = _handlers(LIVE, event.kind)
    if not handlers:
        return True
    try:
        taken = _take_live(DomainEvent, event)
    except Exception:
        # Nothing was taken: the take and its read are one statement, or one transaction.
        logger.warning("Event %s stays unrelayed live: its take failed", event, exc_info=True)
        _relay_failed.set()
        return False
    if not taken:
        return True
    try:
        for handler in handlers:
            handler(event)
    except Exception:
        logger.warning("Event %s stays unrelayed live: a subscriber failed", event, exc_info=True)
        _relay_failed.set()
        DomainEvent.objects.filter(pk=event.pk).update(live_at=None)
        return False
    return True


def _take_live(model, event) -> bool:
    """Set the event's `live_at` where it is empty; whether this relay did.

    An event of a space takes with it what its live delta is made of, the resource it
    names, that resource's bookings and the centre's figures (`live_read_after`), in the
    same statement where the database allows, and leaves them to the live subscribers in
    `event.live_state`. Every commit runs it, so as one plain statement rather than a
    query built each time."""
    from cowork.models import Space
    from cowork.selectors.live import LiveState, live_read_after

    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    now = timezone.now()
    update = (
        f"UPDATE {quote(model._meta.db_table)} SET {quote('live_at')} = %s "
        f"WHERE {quote('id')} = %s AND {quote('live_at')} IS NULL",
        [model._meta.get_field("live_at").get_db_prep_value(now, connection), event.pk],
    )
    event.live_state = None
    if event.space_id is None:
        with connection.cursor() as cursor:
            cursor.execute(*update)
            return cursor.rowcount == 1
    # The committing request's event still holds the space it was recorded with.
    if not model.space.is_cached(event):
        event.space = Space.objects.get(pk=event.space_id)
    read = live_read_after(
        update, space=event.space, now=now, resource_id=event.payload.get("resource")
    )
    if read is None:
        return False
    event.live_state = LiveState(now, *read)
    return True


def _wake_drain() -> None:
    """Ask a task worker to drain the outbox, at most once every WAKE_SECONDS here."""
    now = time.monotonic()
    with _waking:
        if now - _woken_at[0] < WAKE_SECONDS:
            return
        _woken_at[0] = now
    from django_q.tasks import async_task

    try:
        # Inside a transaction django-q2's ORM broker leaves this thread's connections be
        # (outside one it closes them, mid-request).
        with transaction.atomic():
            async_task("cowork.tasks.relay_outbox_task", task_name="relay the outbox")
    except Exception:
        # The schedule sweeps the outbox every minute: a lost wake-up only delays.
        logger.warning("Could not wake the outbox's task", exc_info=True)


def _unclaimed(now: datetime.datetime):
    """Unpublished events no live relay holds."""
    from cowork.models import DomainEvent

    return DomainEvent.objects.filter(published_at__isnull=True).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    )


def _claim_backlog(size: int) -> tuple[list[int], datetime.datetime]:
    """Claim the first `size` unclaimed events in id order, in a transaction of its own.

    On PostgreSQL the rows are locked while they are claimed and another relay claiming
    at the same moment skips them; SQLite's single writer does the same for it.
    """
    from cowork.models import DomainEvent

    now = timezone.now()
    until = now + datetime.timedelta(seconds=CLAIM_SECONDS)
    with transaction.atomic():
        claimed = list(
            _unclaimed(now)
            .select_for_update(skip_locked=True)
            .order_by("id")
            .values_list("id", flat=True)[:size]
        )
        if claimed:
            DomainEvent.objects.filter(pk__in=claimed).update(claimed_until=until)
    return claimed, until


def _deliver(claimed: list[int], until: datetime.datetime) -> int:
    """Hand events this relay claimed (until `until`) to their subscribers, in id order: to
    the live lane's where no relay did yet, then to the task lane's.

    At the first failure the rest of the claim is given back, for the next relay.
    """
    from cowork.models import DomainEvent

    relayed = 0
    for event in DomainEvent.objects.filter(pk__in=claimed).order_by("id"):
        try:
            if event.live_at is None and not _relay_live(event):
                raise RuntimeError("a live subscriber failed")
            for handler in _handlers(TASKS, event.kind):
                handler(event)
        except Exception:
            logger.warning("Event %s stays unpublished: a subscriber failed", event, exc_info=True)
            _relay_failed.set()
            DomainEvent.objects.filter(
                pk__in=claimed, published_at__isnull=True, claimed_until=until
            ).update(claimed_until=None)
            break
        # A published event needs no claim: the claim says who is handing it over.
        DomainEvent.objects.filter(pk=event.pk, published_at__isnull=True).update(
            published_at=timezone.now(), claimed_until=None
        )
        relayed += 1
    return relayed
