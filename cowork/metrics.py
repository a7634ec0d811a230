"""The Prometheus registry of this process, and the domain's own metrics.

Other apps add theirs from their `AppConfig.ready()` with `register_collector`, as they
subscribe to domain events: the domain never imports them. `/metrics` (`cowork.config.health`)
renders the registry.

The registry lives here, in the domain, rather than with the project's wiring that serves
it: the booking service counts its outcomes into it, and `realtime` and `notifications`
register into it, and none of them may import `cowork.config` (which imports them all).

Counters and the websocket gauge are per process: Prometheus scrapes every daphne process
as a target of its own (never through nginx's load balancer) and sums over `instance`.
Collectors that read the database (the outbox, SMS rows) report the same numbers from
every process; take `max` over instances for those.
"""

import functools
import logging
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone
from prometheus_client import CollectorRegistry, Counter, ProcessCollector
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder

from cowork.errors import DomainError

logger = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)

BOOKINGS_MADE = Counter(
    "cowork_bookings_made",
    "Bookings made in this process, once committed, by resource kind and initial status.",
    ["kind", "status"],
    registry=REGISTRY,
)
BOOKINGS_REFUSED = Counter(
    "cowork_bookings_refused",
    "Booking requests refused in this process, by the code of the rule that refused them.",
    ["code"],
    registry=REGISTRY,
)


class _Collector:
    """Adapts a function yielding metric families to what the registry expects."""

    def __init__(self, collect: Callable[[], Iterable[Metric]]):
        self._collect = collect

    def collect(self) -> Iterable[Metric]:
        try:
            # A collector that reads the database must not take /metrics down with it:
            # the scrape still gets the process's counters, and the log says why.
            yield from list(self._collect())
        except Exception:
            logger.warning("Metrics collector %s failed", self._collect.__qualname__, exc_info=True)

    def describe(self) -> Iterable[Metric]:
        # Describing would run the collector (and its queries) at registration time.
        return []


_collectors: dict[str, _Collector] = {}


def register_collector(name: str, collect: Callable[[], Iterable[Metric]]) -> None:
    """Add `collect` (yielding metric families on each scrape) under `name`, once.

    Registering a name again replaces the earlier collector, so `ready()` may run twice
    (tests, autoreload) without the registry refusing duplicate metric names.
    """
    unregister_collector(name)
    _collectors[name] = _Collector(collect)
    REGISTRY.register(_collectors[name])


def unregister_collector(name: str) -> None:
    previous = _collectors.pop(name, None)
    if previous is not None:
        REGISTRY.unregister(previous)


def render(accept: str = "") -> tuple[bytes, str]:
    """The registry as body and content type, in the format the scraper's Accept asks for
    (Prometheus text by default, OpenMetrics when asked)."""
    encoder, content_type = choose_encoder(accept)
    return encoder(REGISTRY), content_type


def count_booking_outcome(create):
    """Count what `booking_create` made (after commit) or refused (by rule code).

    A booking made inside a caller's transaction (a series, a room with its equipment) is
    counted only if that transaction commits, so one refused occurrence of a series counts
    one refusal and no bookings.
    """

    @functools.wraps(create)
    def counted(*args, **kwargs):
        try:
            booking = create(*args, **kwargs)
        except DomainError as refusal:
            BOOKINGS_REFUSED.labels(code=refusal.code).inc()
            raise
        labels = BOOKINGS_MADE.labels(kind=booking.resource.kind, status=booking.status)
        transaction.on_commit(labels.inc)
        return booking

    return counted


def outbox_metrics() -> Iterable[Metric]:
    """The relay's backlog: unpublished domain events, and how long the oldest has waited."""
    from django.db.models import Count, Min

    from cowork.models import DomainEvent

    pending = DomainEvent.objects.filter(published_at__isnull=True).aggregate(
        count=Count("id"), oldest=Min("created_at")
    )
    backlog = GaugeMetricFamily(
        "cowork_outbox_backlog", "Domain events recorded but not yet published by the relay."
    )
    backlog.add_metric([], pending["count"])
    yield backlog
    age = GaugeMetricFamily(
        "cowork_outbox_oldest_unpublished_age_seconds",
        "Seconds since the oldest unpublished domain event was recorded; 0 when none waits.",
    )
    oldest = pending["oldest"]
    age.add_metric([], max(0.0, (timezone.now() - oldest).total_seconds()) if oldest else 0.0)
    yield age


register_collector("cowork.outbox", outbox_metrics)
