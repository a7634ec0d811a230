"""/metrics: Prometheus text that moves with what people do, and only for those allowed."""

import datetime

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from cowork import metrics
from cowork.errors import Conflict
from cowork.models import DomainEvent, DomainEventKind
from cowork.services.booking import booking_create
from cowork.services.outbox import domain_event_record
from tests.factories import MemberFactory, ResourceFactory, next_weekday

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def scrape(client=None, **extra) -> dict[tuple[str, tuple], float]:
    """Every sample of /metrics as {(name, sorted labels): value}."""
    response = (client or Client()).get("/metrics", **extra)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_bookings_made_and_refused_move_after_bookings(space, django_capture_on_commit_callbacks):
    desk = ResourceFactory(space=space, name="Desk 01")
    member, other = MemberFactory().user, MemberFactory().user
    start = next_weekday(space)
    made = ("cowork_bookings_made_total", (("kind", "desk"), ("status", "confirmed")))
    refused = ("cowork_bookings_refused_total", (("code", "conflict"),))
    before = scrape()

    with django_capture_on_commit_callbacks(execute=True):
        booking_create(resource=desk, member=member, starts_at=start, ends_at=start + HOUR)
    with pytest.raises(Conflict):
        booking_create(resource=desk, member=other, starts_at=start, ends_at=start + HOUR)

    after = scrape()
    assert after[made] == before.get(made, 0) + 1
    assert after[refused] == before.get(refused, 0) + 1


def test_a_booking_rolled_back_with_its_callers_transaction_is_not_counted(space):
    desk = ResourceFactory(space=space, name="Desk 01")
    member = MemberFactory().user
    start = next_weekday(space)
    made = ("cowork_bookings_made_total", (("kind", "desk"), ("status", "confirmed")))
    before = scrape().get(made, 0)
    with pytest.raises(RuntimeError), transaction.atomic():
        booking_create(resource=desk, member=member, starts_at=start, ends_at=start + HOUR)
        raise RuntimeError("the caller gave up")
    assert scrape().get(made, 0) == before


def test_outbox_backlog_and_age_of_the_oldest_unpublished_event(space):
    assert scrape()[("cowork_outbox_backlog", ())] == 0
    assert scrape()[("cowork_outbox_oldest_unpublished_age_seconds", ())] == 0
    with transaction.atomic():
        domain_event_record(
            kind=DomainEventKind.EVENT_CREATED, aggregate=space, space=space, payload={}
        )
    # No relay ran (the test's transaction never commits), so the event waits.
    DomainEvent.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    samples = scrape()
    assert samples[("cowork_outbox_backlog", ())] == 1
    assert 299 < samples[("cowork_outbox_oldest_unpublished_age_seconds", ())] < 400


def test_a_failing_collector_leaves_the_rest_of_the_scrape():
    def failing():
        raise RuntimeError("database gone")
        yield  # pragma: no cover

    metrics.register_collector("tests.failing", failing)
    try:
        samples = scrape()
    finally:
        metrics.unregister_collector("tests.failing")
    assert ("cowork_outbox_backlog", ()) in samples


def test_metrics_refuse_a_public_address_without_a_token():
    assert Client(REMOTE_ADDR="93.184.215.14").get("/metrics").status_code == 403
    assert Client(REMOTE_ADDR="::ffff:93.184.215.14").get("/metrics").status_code == 403
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="::1").get("/metrics").status_code == 200


def test_metrics_token_is_required_from_everywhere_once_set(settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    local = Client(REMOTE_ADDR="127.0.0.1")
    refused = local.get("/metrics")
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Bearer"
    assert local.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    allowed = Client(REMOTE_ADDR="93.184.215.14")
    scrape(allowed, HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")


def test_metrics_answer_a_probe_by_process_name_over_plain_http(settings):
    settings.ALLOWED_HOSTS = ["cowork.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/metrics", HTTP_HOST="web1:8000")
    assert response.status_code == 200
