"""A donor's monthly report the mail server refused: sent again after a back-off, once;
given up after a bound, shown to network admins, who send it again; sent when its worker
died before reaching the server, and never sent twice by itself when it died between the
server's acceptance and the record."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from cowork.models import DomainEvent, DomainEventKind
from cowork.services.donor_reports import donor_monthly_reports_record
from cowork.services.personal_data import (
    account_erase,
    personal_data_export,
    personal_data_json,
)
from notifications.donor_reports import (
    MAX_ATTEMPTS,
    RETRY_BASE,
    RETRY_CAP,
    STALE_AFTER,
    donor_reports_send_due,
)
from notifications.models import SentDonorReport
from tests import factories
from tests.notifications.mail_backends import WorkerKilled
from tests.notifications.test_donor_reports import FIRST_OF_APRIL, _donor
from tests.servers import FlakyMailServer

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)
Status = SentDonorReport.Status


@pytest.fixture
def mail_server(settings):
    """Makes a FlakyMailServer on a free port the site sends its e-mail to."""
    servers = []

    def start(refusals: int) -> FlakyMailServer:
        server = FlakyMailServer(refusals=refusals)
        servers.append(server)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        return server

    yield start
    for server in servers:
        server.close()


def _report_due(network, relay_now):
    _donor(network.eu, "ru")
    assert donor_monthly_reports_record(now=FIRST_OF_APRIL) == 1
    relay_now()  # the first try, as the event arrives
    return SentDonorReport.objects.get()


def _deliver_the_event_again(relay_now):
    DomainEvent.objects.filter(kind=DomainEventKind.DONOR_REPORT_DUE).update(
        published_at=None, claimed_until=None
    )
    relay_now()


def test_a_refused_report_goes_once_after_its_back_off(network, relay_now, mail_server):
    server = mail_server(refusals=1)
    claim = _report_due(network, relay_now)
    assert server.received == []
    assert (claim.status, claim.attempts) == (Status.PENDING, 1)
    assert "451" in claim.error
    assert claim.next_attempt_at - claim.claimed_at == RETRY_BASE

    assert donor_reports_send_due(now=claim.next_attempt_at - SECOND) == 0
    assert server.received == []
    assert donor_reports_send_due(now=claim.next_attempt_at) == 1
    assert len(server.received) == 1

    # Later runs, and the event delivered again, send nothing more.
    assert donor_reports_send_due(now=claim.next_attempt_at + datetime.timedelta(days=1)) == 0
    _deliver_the_event_again(relay_now)
    assert len(server.received) == 1
    claim.refresh_from_db()
    assert (claim.status, claim.attempts, claim.error) == (Status.SENT, 2, "")
    assert claim.delivered_at is not None
    assert f"Message-ID: <donor-report.{claim.user_id}.2025-03@".encode() in server.received[0]


def test_a_report_refused_every_time_fails_for_network_admins_to_send_again(
    network, relay_now, mail_server, client
):
    server = mail_server(refusals=MAX_ATTEMPTS)
    claim = _report_due(network, relay_now)
    delays = []
    while claim.status == Status.PENDING:
        delays.append(claim.next_attempt_at - claim.claimed_at)
        donor_reports_send_due(now=claim.next_attempt_at)
        claim.refresh_from_db()
    assert (claim.status, claim.attempts) == (Status.FAILED, MAX_ATTEMPTS)
    assert delays == [min(RETRY_BASE * 2**n, RETRY_CAP) for n in range(MAX_ATTEMPTS - 1)]
    assert server.received == []

    # A host never sees the donors' reports; a network admin sees the failure and why.
    changelist = reverse("admin:notifications_sentdonorreport_changelist")
    client.force_login(factories.HostFactory().user)
    assert client.get(changelist).status_code == 403
    client.force_login(factories.network_admin())
    page = client.get(changelist, {"status": "failed"}).content.decode()
    assert "Failed" in page and "451" in page
    client.post(changelist, {"action": "send_again", "_selected_action": [claim.pk]})
    claim.refresh_from_db()
    assert claim.status == Status.PENDING
    assert donor_reports_send_due(now=claim.next_attempt_at) == 1
    assert len(server.received) == 1


def test_a_worker_killed_after_the_server_took_the_report_never_sends_it_again(
    network, relay_now, settings
):
    _donor(network.eu, "en")
    assert donor_monthly_reports_record(now=FIRST_OF_APRIL) == 1
    mail.outbox = []
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.AcceptedThenKilledBackend"
    with pytest.raises(WorkerKilled):
        relay_now()
    assert len(mail.outbox) == 1
    claim = SentDonorReport.objects.get()
    assert claim.status == Status.HANDING

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # While the send might still be under way, it is left be.
    assert donor_reports_send_due(now=claim.claimed_at + STALE_AFTER - SECOND) == 0
    assert SentDonorReport.objects.get().status == Status.HANDING
    # Then it is known for a send whose outcome nobody can tell, and not sent again.
    assert donor_reports_send_due(now=claim.claimed_at + STALE_AFTER + SECOND) == 0
    _deliver_the_event_again(relay_now)
    claim.refresh_from_db()
    assert claim.status == Status.UNKNOWN and claim.error.startswith("outcome_unknown")
    assert len(mail.outbox) == 1


def test_deleting_a_donors_account_stops_a_report_waiting_for_another_try(
    network, relay_now, mail_server
):
    server = mail_server(refusals=1)
    claim = _report_due(network, relay_now)
    assert claim.status == Status.PENDING
    data = personal_data_json(personal_data_export(user=claim.user, acting_user=claim.user))
    assert [(row["status"], row["delivered_at"]) for row in data["donor_reports"]] == [
        (Status.PENDING, None)
    ]
    account_erase(user=claim.user, acting_user=claim.user)
    assert donor_reports_send_due(now=claim.next_attempt_at) == 0
    claim.refresh_from_db()
    assert (claim.status, claim.recipient) == (Status.CANCELLED, "")
    assert server.received == []


def test_a_report_whose_worker_died_before_reaching_the_server_goes_once(
    network, relay_now, mail_server
):
    server = mail_server(refusals=1)
    claim = _report_due(network, relay_now)
    # The next try's worker claimed it and was killed while building the message: the row
    # is as such a worker leaves it.
    claimed_at = claim.next_attempt_at
    SentDonorReport.objects.filter(pk=claim.pk).update(
        status=Status.SENDING, claimed_at=claimed_at, attempts=2
    )
    assert donor_reports_send_due(now=claimed_at + STALE_AFTER - SECOND) == 0
    assert donor_reports_send_due(now=claimed_at + STALE_AFTER + SECOND) == 1
    assert donor_reports_send_due(now=claimed_at + 2 * STALE_AFTER) == 0
    assert len(server.received) == 1
    claim.refresh_from_db()
    assert (claim.status, claim.attempts) == (Status.SENT, 3)
