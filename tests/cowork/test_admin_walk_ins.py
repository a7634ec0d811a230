"""Walk-ins in the admin: a host corrects what a visitor of their own centre told, and
never reaches another centre's walk-ins nor changes when or where a visit was."""

import datetime

import pytest
from django.urls import reverse

from cowork.models import WalkIn
from cowork.services.visits import walk_in_record
from tests.cowork.admin_forms import change_page_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def taps(demo):
    def tap(space, host, key):
        return walk_in_record(space=space, source="live", client_key=key, logged_by=host).visit

    return tap(demo.kramatorsk, demo.host, "k-tap"), tap(demo.ganja, demo.ganja_host, "g-tap")


def _change_url(visit):
    return reverse("admin:cowork_walkin_change", args=[visit.pk])


def test_kramatorsk_host_lists_only_kramatorsk_walk_ins(client, demo, taps):
    kramatorsk, _ganja = taps
    client.force_login(demo.host)
    page = client.get(reverse("admin:cowork_walkin_changelist"))
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [kramatorsk]
    # The centre filter names only the centres listed.
    assert demo.ganja.name not in page.content.decode()


def test_kramatorsk_host_can_neither_open_nor_change_ganjas_walk_in(client, demo, taps):
    _kramatorsk, ganja = taps
    client.force_login(demo.ganja_host)
    data = change_page_data(client.get(_change_url(ganja)))
    data["gender"] = "male"
    client.force_login(demo.host)
    assert client.get(_change_url(ganja)).status_code == 302  # as if missing
    response = client.post(_change_url(ganja), data)
    assert response.status_code == 302
    ganja.refresh_from_db()
    assert ganja.gender == ""


def test_a_host_corrects_the_answers_but_not_when_or_where(client, demo, taps):
    kramatorsk, _ganja = taps
    client.force_login(demo.host)
    data = change_page_data(client.get(_change_url(kramatorsk)))
    assert "visited_at_0" not in data and "space" not in data
    recorded = (kramatorsk.visited_at, kramatorsk.day, kramatorsk.space_id)
    earlier = kramatorsk.visited_at - datetime.timedelta(days=3)
    data.update(
        gender="female",
        age_band="25-34",
        space=str(demo.ganja.pk),
        visited_at_0=f"{earlier:%Y-%m-%d}",
        visited_at_1="10:00",
    )
    response = client.post(_change_url(kramatorsk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    kramatorsk.refresh_from_db()
    assert (kramatorsk.gender, kramatorsk.age_band) == ("female", "25-34")
    assert (kramatorsk.visited_at, kramatorsk.day, kramatorsk.space_id) == recorded
    assert WalkIn.objects.count() == 2
