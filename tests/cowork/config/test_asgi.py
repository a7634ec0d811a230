"""cowork.config.asgi under a real daphne: what a request leaves behind when its client gives up."""

import datetime
import time

import pytest
import requests
from django.conf import settings as django_settings
from django.db import transaction

from cowork.models import Booking, DomainEvent, Space
from cowork.services.api_tokens import api_token_create
from tests.factories import MemberFactory, ResourceFactory, SpaceFactory, open_around_the_clock
from tests.servers import DAPHNE, DaphneServer, server_environment

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 30  # seconds: a bound on a stuck step, not a speed requirement
KILLED = "took too long to shut down and was killed"


def _wait_for_output(server: DaphneServer, text: str, *, times: int) -> None:
    deadline = time.monotonic() + WAIT
    while server.output().count(text) < times:
        if time.monotonic() > deadline:
            pytest.fail(f"daphne did not say {text!r} {times} times:\n{server.output()}")
        time.sleep(0.1)


def _wait_until_relayed(desk) -> None:
    deadline = time.monotonic() + WAIT
    while not DomainEvent.objects.filter(
        # The request's own relay takes the live lane (reminders wait for the task lane).
        kind="booking.created",
        payload__resource=desk.pk,
        live_at__isnull=False,
    ).exists():
        if time.monotonic() > deadline:
            pytest.fail("the abandoned booking was never made and relayed")
        time.sleep(0.1)


def test_a_request_its_client_gave_up_on_gives_its_database_connection_back():
    if django_settings.EMBEDDED:
        pytest.skip("SQLite has no connection pool to run dry; the pool is PostgreSQL's")
    space = SpaceFactory(weekday_hours=False)
    open_around_the_clock(space)
    desk = ResourceFactory(space=space)
    member = MemberFactory().user
    _token, key = api_token_create(user=member, name="test")
    headers = {"Authorization": f"Bearer {key}"}
    now = datetime.datetime.now(datetime.UTC).astimezone(space.zone)
    start = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=2)
    # One connection in the pool, so a single one lost shows. daphne cancels a request
    # whose client left after --application-close-timeout (10 s by default; 1 s here).
    server = DaphneServer(
        # The booking must outwait this test's hold of the lock, not be told "busy".
        server_environment(
            DB_POOL_MIN_SIZE="1",
            DB_POOL_MAX_SIZE="1",
            DB_POOL_TIMEOUT="10",
            LOCK_TIMEOUT_SECONDS=str(WAIT),
        ),
        command=[*DAPHNE[:-1], "--application-close-timeout", "1", DAPHNE[-1]],
    )
    try:
        # The booking waits for its centre's lock, which this test holds, with the server's
        # only connection in hand. Its client gives up; daphne cancels the request while
        # the view still runs, and again each second until it is gone (whether a second
        # cancellation comes depends on where the first one finds Django's own clean-up,
        # which gives connections back; a busy machine changes that). The lock is held for
        # two more of daphne's checks after the first, so either way comes while the view
        # still waits.
        with transaction.atomic():
            Space.objects.select_for_update().get(pk=space.pk)
            with pytest.raises(requests.Timeout):
                requests.post(
                    f"{server.url}/api/v1/bookings",
                    json={
                        "resource": desk.pk,
                        "starts_at": start.isoformat(),
                        "ends_at": (start + datetime.timedelta(hours=1)).isoformat(),
                    },
                    headers=headers,
                    timeout=2,
                )
            _wait_for_output(server, KILLED, times=1)
            time.sleep(2)  # daphne checks its requests once a second
        # The lock is free: the abandoned booking goes through, to its relay's end; then
        # the next request needs the connection it held.
        _wait_until_relayed(desk)
        response = requests.get(f"{server.url}/api/v1/bookings", headers=headers, timeout=WAIT)
    finally:
        server.stop()
    assert response.status_code == 200, response.text
    assert Booking.objects.filter(resource=desk).count() == 1
