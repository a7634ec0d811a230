"""Centres, their resources, and which resources are free."""

import datetime

import pytest

from cowork.models import Closure, Resource
from tests.cowork.api.conftest import at, booked, iso
from tests.factories import ResourceFactory, RoomFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def test_spaces_lists_active_centres_with_hours_and_no_phone(api_as, member, space, other_space):
    space.contact_phone = "+994122223344"
    space.save()
    SpaceFactory(name="Closed for good", is_active=False)
    response = api_as(member).get("/spaces")
    assert response.status_code == 200
    names = [item["name"] for item in response.json()]
    assert sorted(names) == ["Ganja Youth Centre", "Kyiv Hub"]
    ganja = next(item for item in response.json() if item["id"] == space.pk)
    assert ganja["time_zone"] == "Asia/Baku"
    assert ganja["organization"] == {"id": space.organization_id, "name": space.organization.name}
    assert ganja["opening_hours"][0] == {"weekday": 0, "opens": "09:00:00", "closes": "18:00:00"}
    assert len(ganja["opening_hours"]) == 5
    assert "2223344" not in response.content.decode()


def test_spaces_filter_by_country(api_as, member, space, other_space):
    response = api_as(member).get("/spaces", {"country": "UA"})
    assert [item["id"] for item in response.json()] == [other_space.pk]


def test_space_detail_lists_upcoming_closures(api_as, member, space):
    today = datetime.date.today()
    Closure.objects.create(
        space=space,
        starts_on=today + datetime.timedelta(days=3),
        ends_on=today + datetime.timedelta(days=4),
        reason="Novruz",
    )
    Closure.objects.create(
        space=space,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today - datetime.timedelta(days=29),
        reason="Long past",
    )
    response = api_as(member).get(f"/spaces/{space.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Ganja Youth Centre"
    assert [closure["reason"] for closure in body["closures"]] == ["Novruz"]
    assert body["booking_grid_minutes"] == 15


def test_inactive_or_unknown_space_is_404(api_as, member):
    hidden = SpaceFactory(is_active=False)
    for space_id in (hidden.pk, 999999):
        response = api_as(member).get(f"/spaces/{space_id}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_resources_of_a_space_filter_by_kind_access_equipment_and_capacity(api_as, member, space):
    desk = ResourceFactory(space=space, name="Desk 01")
    small = RoomFactory(space=space, name="Small room", capacity=6, equipment=["whiteboard"])
    hall = RoomFactory(
        space=space,
        name="Hall",
        capacity=40,
        accessible=True,
        equipment=["projector", "sound_system"],
    )
    laptop = ResourceFactory(
        space=space, name="Laptop 1", kind=Resource.Kind.EQUIPMENT, equipment_type="laptop"
    )
    api = api_as(member)

    def ids(**params):
        response = api.get(f"/spaces/{space.pk}/resources", params)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()]

    assert set(ids()) == {desk.pk, small.pk, hall.pk, laptop.pk}
    assert set(ids(kind="room")) == {small.pk, hall.pk}
    assert ids(accessible="true") == [hall.pk]
    assert ids(equipment=["projector", "sound_system"]) == [hall.pk]
    assert ids(equipment="laptop") == [laptop.pk]
    assert ids(min_capacity=10) == [hall.pk]


def test_resources_refuse_an_unknown_equipment_code(api_as, member, space):
    response = api_as(member).get(f"/spaces/{space.pk}/resources", {"equipment": "jetpack"})
    assert response.status_code == 422
    assert response.json()["error"]["details"]["fields"][0]["loc"] == ["query", "equipment", 0]


def test_availability_of_a_space_leaves_out_held_and_broken_resources(
    api_as, member, other_member, space, monday
):
    held = ResourceFactory(space=space, name="Desk 01")
    free = ResourceFactory(space=space, name="Desk 02")
    ResourceFactory(space=space, name="Desk 03", out_of_service=True, out_of_service_reason="x")
    booked(held, other_member, monday, "10:00", "12:00")
    response = api_as(member).get(
        "/availability",
        {
            "space": space.pk,
            "starts_at": iso(at(space, monday, "11:00")),
            "ends_at": iso(at(space, monday, "13:00")),
        },
    )
    assert response.status_code == 200
    assert [item["id"] for item in response.json()] == [free.pk]
    assert response.json()[0]["space"] == {
        "id": space.pk,
        "name": space.name,
        "time_zone": "Asia/Baku",
    }


def test_availability_across_the_network(api_as, member, space, other_space, monday):
    here = RoomFactory(space=space, capacity=30)
    there = RoomFactory(space=other_space, capacity=30)
    RoomFactory(space=other_space, capacity=4)
    response = api_as(member).get(
        "/availability",
        {
            "starts_at": iso(at(space, monday, "10:00")),
            "ends_at": iso(at(space, monday, "11:00")),
            "kind": "room",
            "min_capacity": 20,
        },
    )
    assert response.status_code == 200
    assert {item["id"] for item in response.json()} == {here.pk, there.pk}


def test_availability_window_must_end_after_it_starts(api_as, member, space, monday):
    response = api_as(member).get(
        "/availability",
        {
            "starts_at": iso(at(space, monday, "11:00")),
            "ends_at": iso(at(space, monday, "10:00")),
        },
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "end_not_after_start"
