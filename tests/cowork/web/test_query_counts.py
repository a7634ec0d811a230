"""Each page a person opens costs a fixed, small number of queries, however big the network.

Measured on the demo network (26 centres, their desks, rooms and equipment). A page whose
count grows with the data (a query per centre, per desk, per booking) fails here first.
"""

import datetime

import pytest
from django.test import Client

from tests.factories import next_weekday

PAGE_QUERIES = 10


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def day(demo):
    return next_weekday(demo.kramatorsk, weekday=2, at=datetime.time(10)).date()


@pytest.mark.parametrize(
    "url",
    ["/", "/book/", "/events/", "/login/", "/centres/kramatorsk-it/"],
)
def test_public_pages_run_a_fixed_few_queries(demo, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert _client().get(url).status_code == 200


def test_an_event_page_runs_a_fixed_few_queries(demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert _client().get(f"/events/{demo.round_table.pk}/").status_code == 200


def test_a_members_pages_run_a_fixed_few_queries(demo, day, django_assert_max_num_queries):
    client = _client(demo.member)
    search = f"/centres/kramatorsk-it/book/?date={day}&start=10:00&end=12:00"
    for url in (search, "/bookings/"):
        with django_assert_max_num_queries(PAGE_QUERIES + 2):  # the session and the user
            assert client.get(url).status_code == 200


# A host's live dashboard and calendar, as they stand: fixed however many bookings the
# centre holds, but above PAGE_QUERIES + 2. The dashboard's SMS panel reads in seven
# queries (problems and their count, the month's spend, three counts of SMS to unverified
# numbers, the senders behind the price per country) and the role checks ask twice; the
# calendar reads per day shown; the dashboard names its resources in the reader's language
# (the live snapshot, shared by every reader, has them as typed). The header asks, for a
# host, whether they manage a centre and what waits for them there, in one query (the
# "Centres to manage" link and the inbox's count). The dashboard's figures read today's
# walk-ins in one more.
HOST_PAGE_QUERIES = {"live": 20, "calendar": 27}


@pytest.mark.parametrize("page", sorted(HOST_PAGE_QUERIES))
def test_a_hosts_live_dashboard_and_calendar_run_a_fixed_number_of_queries(
    demo, day, page, django_assert_max_num_queries
):
    client = _client(demo.host)
    slug = demo.kramatorsk.slug
    url = {"live": f"/centres/{slug}/live/", "calendar": f"/centres/{slug}/calendar/?date={day}"}
    with django_assert_max_num_queries(HOST_PAGE_QUERIES[page]):
        assert client.get(url[page]).status_code == 200
