"""Each donor's monthly report by e-mail: on the first of the month, in the donor's
language, with the report and its indicator values attached, once per donor and month."""

import csv
import datetime
import io

import openpyxl
import pytest
from babel.dates import format_skeleton
from django.core import mail
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from cowork import tasks
from cowork.models import DomainEvent, DomainEventKind, DonorMonthlyReport
from cowork.schedules import SCHEDULES
from cowork.services.donor_reports import DUE_DAYS, donor_monthly_reports_record
from cowork.services.personal_data import account_erase, personal_data_export
from cowork.web.reports.indicators import FLAT_COLUMNS
from notifications.models import SentDonorReport
from tests.cowork.selectors.reports.network import donor
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
FIRST_OF_APRIL = datetime.datetime(2025, 4, 1, 0, 20, tzinfo=UTC)


def _donor(tag, language, **user):
    account = donor(tag)
    for name, value in user.items():
        setattr(account, name, value)
    account.save()
    MemberFactory(user=account, language=language)
    return account


def _attachments(message) -> dict[str, bytes | str]:
    return {name: content for name, content, _type in message.attachments}


def test_each_donor_gets_last_months_report_once_in_their_language(
    network, locmem_mail, relay_now, settings
):
    eu = _donor(network.eu, "ru")
    youth = _donor(network.youth, "uk")
    _donor(network.eu, "en", email="")  # no address: nothing to send to
    _donor(network.eu, "en", is_active=False)

    assert donor_monthly_reports_record(now=FIRST_OF_APRIL) == 2
    relay_now()

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {eu.email, youth.email}
    message = by_recipient[eu.email]
    with translation.override("ru"):
        assert message.subject == translation.gettext("Your report for %(month)s") % {
            "month": format_skeleton("yMMMM", datetime.date(2025, 3, 1), locale="ru")
        }
    assert message.subject.startswith("Ваш отчёт за март 2025")
    assert f"{settings.SITE_URL}/reports/?start=2025-03-01&end=2025-03-31\n" in message.body
    assert network.eu.name in message.body and network.youth.name not in message.body
    files = _attachments(message)
    workbook = openpyxl.load_workbook(io.BytesIO(files["cowork-report-2025-03.xlsx"]))
    totals = {row[0].value: row[1].value for row in workbook["Totals"].iter_rows(min_row=2)}
    # The report in Russian: the EU's two events of March.
    assert totals["Проведено мероприятий"] == 2
    rows = list(csv.reader(io.StringIO(files["cowork-report-2025-03-indicators.csv"])))
    assert rows[0] == FLAT_COLUMNS
    assert {row[1] for row in rows[1:]} == {network.eu.name}
    assert by_recipient[youth.email].subject.startswith("Ваш звіт")

    # The schedule runs again, and the relay delivers the events a second time: nothing new.
    assert donor_monthly_reports_record(now=FIRST_OF_APRIL + datetime.timedelta(hours=1)) == 0
    DomainEvent.objects.filter(kind=DomainEventKind.DONOR_REPORT_DUE).update(published_at=None)
    relay_now()
    assert len(mail.outbox) == 2
    assert SentDonorReport.objects.count() == DonorMonthlyReport.objects.count() == 2


def test_only_the_first_days_of_a_month_ask_for_reports(network, locmem_mail, relay_now):
    _donor(network.eu, "az")
    assert donor_monthly_reports_record(now=datetime.datetime(2025, 4, 10, tzinfo=UTC)) == 0
    # A schedule down on the first sends on the second.
    assert donor_monthly_reports_record(now=datetime.datetime(2025, 4, 2, 9, tzinfo=UTC)) == 1
    assert DonorMonthlyReport.objects.get().month == datetime.date(2025, 3, 1)
    # January's report is asked for in February: the year before the first month's.
    assert donor_monthly_reports_record(now=datetime.datetime(2025, 1, 1, tzinfo=UTC)) == 1
    assert sorted(DonorMonthlyReport.objects.values_list("month", flat=True)) == [
        datetime.date(2024, 12, 1),
        datetime.date(2025, 3, 1),
    ]
    relay_now()
    assert len(mail.outbox) == 2


def test_a_donor_whose_access_ended_gets_nothing(network, locmem_mail, relay_now):
    account = _donor(network.eu, "en")
    assert donor_monthly_reports_record(now=FIRST_OF_APRIL) == 1
    account.donor_access.all().delete()
    relay_now()
    assert mail.outbox == [] and not SentDonorReport.objects.exists()


def test_the_schedule_runs_the_task_every_hour(network):
    _donor(network.eu, "en")
    (spec,) = [spec for spec in SCHEDULES if spec.name == "cowork.record_donor_monthly_reports"]
    assert spec.minutes == 60
    task = import_string(spec.func)
    assert task is tasks.record_donor_monthly_reports_task
    # On the first days of a month the task records the donor's report, later nothing.
    due = timezone.now().day <= DUE_DAYS
    assert task() == (1 if due else 0)
    assert DonorMonthlyReport.objects.count() == (1 if due else 0)


def test_a_donors_data_export_lists_the_reports_and_erasure_forgets_the_address(
    network, locmem_mail, relay_now
):
    account = _donor(network.eu, "en")
    donor_monthly_reports_record(now=FIRST_OF_APRIL)
    relay_now()
    sections = {s.key: s for s in personal_data_export(user=account, acting_user=account)}
    (record,) = sections["donor_reports"].as_json()
    assert record["recipient"] == account.email
    assert record["month"] == datetime.date(2025, 3, 1)
    account_erase(user=account, acting_user=account)
    assert SentDonorReport.objects.get().recipient == ""
    # The row stays: the month is never sent again, to anyone.
    assert donor_monthly_reports_record(now=FIRST_OF_APRIL) == 0
