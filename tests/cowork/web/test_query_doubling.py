"""Pages whose queries must not grow with the data, proved by doubling it: the same page,
before and after as many events, registrations, attendances and bookings again, runs the
same number of queries. A page with a query per event, per person or per booking fails."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cowork.models import Event, Resource
from cowork.services.booking import booking_create
from tests.cowork.selectors.reports.network import (
    attend,
    build_network,
    desk_visit,
    make_event,
    register,
    walk_in,
)
from tests.factories import (
    HostFactory,
    MemberFactory,
    ResourceFactory,
    SpaceFactory,
    network_admin,
    next_weekday,
)

pytestmark = pytest.mark.django_db

MARCH = {"start": "2025-03-01", "end": "2025-03-31"}
REPORTS = [reverse("web:reports"), reverse("web:report-csv"), reverse("web:report-xlsx")]


def _queries(client: Client, url: str, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def _more_of_march(network, round_: int) -> None:
    """Two more events in March with people who came, and more desk visits."""
    hall = Resource.objects.get(space=network.ganja, name="Hall")
    studio = Resource.objects.get(space=network.tashkent, name="Studio")
    for number, (space, room, host) in enumerate(
        [(network.ganja, hall, network.host_a), (network.tashkent, studio, network.host_b)]
    ):
        # Mondays and Tuesdays the network leaves free in the afternoon; an hour a round.
        day, earlier = f"2025-03-{24 + number}", f"2025-03-{10 + number}"
        event = make_event(
            space,
            room,
            host,
            f"Forum {round_}.{number}",
            Event.Kind.TRAINING,
            [
                (earlier, f"{8 + 3 * round_}:00", f"{9 + 3 * round_}:00"),
                (day, f"{8 + 3 * round_}:00", f"{9 + 3 * round_}:00"),
            ],
            tags=[network.eu, network.youth],
        )
        sessions = list(event.sessions.order_by("starts_at"))
        for n in range(1, 9):
            registration = register(event, n)
            for session in sessions:
                attend(session, registration, host)
        walk_in(sessions[0], 30 + round_, host)
    desk = Resource.objects.get(space=network.ganja, name="Desk 1")
    desk_visit(desk, network.member, f"2025-03-{9 + round_}", "09:00", "10:00", checked_in="09:05")


def test_reports_and_their_exports_run_as_many_queries_for_twice_the_data():
    network = build_network()
    client = Client()
    client.force_login(network_admin())
    _more_of_march(network, 1)
    before = {url: _queries(client, url, MARCH) for url in REPORTS}
    _more_of_march(network, 2)
    _more_of_march(network, 3)
    after = {url: _queries(client, url, MARCH) for url in REPORTS}
    assert after == before


def test_the_live_dashboard_and_calendar_run_as_many_queries_for_twice_the_bookings():
    # A centre with twelve desks, its host at the desk: four booked, then eight more.
    space = SpaceFactory(city="Kramatorsk", country="UA", time_zone="Europe/Kyiv")
    desks = [ResourceFactory(space=space, name=f"Desk {n:02d}") for n in range(1, 13)]
    client = Client()
    client.force_login(HostFactory(space=space).user)
    day = next_weekday(space, weekday=2, at=datetime.time(10)).date()
    urls = [
        reverse("web:live-dashboard", args=[space.slug]),
        reverse("web:host-calendar", args=[space.slug]) + f"?date={day}&view=week",
    ]

    def book(offset: int, count: int) -> None:
        for index, desk in enumerate(desks[offset : offset + count]):
            member = MemberFactory(phone=f"+38050{1000000 + offset + index}").user
            starts_at = next_weekday(space, weekday=2, at=datetime.time(9 + index % 6))
            booking_create(
                resource=desk,
                member=member,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=2),
            )

    book(0, 4)
    before = [_queries(client, url) for url in urls]
    book(4, 8)
    after = [_queries(client, url) for url in urls]
    assert after == before
