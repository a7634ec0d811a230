"""What a centre may spend: its monthly budget in US dollars, and the allowance of SMS to numbers
never reached, within the network's cap.

A message to a number we have never reached (`number_reached`) takes one of the SMS to
unverified numbers the centre may send in 24 hours (`Space.sms_unverified_daily_limit`),
within the network's hard cap (`SMS_UNVERIFIED_NETWORK_DAILY_LIMIT`); once either is spent
it is held back (CANCELLED, `unverified_cap`), essential or not, and the centre's hosts are
e-mailed once that day. This is what bounds SMS pumping: numbers typed by whoever fills a
public form cost at most the allowance, whatever the forms let through.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from cowork.db import insert_unless_exists
from cowork.models import Member, Registration, Space, SpaceRole
from cowork.services.locking import lock_named
from notifications.messaging.outcomes import still_claimed
from notifications.models import InboundSms, Notification, SmsBudgetAlert, SmsUnverifiedCapAlert

Status = Notification.Status

# The window of the allowances of SMS to unverified numbers.
UNVERIFIED_WINDOW = datetime.timedelta(hours=24)


# The monthly budget ----------------------------------------------------------------------


class BudgetBook:
    """What each centre's SMS cost this month, read once per dispatch run and kept up."""

    def __init__(self, now: datetime.datetime) -> None:
        self._now = now
        self._used: dict[int, Decimal] = {}

    def spent(self, space: Space | None) -> bool:
        if space is None:
            return False
        if space.pk not in self._used:
            self._used[space.pk] = money_spent_this_month(space=space, now=self._now)
        return self._used[space.pk] >= space.sms_monthly_budget_usd

    def add(self, space: Space | None, cost: Decimal) -> None:
        if space is not None and space.pk in self._used:
            self._used[space.pk] += cost

    def alert_hosts(self, space: Space) -> None:
        month = month_start(space=space, now=self._now)
        if not insert_unless_exists(SmsBudgetAlert(space=space, month=month.date())):
            return  # told already this month
        _email_hosts(
            space,
            f"{space.name}: SMS budget reached",
            f"{space.name}'s SMS have cost {space.sms_monthly_budget_usd} USD this month, "
            "its budget. "
            "Reminders stop until the month ends or the budget is raised; confirmations "
            "and cancellations still go out.",
        )


def month_start(*, space: Space, now: datetime.datetime) -> datetime.datetime:
    local = now.astimezone(space.zone)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def sent_this_month(*, space: Space, now: datetime.datetime) -> QuerySet[Notification]:
    """The SMS sent for `space` since the first of its local month."""
    return Notification.objects.filter(space=space, sent_at__gte=month_start(space=space, now=now))


def money_spent_this_month(*, space: Space, now: datetime.datetime) -> Decimal:
    """US dollars the SMS sent for `space` since the first of its local month cost."""
    spent = sent_this_month(space=space, now=now).aggregate(total=Sum("cost"))["total"]
    return spent or Decimal("0")


# SMS to unverified numbers ---------------------------------------------------------------


def unverified_counted(*, now: datetime.datetime) -> QuerySet[Notification]:
    """The network's SMS to unverified numbers that count against the allowances at `now`."""
    return Notification.objects.filter(unverified_at__gt=now - UNVERIFIED_WINDOW)


def number_reached(phone: str) -> bool:
    """Whether `phone` is known to reach a person: a member's, one a host registered someone
    with (the host spoke to them), one that texted us, or one an SMS was delivered to.

    "Sent" is not enough: it says only that the provider took the message.
    """
    return (
        Member.objects.filter(phone=phone).exists()
        or Notification.objects.filter(phone=phone, status=Status.DELIVERED).exists()
        or InboundSms.objects.filter(phone=phone).exists()
        or Registration.objects.filter(
            participant__phone=phone, registered_by__isnull=False
        ).exists()
    )


def take_unverified_allowance(notification: Notification) -> str:
    """ "" if the message may go: to a number reached before, already counted (a retry), or
    counted now; else why it may not, in words for the row's error detail.

    Counting and taking run under one lock, in a transaction of their own, so workers
    sending at once cannot each take the last one; the row is marked only under the claim
    this worker holds.
    """
    if notification.unverified_at is not None or number_reached(notification.phone):
        return ""
    space = notification.space
    now = timezone.now()
    with transaction.atomic():
        _lock_unverified_allowance()
        counted = unverified_counted(now=now)
        network_cap = settings.SMS_UNVERIFIED_NETWORK_DAILY_LIMIT
        if counted.count() >= network_cap:
            return f"The network's {network_cap} SMS a day to unverified numbers are spent."
        if space is not None and (
            counted.filter(space=space).count() >= space.sms_unverified_daily_limit
        ):
            return (
                f"The centre's {space.sms_unverified_daily_limit} SMS a day "
                "to unverified numbers are spent."
            )
        # If recovery took the row meanwhile, nothing is marked, and the send finds the
        # claim gone too.
        still_claimed(notification).update(unverified_at=now)
    return ""


def _lock_unverified_allowance() -> None:
    """Serialize the allowance across workers; SQLite's IMMEDIATE transactions already do."""
    lock_named("SMS to unverified numbers")


def alert_hosts_of_unverified_cap(space: Space | None, why: str) -> None:
    """E-mail the centre's hosts, once a day (the centre's), that SMS are held back."""
    if space is None:
        return
    day = timezone.now().astimezone(space.zone).date()
    if not insert_unless_exists(SmsUnverifiedCapAlert(space=space, day=day)):
        return  # told already today
    _email_hosts(
        space,
        f"{space.name}: SMS to new numbers held back",
        f"{why} Further SMS to numbers never reached before (no delivered SMS, no reply, "
        "not a member's phone) are held back for now, confirmations included. "
        "Registrations stand, and people see their place on their registration page; "
        "the live dashboard lists who was not texted. If these registrations are genuine, "
        "raise the centre's allowance in the admin.",
    )


def _email_hosts(space: Space, subject: str, body: str) -> None:
    hosts = SpaceRole.objects.filter(space=space, role=SpaceRole.Role.HOST).exclude(user__email="")
    recipients = [role.user.email for role in hosts.select_related("user")]
    if recipients:
        send_mail(subject, body, None, recipients, fail_silently=True)
