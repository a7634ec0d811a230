"""Dispatch of domain events from the outbox to subscribers, after commit.

The domain only records events (`cowork.services.outbox`) and relays them here. Other apps
subscribe in their `AppConfig.ready()`; the domain never imports them. A subscriber must be
idempotent: an event may be delivered again if the relay dies before marking it published.
"""

import logging
from collections import defaultdict
from collections.abc import Callable

from django.utils import timezone

logger = logging.getLogger(__name__)

Handler = Callable[["DomainEvent"], None]  # noqa: F821 (the model is imported lazily)

# kind -> handlers; "*" receives every kind.
_subscribers: dict[str, list[Handler]] = defaultdict(list)

RELAY_BATCH = 200


def subscribe(kind: str, handler: Handler) -> None:
    """Call `handler(event)` for each relayed event of `kind` (or of every kind, with "*")."""
    if handler not in _subscribers[kind]:
        _subscribers[kind].append(handler)


def unsubscribe(kind: str, handler: Handler) -> None:
    if handler in _subscribers[kind]:
        _subscribers[kind].remove(handler)


def relay_pending(*, limit: int = RELAY_BATCH) -> int:
    """Hand unpublished events to their subscribers in id order; return how many were relayed.

    An event is marked published only after every subscriber took it, so a crash or an
    outage (Redis down) leaves it for the next relay: nothing is lost. The price is that an
    event may be delivered twice, which is why subscribers must be idempotent. The relay
    stops at the first event a subscriber refuses, so later events never overtake it.
    """
    from cowork.models import DomainEvent

    relayed = 0
    pending = DomainEvent.objects.filter(published_at__isnull=True).order_by("id")[:limit]
    for event in pending:
        handlers = (*_subscribers.get(event.kind, ()), *_subscribers.get("*", ()))
        try:
            for handler in handlers:
                handler(event)
        except Exception:
            logger.warning("Event %s stays unpublished: a subscriber failed", event, exc_info=True)
            break
        DomainEvent.objects.filter(pk=event.pk, published_at__isnull=True).update(
            published_at=timezone.now()
        )
        relayed += 1
    return relayed
