"""The outbox's relay: domain events handed to their subscribers, after commit.

The domain records events in the transaction of the change they describe
(`cowork.services.outbox.domain_event_record`, a write like any other, so a service) and
relays them here. Other apps subscribe in their `AppConfig.ready()`; the domain never
imports them. A subscriber must be idempotent: an event may be delivered again if the
relay dies before marking it published.
"""

import datetime
import logging
import threading
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

Handler = Callable[["DomainEvent"], None]  # noqa: F821 (the model is imported lazily)

# kind -> handlers; "*" receives every kind.
_subscribers: dict[str, list[Handler]] = defaultdict(list)

RELAY_BATCH = 200
# Events a relay claims from the backlog at once.
CLAIM_BATCH = 50
# How long a claim holds: longer than handing a batch over takes (a subscriber's network
# calls give up within 10 s). A relay that died, its process killed, leaves claims that
# lapse after this; the backlog then takes their events.
CLAIM_SECONDS = 30
# An unpublished event this old was not relayed by its own transaction (the channel layer
# was down, or the process died before it could): the next relay that succeeds takes it.
BACKLOG_AFTER_SECONDS = 5
# Set when a relay in this process failed: its events are the backlog, however young.
_relay_failed = threading.Event()
# Held by the one relay of this process that is draining the backlog; others leave it be.
_draining = threading.Lock()


def subscribe(kind: str, handler: Handler) -> None:
    """Call `handler(event)` for each relayed event of `kind` (a `DomainEventKind`), or of
    every kind with "*".

    An unknown kind is refused: apps subscribe from `ready()`, so a misspelt kind stops the
    process at start-up instead of leaving a handler that is never called.
    """
    from cowork.models import DomainEventKind

    if kind != "*" and kind not in DomainEventKind.values:
        raise ValueError(f"No domain event is of kind {kind!r}; see DomainEventKind.")
    if handler not in _subscribers[kind]:
        _subscribers[kind].append(handler)


def unsubscribe(kind: str, handler: Handler) -> None:
    if handler in _subscribers[kind]:
        _subscribers[kind].remove(handler)


def relay_pending(*, limit: int = RELAY_BATCH) -> int:
    """Drain the backlog: claim unpublished events in id order and hand each to its
    subscribers; return how many were relayed.

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


def relay_recorded(event_id: int) -> None:
    """After a commit: relay the event it recorded, and first any backlog older ones left.

    Each transaction relays only its own events. Relaying the whole backlog from every
    commit made concurrent requests hand the same events to every subscriber again and
    again, one booking's relay doing the work of dozens. The backlog (events whose own
    relay failed: in this process, or in any once it is a few seconds old) is drained, in
    order, by the next commit that finds no other relay of this process at it, and swept
    on a schedule.
    """
    if _relay_failed.is_set() or _backlog_waiting():
        _relay_failed.clear()  # set again if this relay fails too
        relay_pending()
    now = timezone.now()
    until = now + datetime.timedelta(seconds=CLAIM_SECONDS)
    # Unless the backlog's relay took it along just now.
    if _unclaimed(now).filter(pk=event_id).update(claimed_until=until):
        _deliver([event_id], until)


def _unclaimed(now: datetime.datetime):
    """Unpublished events no live relay holds."""
    from cowork.models import DomainEvent

    return DomainEvent.objects.filter(published_at__isnull=True).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    )


def _backlog_waiting() -> bool:
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=BACKLOG_AFTER_SECONDS)
    return _unclaimed(now).filter(created_at__lt=stale).exists()


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
    """Hand events this relay claimed (until `until`) to their subscribers, in id order.

    At the first failure the rest of the claim is given back, for the next relay.
    """
    from cowork.models import DomainEvent

    relayed = 0
    for event in DomainEvent.objects.filter(pk__in=claimed).order_by("id"):
        handlers = (*_subscribers.get(event.kind, ()), *_subscribers.get("*", ()))
        try:
            for handler in handlers:
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
