"""Dispatch of domain events from the outbox to subscribers, after commit.

The domain only records events (`cowork.services.outbox`) and relays them here. Other apps
subscribe in their `AppConfig.ready()`; the domain never imports them. A subscriber must be
idempotent: an event may be delivered again if the relay dies before marking it published.
"""

import datetime
import logging
import threading
from collections import defaultdict
from collections.abc import Callable

from django.utils import timezone

logger = logging.getLogger(__name__)

Handler = Callable[["DomainEvent"], None]  # noqa: F821 (the model is imported lazily)

# kind -> handlers; "*" receives every kind.
_subscribers: dict[str, list[Handler]] = defaultdict(list)

RELAY_BATCH = 200
# An unpublished event this old was not relayed by its own transaction (the channel layer
# was down, or the process died before it could): the next relay that succeeds takes it.
BACKLOG_AFTER_SECONDS = 5
# Set when a relay in this process failed: its events are the backlog, however young.
_relay_failed = threading.Event()


def subscribe(kind: str, handler: Handler) -> None:
    """Call `handler(event)` for each relayed event of `kind` (or of every kind, with "*")."""
    if handler not in _subscribers[kind]:
        _subscribers[kind].append(handler)


def unsubscribe(kind: str, handler: Handler) -> None:
    if handler in _subscribers[kind]:
        _subscribers[kind].remove(handler)


def relay_pending(*, limit: int = RELAY_BATCH, ids: list[int] | None = None) -> int:
    """Hand unpublished events to their subscribers in id order; return how many were relayed.

    `ids`: only these events (those a transaction just recorded), else the whole backlog.
    An event is marked published only after every subscriber took it, so a crash or an
    outage (Redis down) leaves it for the next relay: nothing is lost. The price is that an
    event may be delivered twice, which is why subscribers must be idempotent. The relay
    stops at the first event a subscriber refuses, so later events never overtake it.
    """
    from cowork.models import DomainEvent

    relayed = 0
    pending = DomainEvent.objects.filter(published_at__isnull=True)
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    for event in pending.order_by("id")[:limit]:
        handlers = (*_subscribers.get(event.kind, ()), *_subscribers.get("*", ()))
        try:
            for handler in handlers:
                handler(event)
        except Exception:
            logger.warning("Event %s stays unpublished: a subscriber failed", event, exc_info=True)
            _relay_failed.set()
            break
        DomainEvent.objects.filter(pk=event.pk, published_at__isnull=True).update(
            published_at=timezone.now()
        )
        relayed += 1
    return relayed


def relay_recorded(event_id: int) -> None:
    """After a commit: relay the event it recorded, and first any backlog older ones left.

    Each transaction relays only its own events. Relaying the whole backlog from every
    commit made concurrent requests hand the same events to every subscriber again and
    again, one booking's relay doing the work of dozens. The backlog (events whose own
    relay failed: in this process, or in any once it is a few seconds old) is taken along,
    in order, by the next commit, and swept on a schedule.
    """
    from cowork.models import DomainEvent

    stale = timezone.now() - datetime.timedelta(seconds=BACKLOG_AFTER_SECONDS)
    if (
        _relay_failed.is_set()
        or DomainEvent.objects.filter(published_at__isnull=True, created_at__lt=stale).exists()
    ):
        _relay_failed.clear()  # set again if this relay fails too
        relay_pending()
    else:
        relay_pending(ids=[event_id])
