"""Admin pages whose queries must not grow with the network, proved by adding to it: the
same page, before and after more centres with their rows, runs the same number of queries.
A list with a query a row, or a form with a query a choice, fails; so does a page that asks
the database again for each admin and inline whether the viewer may use it."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cowork.models import Closure, DisplayToken, DomainEvent, DomainEventKind
from tests.factories import (
    BookingFactory,
    ClosureFactory,
    EventFactory,
    HostFactory,
    RoomFactory,
    SpaceFactory,
    network_admin,
)

pytestmark = pytest.mark.django_db

_numbers = itertools.count()
# An admin page: the session, the user and their member row, the page's own rows and
# choices, the viewer's managed spaces (once for every permission check), and the few
# checks of a single row.
PAGE_QUERIES = 30


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _queries_once_signed_in(client, url: str) -> int:
    """The page's queries on a second visit, the first visit's one-off reads done."""
    _queries(client, url)
    return _queries(client, url)


def _a_centre_with_its_rows(organization=None) -> None:
    """A centre with a room, a booking of it, a lobby display of it, and an outbox row."""
    number = next(_numbers)
    space = SpaceFactory(**({"organization": organization} if organization else {}))
    room = RoomFactory(space=space)
    BookingFactory(resource=room)
    DisplayToken.objects.create(
        space=space, room=room, name="Lobby", key_hash=DisplayToken.hash(f"lobby-{number}")
    )
    DomainEvent.objects.create(
        kind=DomainEventKind.EVENT_CREATED,
        aggregate_type="event",
        aggregate_id=str(number),
        space=space,
    )
    ClosureFactory(space=space, starts_on=f"2027-0{1 + number % 9}-01", ends_on="2027-12-31")


@pytest.fixture
def role(client):
    """A host's role at a centre with rows of every kind; the host is signed in on `client`."""
    role = HostFactory()
    _a_centre_with_its_rows(role.space.organization)
    client.force_login(role.user)
    return role


@pytest.mark.parametrize(
    "page",
    ["booking_changelist", "displaytoken_changelist", "domainevent_changelist", "event_change"],
)
def test_a_network_admins_page_runs_as_many_queries_for_more_centres(client, page):
    event = EventFactory()
    _a_centre_with_its_rows()
    client.force_login(network_admin())
    url = reverse(f"admin:cowork_{page}", args=[event.pk] if page == "event_change" else [])
    before = _queries_once_signed_in(client, url)
    for _ in range(3):
        _a_centre_with_its_rows()
    assert _queries(client, url) == before


def test_a_hosts_centre_page_runs_as_many_queries_for_more_of_its_rows(client, role):
    for url in (
        reverse("admin:index"),
        reverse("admin:cowork_space_change", args=[role.space.pk]),
        reverse("admin:cowork_displaytoken_changelist"),
    ):
        before = _queries_once_signed_in(client, url)
        for _ in range(3):
            _a_centre_with_its_rows(role.space.organization)
            Closure.objects.create(
                space=role.space,
                starts_on=f"2028-0{1 + next(_numbers) % 9}-01",
                ends_on="2028-12-31",
                reason="Renovation",
            )
        assert _queries(client, url) == before, url


def test_a_hosts_admin_pages_run_a_fixed_few_queries(client, role):
    """Each page asks every admin, and a change page each inline, whether the viewer may
    use it: the spaces the host manages are read once for all of them."""
    for url in (
        reverse("admin:index"),
        reverse("admin:cowork_space_change", args=[role.space.pk]),
        reverse("admin:cowork_resource_changelist"),
    ):
        assert _queries_once_signed_in(client, url) <= PAGE_QUERIES, url
