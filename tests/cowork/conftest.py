"""The demo network (`manage.py seed_demo`) as a fixture, for tests of who may see what.

It is the network people try the product on: 26 centres of three organizations, Ganja's
centre run by an NGO of its own, a network admin who is not a superuser ("admin"), the
Kramatorsk host ("host", Olena Kovalenko), the Ganja host ("host.ganja", Aysel Huseynova)
and a member. The fixture adds what the demo lacks for these tests: the Ganja NGO's donor
tag on its round-table, and that donor's read-only account.
"""

import copy
import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from cowork.models import DonorAccess, Event, Space, Tag
from tests.cowork.selectors.reports.network import (  # noqa: F401 (the fixture `network`)
    kept_for_the_module,
    network_built_once,
    network_copy,
)
from tests.factories import (
    ResourceFactory,
    UserFactory,
    network_admin,
    next_weekday,
    one_session_event,
)


@pytest.fixture
def admin_client(client):
    """The test client signed in as a network admin, who is staff but not a superuser
    (pytest-django's own `admin_client` is a superuser's)."""
    client.force_login(network_admin())
    return client


@pytest.fixture
def laptop(space):
    """A laptop to borrow with a room."""
    return ResourceFactory(space=space, kind="equipment", equipment_type="laptop", name="Laptop 1")


@pytest.fixture
def demo(db):
    return demo_network()


@pytest.fixture(scope="module", name="demo_of_the_module")
def demo_seeded_once(django_db_setup, django_db_blocker):
    """The demo network, seeded once for the tests of a module that ask for it (it takes a
    second or two each time); a module's `demo` fixture hands each test a copy."""
    with kept_for_the_module(django_db_blocker):
        yield demo_network()


def demo_copied_for_each_test(demo_of_the_module, db) -> SimpleNamespace:
    """The module's demo network, its objects copied for each test as setUpTestData's are:
    what one test writes (its rows, a sign-in, an object changed in memory) is rolled back
    or dropped after it. A module whose tests only add to the demo takes it as its `demo`:

        demo = pytest.fixture(demo_copied_for_each_test, name="demo")
    """
    return copy.deepcopy(demo_of_the_module)


def demo_network() -> SimpleNamespace:
    """Seeds the demo network and adds what these tests need; its people and centres."""
    call_command("seed_demo", no_history=True, verbosity=0)
    users = get_user_model().objects.in_bulk(
        ["admin", "host", "host.ganja", "member"], field_name="username"
    )
    ganja = Space.objects.get(city="Ganja")
    kramatorsk = Space.objects.get(city="Kramatorsk")
    ganja_tag = Tag.objects.create(
        kind=Tag.Kind.DONOR, name="EU4Youth Ganja grant", organization=ganja.organization
    )
    round_table = Event.objects.get(space=ganja, starts_at__gt=timezone.now())
    round_table.tags.add(ganja_tag)
    donor = UserFactory(username="donor.eu4youth", first_name="Donor", last_name="EU4Youth")
    DonorAccess.objects.create(user=donor, tag=ganja_tag)
    return SimpleNamespace(
        admin=users["admin"],
        host=users["host"],
        ganja_host=users["host.ganja"],
        member=users["member"],
        ganja=ganja,
        kramatorsk=kramatorsk,
        ganja_tag=ganja_tag,
        round_table=round_table,
        donor=donor,
    )


@pytest.fixture
def kramatorsk_event(demo):
    """A training the Kramatorsk host runs in the Training room, a week or two ahead."""
    start = next_weekday(demo.kramatorsk, weekday=2, at=datetime.time(10))
    return one_session_event(demo.kramatorsk.resources.get(name="Training room"), demo.host, start)
