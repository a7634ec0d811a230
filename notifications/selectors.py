"""Reads of notifications for hosts: who did not get their SMS, and the month's spend."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from cowork.models import Space
from cowork.phones import mask_phone_for_staff
from notifications.messaging.budget import (
    UNVERIFIED_WINDOW,
    month_start,
    segments_used_this_month,
)
from notifications.models import Notification

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
    used: int
    budget: int

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


def sms_problems(*, space: Space, now: datetime.datetime) -> tuple[list[SmsProblem], int]:
    """The latest messages of the past week that did not reach their person, and how many."""
    since = now - datetime.timedelta(days=PROBLEM_DAYS)
    failed = Notification.objects.filter(
        Q(status=Notification.Status.FAILED)
        | Q(status=Notification.Status.CANCELLED, error_code__in=["budget", "unverified_cap"]),
        space=space,
        due_at__gte=since,
    ).order_by("-due_at", "-id")
    rows = [
        SmsProblem(
            at=notification.failed_at or notification.due_at,
            recipient=notification.recipient_name,
            phone=mask_phone_for_staff(notification.phone),
            kind=Notification.Kind(notification.kind).label,
            reason=reason_text(notification.error_code),
        )
        for notification in failed[:PROBLEM_ROWS]
    ]
    return rows, failed.count()


@dataclass(frozen=True)
class SmsUnverified:
    """The past 24 hours' SMS of a centre to numbers never reached before."""

    sent: int
    allowance: int
    held_back: int
    network_cap_reached: bool


def sms_unverified(*, space: Space, now: datetime.datetime) -> SmsUnverified:
    since = now - UNVERIFIED_WINDOW
    counted = Notification.objects.filter(unverified_at__gt=since)
    return SmsUnverified(
        sent=counted.filter(space=space).count(),
        allowance=space.sms_unverified_daily_limit,
        held_back=Notification.objects.filter(
            space=space,
            status=Notification.Status.CANCELLED,
            error_code="unverified_cap",
            claimed_at__gt=since,
        ).count(),
        network_cap_reached=counted.count() >= settings.SMS_UNVERIFIED_NETWORK_DAILY_LIMIT,
    )


def sms_month(*, space: Space, now: datetime.datetime) -> SmsMonth:
    return SmsMonth(
        used=segments_used_this_month(space=space, now=now), budget=space.sms_monthly_budget
    )


__all__ = ["month_start", "reason_text", "sms_month", "sms_problems", "sms_unverified"]
