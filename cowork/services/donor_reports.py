"""The monthly report due to each donor account, recorded once per donor and month.

On the first days of a month (`DUE_DAYS`, in UTC: the network's centres lie east of UTC, so
their previous month has ended everywhere by then) each active donor account with an
e-mail address gets a `DonorMonthlyReport` row for the month just ended and, in the same
transaction, a `donor_report.due` domain event; notifications e-mails the report after
commit. The row is unique per donor and month: a rerun of the schedule, or two runs at
once, records nothing twice. A donor account made later in the month waits for the next.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cowork.db import insert_unless_exists
from cowork.models import DomainEventKind, DonorAccess, DonorMonthlyReport
from cowork.services.outbox import domain_event_record

# A schedule that was down on the first of the month still sends on the next days, never
# a stale report later on.
DUE_DAYS = 3


def previous_month(today: datetime.date) -> datetime.date:
    """The first day of the month before `today`'s."""
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def donor_monthly_reports_record(*, now: datetime.datetime | None = None) -> int:
    """Record last month's report as due for each donor who has none yet; how many."""
    today = (now or timezone.now()).astimezone(datetime.UTC).date()
    if today.day > DUE_DAYS:
        return 0
    month = previous_month(today)
    donors = (
        get_user_model()
        .objects.filter(pk__in=DonorAccess.objects.values("user_id"), is_active=True, email__gt="")
        .order_by("pk")
    )
    recorded = 0
    for user in donors:
        with transaction.atomic():
            report = DonorMonthlyReport(user=user, month=month)
            if not insert_unless_exists(report):
                continue
            domain_event_record(
                kind=DomainEventKind.DONOR_REPORT_DUE,
                aggregate=report,
                space=None,
                payload={"user": user.pk, "month": month.isoformat()},
            )
            recorded += 1
    return recorded
