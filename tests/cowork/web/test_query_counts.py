"""Each page a person opens costs a fixed, small number of queries, however big the network.

Measured on the demo network (26 centres, their desks, rooms and equipment). A page whose
count grows with the data (a query per centre, per desk, per booking) fails here first.
"""

import datetime

import pytest
from django.test import Client

from tests.cowork.conftest import demo_copied_for_each_test
from tests.factories import next_weekday

PAGE_QUERIES = 10


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# The demo network, seeded once for this module, its objects copied for each test.
demo = pytest.fixture(demo_copied_for_each_test, name="demo")


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


# A host's live dashboard and calendar (a day and a week), held to the members' rule and
# locked at what they run: the session and the user, then the page's own, fixed however many
# bookings, SMS or walk-ins the centre holds. The live dashboard's eight: the centre; the
# host's roles, read once for the page's checks and the header's links (`space_roles_of`);
# the resources, named in the reader's language from that same read; their bookings;
# today's figures, the walk-ins one more column of the same row; the header's inbox count
# (asked only of those who manage a centre); the SMS panel's latest problems; and one row
# with their count, the month's spend, the SMS to new numbers and the senders. The
# calendar's six: the centre with its opening hours as columns, its resources, the roles,
# the bookings of the days shown, the waits, the inbox count.
HOST_PAGE_QUERIES = {"live": 8, "calendar": 6, "week": 6}
HOST_PAGES = {
    "live": "/centres/{slug}/live/",
    "calendar": "/centres/{slug}/calendar/?date={day}",
    "week": "/centres/{slug}/calendar/?date={day}&view=week",
}


@pytest.mark.parametrize("page", sorted(HOST_PAGES))
def test_a_hosts_live_dashboard_and_calendar_run_a_fixed_few_queries(
    demo, day, page, django_assert_max_num_queries
):
    assert HOST_PAGE_QUERIES[page] <= PAGE_QUERIES
    client = _client(demo.host)
    url = HOST_PAGES[page].format(slug=demo.kramatorsk.slug, day=day)
    with django_assert_max_num_queries(HOST_PAGE_QUERIES[page] + 2):  # the session, the user
        assert client.get(url).status_code == 200
