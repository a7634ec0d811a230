"""A desk or room a host adds stands on the floor plan at once: in the first free place,
in the live views' update of its creation and on the dashboard; equipment stays off it."""

import json

import pytest
from django.urls import reverse

from cowork.models import Resource
from cowork.services.centres.resources import resource_create
from realtime.publish import space_updates_after
from tests.factories import HostFactory, ResourceFactory, SpaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def space():
    return SpaceFactory(floor_plan_width=400, floor_plan_height=200)


@pytest.fixture
def host(space):
    return HostFactory(space=space).user


def _add(client, space, **fields):
    response = client.post(
        reverse("web:manage-resources", args=[space.slug]),
        {"form": "resource", "price_per_hour": "0", **fields},
    )
    assert response.status_code == 302, response.context["form"].errors
    return space.resources.get(name=fields["name"])


def test_a_room_added_on_the_page_takes_the_first_free_place_and_shows_live(client, space, host):
    ResourceFactory(space=space, name="Desk 01", plan_x=20, plan_y=20)  # 60 × 40
    client.force_login(host)
    room = _add(client, space, kind="room", name="Meeting room", capacity="8")
    # The first place of the plan's grid that nothing overlaps: right of the desk.
    assert (room.plan_x, room.plan_y) == (100, 20)
    # The update live views get for its creation carries where it stands.
    (update,) = space_updates_after(space_id=space.pk, seq=0)
    delta = json.loads(update["named"])
    assert delta["event"] == "resource.created"
    assert delta["resource"]["id"] == room.pk
    assert delta["resource"]["plan"] == [100, 20, room.plan_width, room.plan_height]
    # A dashboard opened now draws it.
    page = client.get(reverse("web:live-dashboard", args=[space.slug])).content.decode()
    assert f'data-resource="{room.pk}"' in page


def test_each_new_one_takes_the_next_free_place_and_equipment_none(space, host):
    first = resource_create(space=space, by=host, kind="desk", name="Desk A")
    second = resource_create(space=space, by=host, kind="desk", name="Desk B")
    laptop = resource_create(
        space=space, by=host, kind="equipment", name="Laptop", equipment_type="laptop"
    )
    assert [(r.plan_x, r.plan_y) for r in (first, second)] == [(20, 20), (100, 20)]
    assert not laptop.on_plan


def test_a_place_given_is_kept_and_a_full_plan_leaves_it_off_for_the_host_to_place(db):
    space = SpaceFactory(floor_plan_width=100, floor_plan_height=80)
    host = HostFactory(space=space).user
    given = resource_create(space=space, by=host, kind="desk", name="Desk A", plan_x=0, plan_y=0)
    assert (given.plan_x, given.plan_y) == (0, 0)
    full = resource_create(space=space, by=host, kind="desk", name="Desk B")
    assert not full.on_plan
    assert Resource.objects.filter(space=space, plan_x__isnull=True).count() == 1
