"""Each donor's monthly report by e-mail, in the donor's language, sent after commit.

The domain records a `donor_report.due` event once per donor and month
(`cowork.services.donor_reports`); this sends it: a few sentences of the month's figures,
a link to the report page for that month, and two files attached, the report (XLSX, a
sheet per table) and its indicator values (the flat CSV for ActivityInfo or KoboToolbox).
Both hold what the donor's report page shows, hidden cells hidden.

Each e-mail is claimed first — a `SentDonorReport` row unique on (user, month) — and sent
only by whoever inserted it, so an event the relay delivers twice is e-mailed once. A send
that fails gives the claim back and is logged.
"""

import calendar
import datetime
import logging
from urllib.parse import urlencode

from babel import dates as babel_dates
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cowork import outbox
from cowork.db import insert_unless_exists
from cowork.models import DomainEvent, DomainEventKind, DonorMonthlyReport
from cowork.selectors.reports.indicators import report_indicators
from cowork.selectors.reports.report import event_report
from cowork.selectors.reports.scope import report_scope
from cowork.selectors.reports.sentences import people_phrase
from cowork.web.reports.exports import report_xlsx_bytes
from cowork.web.reports.indicators import flat_csv
from notifications.ical.feeds.members import member_language
from notifications.ical.site import site_url
from notifications.models import SentDonorReport

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def subscribe() -> None:
    """Hand the relay our handler; called from NotificationsConfig.ready()."""
    outbox.subscribe(DomainEventKind.DONOR_REPORT_DUE, send_donor_report, lane=outbox.TASKS)


def send_donor_report(event: DomainEvent) -> None:
    due = DonorMonthlyReport.objects.select_related("user").filter(pk=event.aggregate_id).first()
    if due is None:
        return
    user = due.user
    # A donor whose access or account ended since the report fell due gets nothing.
    if not user.is_active or not user.email or report_scope(user=user) is None:
        return
    claim = SentDonorReport(user=user, month=due.month, recipient=user.email)
    if not insert_unless_exists(claim):
        return
    try:
        donor_report_message(user, due.month).send()
    except Exception:
        claim.delete()
        logger.exception("The report of %s for donor %s was not sent", due.month, user.pk)


def donor_report_message(user, month: datetime.date) -> EmailMessage:
    """The e-mail of `user`'s report of `month`, in their profile's language."""
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
    message = EmailMessage(subject=subject, body=body, to=[user.email])
    for name, content, content_type in files:
        message.attach(name, content, content_type)
    return message
