"""The admin shows bookings and events at the centre's wall clock, never in UTC."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse

from cowork.services.booking import booking_create
from tests.factories import (
    HostFactory,
    MemberFactory,
    ResourceFactory,
    SpaceFactory,
    next_weekday,
    one_session_event,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking():
    """16:45–17:45 in Baku (UTC+4): 12:45 UTC, what the admin used to show."""
    resource = ResourceFactory(name="Desk 01")
    start = next_weekday(resource.space, at=datetime.time(16, 45))
    return booking_create(
        resource=resource,
        member=MemberFactory().user,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )


def _readonly_values(html: str) -> str:
    """What the change page's fields show (the breadcrumb keeps the booking's name, in UTC)."""
    return " ".join(re.findall(r'<div class="readonly">(.*?)</div>', html))


def _text(response) -> str:
    # Babel puts a narrow no-break space before "PM"; Django's formats a plain one.
    return response.content.decode().replace("\u202f", " ").replace("\xa0", " ")


def test_the_booking_list_shows_each_row_at_its_centres_time(client, booking):
    kyiv = SpaceFactory(name="Kyiv centre", time_zone="Europe/Kyiv")
    desk = ResourceFactory(space=kyiv, name="Desk 77")
    start = next_weekday(kyiv, at=datetime.time(10))
    booking_create(
        resource=desk,
        member=MemberFactory().user,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    client.force_login(HostFactory(space=booking.space).user)
    host_html = _text(client.get(reverse("admin:cowork_booking_changelist")))
    assert "4:45 PM (Asia/Baku)" in host_html and "5:45 PM (Asia/Baku)" in host_html
    assert "12:45" not in host_html

    from tests.factories import network_admin

    client.force_login(network_admin())
    html = _text(client.get(reverse("admin:cowork_booking_changelist")))
    assert "4:45 PM (Asia/Baku)" in html
    assert "10:00 AM (Europe/Kyiv)" in html


def test_a_booking_page_renders_in_its_centres_zone_and_says_so(client, booking):
    client.force_login(HostFactory(space=booking.space).user)
    page = client.get(reverse("admin:cowork_booking_change", args=[booking.pk]))
    assert page.status_code == 200
    html = _text(page)
    fields = _readonly_values(html)
    assert "4:45 p.m." in fields and "5:45 p.m." in fields
    assert "12:45" not in fields
    assert "<h2>Desk 01 · Information Centre" in html and "4:45 PM–5:45 PM · Times" in html
    assert "Times in the centre&#x27;s zone: Asia/Baku" in html


def test_in_russian_the_times_are_the_centres_too(client, booking):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    client.force_login(HostFactory(space=booking.space).user)
    listing = _text(client.get(reverse("admin:cowork_booking_changelist")))
    assert "16:45 (Asia/Baku)" in listing
    page = _text(client.get(reverse("admin:cowork_booking_change", args=[booking.pk])))
    assert "16:45" in _readonly_values(page) and "12:45" not in _readonly_values(page)
    assert "Время в часовом поясе центра: Asia/Baku" in page


def test_an_event_page_and_its_sessions_show_the_centres_time(client):
    from tests.factories import RoomFactory

    host = HostFactory()
    space = host.space
    start = next_weekday(space, at=datetime.time(11))
    event = one_session_event(
        RoomFactory(space=space), host.user, start, title="Digital safety", capacity=5
    )
    client.force_login(host.user)
    listing = _text(client.get(reverse("admin:cowork_event_changelist")))
    assert "11:00 AM (Asia/Baku)" in listing
    page = _text(client.get(reverse("admin:cowork_event_change", args=[event.pk])))
    fields = _readonly_values(page)
    assert "11 a.m." in fields and "1 p.m." in fields
    assert "7 a.m." not in fields
