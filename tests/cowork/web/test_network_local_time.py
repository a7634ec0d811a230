"""The network view tells a network admin each centre's wall clock and whether it is open."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cowork.models import OpeningHours
from tests.factories import SpaceFactory, network_admin, open_around_the_clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def centres():
    open_centre = SpaceFactory(name="Open centre", country="UZ", city="Kokand")
    open_around_the_clock(open_centre)
    closed_centre = SpaceFactory(name="Closed centre", country="UA", time_zone="Europe/Kyiv")
    OpeningHours.objects.filter(space=closed_centre).delete()
    return open_centre, closed_centre


def _card(html: str, space) -> str:
    start = html.index(f'data-centre="{space.pk}"')
    return html[start : html.index("</li>", start)]


def test_each_centre_shows_its_local_time_and_whether_it_is_open_now(client, centres):
    open_centre, closed_centre = centres
    client.force_login(network_admin())
    html = client.get(reverse("web:network-live")).content.decode()
    now = timezone.now()
    for space, word in ((open_centre, "Open now"), (closed_centre, "Closed")):
        card = _card(html, space)
        assert f'data-zone-clock="{space.time_zone}"' in card
        shown = re.search(r'data-zone-clock="[^"]+" datetime="[^"]+">(\d\d:\d\d)<', card)[1]
        local = now.astimezone(space.zone)
        # Rendered within the last minute or so, whatever the server's zone (UTC).
        moments = {(local - datetime.timedelta(minutes=m)).strftime("%H:%M") for m in (0, 1)}
        assert shown in moments
        assert word in card
    assert "Open now" not in _card(html, closed_centre)


def test_the_network_view_says_it_in_ukrainian_too(client, centres):
    open_centre, closed_centre = centres
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"
    client.force_login(network_admin())
    html = client.get(reverse("web:network-live")).content.decode()
    assert "Зараз відчинено" in _card(html, open_centre)
    assert "Зачинено" in _card(html, closed_centre)
    assert "Open now" not in html
