"""SMS figures for /metrics (`cowork.metrics`), read from the Notification rows.

Registered from `NotificationsConfig.ready()`. They come from the database, not from
counters in the process that sent, so every process reports the same cluster-wide numbers
(take `max` over instances) and a restarted worker loses nothing. The totals are counters
in Prometheus's sense: they only grow, unless old rows are deleted, which Prometheus reads
as a counter reset.
"""

import datetime
from collections.abc import Iterable

from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

# The error code of a row not sent because its number replied STOP
# (`notifications.messaging.dispatch`).
OPTED_OUT = "opted_out"
# ... and of one held back because the day's SMS to unverified numbers were spent.
UNVERIFIED_CAP = "unverified_cap"
# Reminders sent within this window make the lateness figure; older ones are history.
LATENESS_WINDOW = datetime.timedelta(hours=1)


def _reminder_kinds():
    from notifications.models import Notification

    return [Notification.Kind.BOOKING_REMINDER, Notification.Kind.EVENT_REMINDER]


def sms_metrics() -> Iterable[GaugeMetricFamily | CounterMetricFamily]:
    from notifications.models import Notification, SmsOptOut

    # One pass over the table for all the totals.
    totals = Notification.objects.aggregate(
        sent=Count("id", filter=Q(sent_at__isnull=False)),
        failed=Count("id", filter=Q(status=Notification.Status.FAILED) & ~Q(error_code=OPTED_OUT)),
        opted_out=Count("id", filter=Q(error_code=OPTED_OUT)),
        held_back_unverified=Count("id", filter=Q(error_code=UNVERIFIED_CAP)),
    )
    for name, help_text in (
        ("sent", "SMS handed to the provider (delivered or not)."),
        ("failed", "SMS that failed for good, other than to opted-out numbers."),
        ("opted_out", "SMS not sent because the number replied STOP."),
        (
            "held_back_unverified",
            "SMS not sent to numbers never reached before: the day's allowance was spent.",
        ),
    ):
        counter = CounterMetricFamily(f"cowork_sms_{name}", help_text)
        counter.add_metric([], totals[name])
        yield counter

    numbers = GaugeMetricFamily("cowork_sms_opted_out_numbers", "Numbers that replied STOP.")
    numbers.add_metric([], SmsOptOut.objects.count())
    yield numbers

    pending = GaugeMetricFamily(
        "cowork_sms_pending", "SMS waiting to be sent or being sent, by status.", labels=["status"]
    )
    waiting = dict(
        Notification.objects.filter(
            status__in=[Notification.Status.PENDING, Notification.Status.SENDING]
        )
        .values_list("status")
        .annotate(n=Count("id"))
    )
    for status in (Notification.Status.PENDING, Notification.Status.SENDING):
        pending.add_metric([status], waiting.get(status, 0))
    yield pending

    yield from _reminder_lateness()


def _reminder_lateness() -> Iterable[GaugeMetricFamily]:
    """How late reminders go out: the worst of the last hour, and the oldest still waiting.

    A reminder sent after its event began is worthless, so the second figure is the one to
    alert on: it grows while the task cluster is down, before anything is sent late.
    """
    from notifications.models import Notification

    now = timezone.now()
    # In the database: after a burst the last hour holds thousands of reminders.
    worst = Notification.objects.filter(
        kind__in=_reminder_kinds(), sent_at__gte=now - LATENESS_WINDOW
    ).aggregate(
        worst=Max(ExpressionWrapper(F("sent_at") - F("due_at"), output_field=DurationField()))
    )["worst"]
    worst = worst.total_seconds() if worst is not None else 0.0
    late = GaugeMetricFamily(
        "cowork_sms_reminder_lateness_seconds",
        "Most seconds between due and sent among reminders sent in the last hour.",
    )
    late.add_metric([], max(0.0, worst))
    yield late

    oldest_due = (
        Notification.objects.filter(
            kind__in=_reminder_kinds(),
            status=Notification.Status.PENDING,
            due_at__lte=now,
        )
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    overdue = GaugeMetricFamily(
        "cowork_sms_reminder_overdue_seconds",
        "Seconds the oldest due reminder has waited unsent; 0 when none is due.",
    )
    overdue.add_metric([], (now - oldest_due).total_seconds() if oldest_due else 0.0)
    yield overdue
