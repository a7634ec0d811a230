"""/healthz and /readyz: what a load balancer, a deploy script and a person on call see."""

import datetime
import io
import json
import urllib.error
import urllib.request

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_q.models import Schedule

from tests.servers import DaphneServer, free_port, server_environment


def test_healthz_answers_without_touching_the_database():
    # No database marker: pytest-django fails any query this would make.
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_probes_answer_a_process_addressed_by_name_over_plain_http(settings):
    settings.ALLOWED_HOSTS = ["cowork.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/healthz", HTTP_HOST="web1:8000").status_code == 200
    # Everything else keeps the front door: the host is checked, plain HTTP redirected.
    assert Client().get("/login/", HTTP_HOST="web1:8000").status_code == 400


@pytest.fixture
def schedules(transactional_db):
    """The schedules of a deploy, as `apply_schedules` leaves them (due now)."""
    call_command("apply_schedules", stdout=io.StringIO())
    return Schedule.objects.all()


@pytest.mark.django_db(transaction=True)
def test_readyz_is_ok_when_every_service_answers(schedules):
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["tasks"] == {"status": "ok"}
    redis = "ok" if django_settings.REDIS_URL else "not configured"
    assert body["checks"]["redis"] == {"status": redis}


@pytest.mark.django_db(transaction=True)
def test_readyz_says_no_task_cluster_runs_when_schedules_are_overdue(schedules):
    schedules.filter(name="cowork.relay_outbox").update(
        next_run=timezone.now() - datetime.timedelta(minutes=10)
    )
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["tasks"]
    assert "no task cluster is running" in body["checks"]["tasks"]["detail"]
    assert "cowork.relay_outbox" in body["checks"]["tasks"]["detail"]


@pytest.mark.django_db(transaction=True)
def test_readyz_names_schedules_never_applied():
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["tasks"]
    assert "apply_schedules" in response.json()["checks"]["tasks"]["detail"]


@pytest.mark.django_db(transaction=True)
def test_readyz_is_503_naming_redis_when_it_does_not_answer(schedules, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["redis"]
    assert body["checks"]["redis"]["status"] == "down"
    assert "onnect" in body["checks"]["redis"]["detail"]


def test_production_process_with_database_and_redis_down_is_alive_but_not_ready():
    """A real daphne with PostgreSQL and Redis pointed at closed ports: /healthz stays 200
    (no restart storm), /readyz answers 503 within its timeout, naming both."""
    closed = free_port()
    env = server_environment(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed}/cowork",
        REDIS_URL=f"redis://127.0.0.1:{closed}/0",
        SECRET_KEY="k3y-" + "x7Qp9" * 12,
        READYZ_TIMEOUT_SECONDS="2",
    )
    server = DaphneServer(env)
    try:
        with urllib.request.urlopen(f"{server.url}/healthz", timeout=10) as response:
            assert response.status == 200
        with pytest.raises(urllib.error.HTTPError) as failure:
            urllib.request.urlopen(f"{server.url}/readyz", timeout=10)
        assert failure.value.code == 503
        body = json.loads(failure.value.read())
    finally:
        server.stop()
    assert body["failing"] == ["database", "redis", "tasks"], body
    assert body["status"] == "unavailable"
