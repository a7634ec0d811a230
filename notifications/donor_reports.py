"""Each donor's monthly report by e-mail, in the donor's language, sent after commit and
again after a failure, until it went once.

The domain records a `donor_report.due` event once per donor and month
(`cowork.services.donor_reports`); this sends it: a few sentences of the month's figures,
a link to the report page for that month, and two files attached, the report (XLSX, a
sheet per table) and its indicator values (the flat CSV for ActivityInfo or KoboToolbox).
Both hold what the donor's report page shows, hidden cells hidden.

The e-mail is an outbox row, as an SMS is (`notifications.messaging`): the event inserts a
`SentDonorReport` (unique on user and month, so an event the relay delivers twice makes
one row) and tries it at once. Each try claims the row (PENDING to SENDING in one UPDATE:
two workers never send one report), sends, and records SENT; a mail server that refuses or
is down puts the row back with exponential back-off, and after `MAX_ATTEMPTS` it is FAILED,
shown with its error to network admins in the admin. The schedule sends what is due again
(`donor_reports_send_due`).

A worker killed while building the message leaves the row SENDING: nothing reached the
mail server, so once the claim is stale the row is tried again. One killed while speaking
to the server, or between its acceptance and the record, leaves it HANDING (marked just
before the server is spoken to). No mail server can be asked whether it took a message,
so such a row is never sent again by itself (that could send it twice): it becomes
UNKNOWN, for a network admin to see, ask the donor and send again from the admin
(`donor_report_send_again`). A copy sent again carries the same Message-ID, by which
mailboxes know it for the same message.
"""

import calendar
import datetime
import logging
from urllib.parse import urlencode

from babel import dates as babel_dates
from django.core.mail import EmailMessage
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cowork import outbox
from cowork.db import insert_unless_exists
from cowork.errors import NotAllowed
from cowork.models import DomainEvent, DomainEventKind, DonorMonthlyReport
from cowork.selectors.access import user_is_network_admin
from cowork.selectors.reports.indicators import report_indicators
from cowork.selectors.reports.report import event_report
from cowork.selectors.reports.scope import report_scope
from cowork.selectors.reports.sentences import people_phrase
from notifications.ical.feeds.members import member_language
from notifications.ical.site import site_url, uid_domain
from notifications.models import SentDonorReport

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Status = SentDonorReport.Status

# A refusing or absent mail server is tried again after 5 min, 10, 20, ... at most 6 h
# apart, eight times in all (about 11 hours), then the report is FAILED.
MAX_ATTEMPTS = 8
RETRY_BASE = datetime.timedelta(minutes=5)
RETRY_CAP = datetime.timedelta(hours=6)
# A send still SENDING this long after its claim lost its worker: a send gives up within
# EMAIL_TIMEOUT (10 s) a step, and a report's files are built in seconds.
STALE_AFTER = datetime.timedelta(minutes=15)
SEND_BATCH = 50


def subscribe() -> None:
    """Hand the relay our handler; called from NotificationsConfig.ready()."""
    outbox.subscribe(DomainEventKind.DONOR_REPORT_DUE, send_donor_report, lane=outbox.TASKS)


def send_donor_report(event: DomainEvent) -> None:
    """The relay's handler: make the report's row, once, and try to send it now."""
    due = DonorMonthlyReport.objects.select_related("user").filter(pk=event.aggregate_id).first()
    if due is None or not _may_receive(due.user):
        return
    claim = SentDonorReport(
        user=due.user,
        month=due.month,
        recipient=due.user.email,
        status=Status.PENDING,
        next_attempt_at=timezone.now(),
    )
    if insert_unless_exists(claim):
        donor_report_attempt(claim)


def _may_receive(user) -> bool:
    # A donor whose access or account ended since the report fell due gets nothing.
    return user.is_active and bool(user.email) and report_scope(user=user) is not None


def donor_reports_send_due(*, now: datetime.datetime | None = None) -> int:
    """Settle what dead workers left, then send the reports due; return how many went."""
    now = now or timezone.now()
    stale = SentDonorReport.objects.filter(claimed_at__lt=now - STALE_AFTER)
    # Stopped before the mail server heard of it: nothing went, so it waits its turn again.
    stale.filter(status=Status.SENDING).update(status=Status.PENDING)
    # Stopped while the server was being handed it: it may have gone; never twice by itself.
    stale.filter(status=Status.HANDING).update(
        status=Status.UNKNOWN, error="outcome_unknown: the sender stopped while sending"
    )
    due = SentDonorReport.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
    return sum(
        donor_report_attempt(claim, now=now)
        for claim in due.order_by("next_attempt_at", "pk")[:SEND_BATCH]
    )


def donor_report_attempt(claim: SentDonorReport, *, now: datetime.datetime | None = None) -> bool:
    """Claim `claim` if it still waits, send it and record how that went; True if it went."""
    now = now or timezone.now()
    taken = SentDonorReport.objects.filter(pk=claim.pk, status=Status.PENDING).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not taken:
        return False
    claim = SentDonorReport.objects.select_related("user").get(pk=claim.pk)
    ours = SentDonorReport.objects.filter(pk=claim.pk, status=Status.SENDING, claimed_at=now)
    if not claim.recipient or not _may_receive(claim.user):
        ours.update(status=Status.CANCELLED, error="")
        return False
    try:
        message = donor_report_message(claim.user, claim.month, to=claim.recipient)
        ours.update(status=Status.HANDING)
        ours = SentDonorReport.objects.filter(pk=claim.pk, status=Status.HANDING, claimed_at=now)
        message.send()
    except Exception as error:
        logger.warning("The report of %s for donor %s was not sent", claim.month, claim.user_id)
        _retry_later(claim, ours, error, now=now)
        return False
    ours.update(status=Status.SENT, delivered_at=timezone.now(), error="")
    return True


def _retry_later(claim: SentDonorReport, ours, error: Exception, *, now) -> None:
    detail = f"{type(error).__name__}: {error}"[:300]
    if claim.attempts >= MAX_ATTEMPTS:
        ours.update(status=Status.FAILED, error=detail)
        return
    delay = min(RETRY_BASE * 2 ** (claim.attempts - 1), RETRY_CAP)
    ours.update(status=Status.PENDING, next_attempt_at=now + delay, error=detail)


def donor_report_send_again(*, claim: SentDonorReport, acting_user) -> bool:
    """A network admin sends a FAILED report, or one whose outcome is unknown, again (the
    donor said it did not arrive); True if it is due again."""
    if not user_is_network_admin(user=acting_user):
        raise NotAllowed(_("Only network admins send a donor's report again."))
    return bool(
        SentDonorReport.objects.filter(
            pk=claim.pk, status__in=(Status.FAILED, Status.UNKNOWN)
        ).update(status=Status.PENDING, attempts=0, next_attempt_at=timezone.now())
    )


def donor_report_message(user, month: datetime.date, *, to: str = "") -> EmailMessage:
    """The e-mail of `user`'s report of `month`, in their profile's language, to `to` (their
    address by default)."""
    # The report pages' files, imported here: this module loads in every process Django
    # starts (notifications.apps), and the pages with their forms only in those serving them.
    from cowork.web.reports.exports import report_xlsx_bytes
    from cowork.web.reports.indicators import flat_csv

    start = month.replace(day=1)
    end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    language = member_language(user)
    with translation.override(language):
        report = event_report(viewer=user, start=start, end=end)
        activities = report_indicators(viewer=user, start=start, end=end)
        query = urlencode({"start": start.isoformat(), "end": end.isoformat()})
        context = {
            "name": user.get_full_name() or user.get_username(),
            # The month in full, as the language writes it alone: "March 2025", "март 2025 г.".
            "month": babel_dates.format_skeleton(
                "yMMMM", start, locale=translation.to_locale(language)
            ),
            "events_held": report.total.events_held,
            "attendances": report.total.attendances,
            "people": people_phrase(report.people),
            "tags": [(tag.name, people_phrase(tag.people)) for tag in report.tags],
            "link": f"{site_url()}{reverse('web:reports')}?{query}",
        }
        subject = render_to_string("notifications/donor_report/subject.txt", context)
        body = render_to_string("notifications/donor_report/body.txt", context)
        # The files in the donor's language too, as their report page would give them.
        files = [
            (f"cowork-report-{start:%Y-%m}.xlsx", report_xlsx_bytes(report), XLSX),
            (f"cowork-report-{start:%Y-%m}-indicators.csv", flat_csv(activities), "text/csv"),
        ]
    # One line; the narrow spaces of a date ("2025\u202fг.") are kept.
    subject = " ".join(line.strip() for line in subject.splitlines() if line.strip())
    # The same for every copy of this report, so a copy sent again is known for the same.
    message_id = f"<donor-report.{user.pk}.{start:%Y-%m}@{uid_domain()}>"
    message = EmailMessage(
        subject=subject, body=body, to=[to or user.email], headers={"Message-ID": message_id}
    )
    for name, content, content_type in files:
        message.attach(name, content, content_type)
    return message
