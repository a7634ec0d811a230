"""Reads of notifications for hosts: who did not get their SMS, and the month's spend."""

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Subquery, Sum, Value
from django.utils.translation import gettext as _

from cowork.db import JSONRows
from cowork.models import Space
from cowork.phones import mask_phone_for_staff
from notifications.messaging.budget import (
    UNVERIFIED_WINDOW,
    month_start,
    sent_this_month,
    unverified_counted,
)
from notifications.models import Notification
from notifications.sms.costs import message_cost
from notifications.sms.messages import MessageFacts, render_message
from notifications.sms.segment_table import SAMPLE
from notifications.sms.segments import segment_count
from notifications.sms.senders import SENDER_FIELDS, Sender, sender_rows, senders_from

PROBLEM_DAYS = 7
PROBLEM_ROWS = 20


@dataclass(frozen=True)
class SmsProblem:
    at: datetime.datetime
    recipient: str
    phone: str
    kind: str
    reason: str


@dataclass(frozen=True)
class SmsMonth:
    """What a centre's SMS cost this month against its budget, in US dollars."""

    used: Decimal
    budget: Decimal

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.used / self.budget)) if self.budget else 100

    @property
    def reached(self) -> bool:
        return self.used >= self.budget


def reason_text(code: str) -> str:
    """What an error code means to a host, in the active language."""
    if code.startswith("undelivered_"):
        return _("The phone network did not deliver it (error %(code)s).") % {
            "code": code.removeprefix("undelivered_")
        }
    reasons = {
        "opted_out": _("The person replied STOP."),
        "invalid_number": _("Not a valid mobile number."),
        "gave_up": _("The SMS provider could not be reached after several tries."),
        "rejected": _("The SMS provider refused the message."),
        "no_sender": _("No SMS sender is set up for this centre."),
        "budget": _("This month's SMS budget was spent."),
        "unverified_cap": _(
            "Held back: the day's SMS to numbers never reached before were used up."
        ),
        "undelivered": _("The phone network did not deliver it."),
    }
    return reasons.get(code, code or _("Unknown."))


def _problems(*, space: Space, now: datetime.datetime) -> QuerySet[Notification]:
    """The messages of the past week that did not reach their person, the latest first."""
    return Notification.objects.filter(
        Q(status=Notification.Status.FAILED)
        | Q(status=Notification.Status.CANCELLED, error_code__in=["budget", "unverified_cap"]),
        space=space,
        due_at__gte=now - datetime.timedelta(days=PROBLEM_DAYS),
    ).order_by("-due_at", "-id")


def _problem(notification: Notification) -> SmsProblem:
    return SmsProblem(
        at=notification.failed_at or notification.due_at,
        recipient=notification.recipient_name,
        phone=mask_phone_for_staff(notification.phone),
        kind=Notification.Kind(notification.kind).label,
        reason=reason_text(notification.error_code),
    )


@dataclass(frozen=True)
class SmsUnverified:
    """The past 24 hours' SMS of a centre to numbers never reached before."""

    sent: int
    allowance: int
    held_back: int
    network_cap_reached: bool


@dataclass(frozen=True)
class SmsPrice:
    """One message in one country: its segments through the centre's sender there, and
    what it costs, in US dollars."""

    country: str
    segments: int
    cost: Decimal
    two_way: bool


@dataclass(frozen=True)
class SmsPriceRow:
    kind: str
    prices: list[SmsPrice]


def sms_price_table(*, space: Space, senders: dict[str, Sender]) -> list[SmsPriceRow]:
    """What each kind of message costs to each country the centre texts (`senders`: the
    centre's sender to each), rendered in its first language with its own name and the
    long sample values docs/sms.md tables."""
    facts = MessageFacts(**{**SAMPLE.__dict__, "space": space.name})
    rows = []
    for kind in Notification.Kind:
        prices = []
        for country, sender in senders.items():
            body = render_message(
                kind=kind,
                language=space.default_language,
                facts=facts,
                two_way=sender.two_way,
                plain_latin=space.sms_transliterate,
            )
            segments = segment_count(body)[0]
            cost = message_cost(segments=segments, country=country)
            prices.append(SmsPrice(country, segments, cost, sender.two_way))
        rows.append(SmsPriceRow(kind=kind.label, prices=prices))
    return rows


@dataclass(frozen=True)
class SmsStatus:
    """The centre's SMS panel on the host's live dashboard."""

    month: SmsMonth
    unverified: SmsUnverified
    prices: list[SmsPriceRow]
    problems: list[SmsProblem]  # the latest PROBLEM_ROWS
    problem_count: int  # all of the past week's


def _one_row(queryset: QuerySet, /, **aggregate) -> Subquery:
    """`aggregate` over all of `queryset`, as a column of another query (one value, no
    groups)."""
    (name,) = aggregate
    return Subquery(queryset.order_by().values(every=Value(1)).annotate(**aggregate).values(name))


def sms_status(*, space: Space, now: datetime.datetime) -> SmsStatus:
    """Everything the panel shows, in two queries whatever the traffic: the latest problems;
    then, as columns of one row, how many problems, the month's spend, the SMS to unverified
    numbers (the centre's, those it held back, the network's) and the centre's senders."""
    latest = _problems(space=space, now=now).only(
        "kind", "phone", "recipient_name", "due_at", "failed_at", "error_code"
    )[:PROBLEM_ROWS]
    countries = space.accepted_phone_countries
    unverified = unverified_counted(now=now)
    held_back = Notification.objects.filter(
        space=space,
        status=Notification.Status.CANCELLED,
        error_code="unverified_cap",
        claimed_at__gt=now - UNVERIFIED_WINDOW,
    )
    senders = sender_rows(space=space, countries=countries)
    problem_count, spent, sent, held, network, own_senders = (
        Space.objects.filter(pk=space.pk)
        .order_by()
        .values_list(
            _one_row(_problems(space=space, now=now), n=Count("pk")),
            _one_row(sent_this_month(space=space, now=now), total=Sum("cost")),
            _one_row(unverified.filter(space=space), n=Count("pk")),
            _one_row(held_back, n=Count("pk")),
            _one_row(unverified, n=Count("pk")),
            _one_row(senders, rows=JSONRows(*SENDER_FIELDS)),
        )
        .get()
    )
    return SmsStatus(
        month=SmsMonth(used=spent or Decimal("0"), budget=space.sms_monthly_budget_usd),
        unverified=SmsUnverified(
            sent=sent,
            allowance=space.sms_unverified_daily_limit,
            held_back=held,
            network_cap_reached=network >= settings.SMS_UNVERIFIED_NETWORK_DAILY_LIMIT,
        ),
        prices=sms_price_table(
            space=space,
            senders=senders_from(
                space=space, countries=countries, rows=json.loads(own_senders or "[]")
            ),
        ),
        problems=[_problem(notification) for notification in latest],
        problem_count=problem_count,
    )


__all__ = [
    "month_start",
    "reason_text",
    "sms_price_table",
    "sms_status",
]
