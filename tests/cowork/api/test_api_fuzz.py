"""Bounded fuzzing of every operation from the OpenAPI schema: no input makes a 500.

schemathesis generates valid and invalid requests from /api/v1/openapi.json and sends
them in-process to the Django WSGI application, with a member's bearer token, against a
centre that has a desk, a room and a booking: each operation alone, then sequences that
follow the schema's links. Writes carry generated Idempotency-Keys too, as the schema
documents them.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from cowork.api.main import api
from cowork.services.api_tokens import api_token_create
from tests.cowork.api.conftest import booked, next_monday
from tests.cowork.selectors.reports.network import kept_for_the_module
from tests.factories import (
    HostFactory,
    MemberFactory,
    ResourceFactory,
    RoomFactory,
    SpaceFactory,
)


@pytest.fixture(scope="module", name="centre_of_the_module")
def centre_made_once(django_db_setup, django_db_blocker):
    """A member's token, and a small centre with something booked to find and to collide
    with: made once for the module's tests, each of which runs in a transaction of its own
    within it, so every test starts from the same centre, as if made for it alone."""
    with kept_for_the_module(django_db_blocker):
        space = SpaceFactory()
        desk = ResourceFactory(space=space)
        RoomFactory(space=space, needs_approval=True)
        member = MemberFactory().user
        HostFactory(space=space)
        day = next_monday(space)
        booked(desk, member, day)
        _token, key = api_token_create(user=member, name="fuzz")
        yield {"Authorization": f"Bearer {key}"}


@pytest.fixture
def bearer(centre_of_the_module, db):
    return centre_of_the_module


@pytest.fixture(autouse=True)
def _connection_kept_across_requests():
    # Django closes the connection when a request ends; that would end the test's
    # transaction. Its own test client unhooks the same signal for the same reason.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Read from the API object rather than over HTTP, so loading needs no database and no
# per-test settings; requests then go to the WSGI application in this process. It is
# built with the HTTPS redirect off, as each test's settings have it (tests/conftest.py):
# SecurityMiddleware reads the setting once, when built, and on the PostgreSQL lane, where
# it defaults to on, would answer every request with a 301 that reaches no operation.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
with override_settings(SECURE_SSL_REDIRECT=False):
    schema.app = get_wsgi_application()


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same examples every run: a red build is reproducible
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_request_makes_a_server_error(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error])


# Stateful: sequences of requests that follow the schema's links (declared, and inferred
# by schemathesis from the operations' parameters and responses), each step's values taken
# from an earlier answer: a booking listed, then moved, cancelled, checked in.
APIWorkflow = schema.as_state_machine()


def test_no_sequence_of_linked_requests_makes_a_server_error(bearer):
    class Workflow(APIWorkflow):
        def get_call_kwargs(self, case):
            return {"headers": bearer}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response,
                checks=[not_a_server_error],
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    Workflow.run(
        settings=settings(
            max_examples=25,
            stateful_step_count=8,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
