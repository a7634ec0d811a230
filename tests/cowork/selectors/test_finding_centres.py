"""Finding a centre: the home page's search and free counts, a centre's free day, equipment
by kind."""

import datetime
import zoneinfo

import pytest

from cowork.models import BookingStatus, Resource
from cowork.selectors.equipment import equipment_groups, name_stem, natural_key
from cowork.selectors.free_today import book_now_window, free_today
from cowork.selectors.spaces import centres_found
from cowork.services.booking import booking_create
from tests.factories import (
    ClosureFactory,
    MemberFactory,
    ResourceFactory,
    RoomFactory,
    SpaceFactory,
)

pytestmark = pytest.mark.django_db

BAKU = zoneinfo.ZoneInfo("Asia/Baku")
# Monday 2027-03-01, 10:07 in Baku: the centres of SpaceFactory are open 09:00–18:00.
NOW = datetime.datetime(2027, 3, 1, 10, 7, tzinfo=BAKU)


def _at(wall: str) -> datetime.datetime:
    return datetime.datetime.combine(NOW.date(), datetime.time.fromisoformat(wall), tzinfo=BAKU)


def _book(resource, starts: str, ends: str, **kwargs):
    return booking_create(
        resource=resource,
        member=MemberFactory().user,
        starts_at=_at(starts),
        ends_at=_at(ends),
        now=_at("08:00"),
        **kwargs,
    )


def test_search_matches_every_word_of_name_or_city_in_any_script_and_case():
    SpaceFactory(
        name="Центр Краматорськ", city="Краматорськ", country="UA", time_zone="Europe/Kyiv"
    )
    SpaceFactory(name="Ganja Youth House", city="Ganja")
    SpaceFactory(name="Shaki Women's Centre", city="Shaki")
    assert [
        s.space.city for g in centres_found(now=NOW, text="краматорськ").groups for s in g.spaces
    ] == ["Краматорськ"]
    found = centres_found(now=NOW, text="GANJA youth")
    assert found.found == 1 and found.groups[0].spaces[0].space.name == "Ganja Youth House"
    assert centres_found(now=NOW, text="ganja nowhere").found == 0
    assert centres_found(now=NOW).total == 3


def test_country_and_city_filters_narrow_and_offer_the_cities_of_that_country():
    SpaceFactory(city="Ganja")
    SpaceFactory(city="Shaki")
    SpaceFactory(city="Kokand", country="UZ", time_zone="Asia/Tashkent")
    in_az = centres_found(now=NOW, country="AZ")
    assert in_az.found == 2
    assert in_az.cities == ["Ganja", "Shaki"]
    assert [code for code, _name in in_az.countries] == ["AZ", "UZ"]
    only_shaki = centres_found(now=NOW, country="AZ", city="Shaki")
    assert [s.space.city for s in only_shaki.groups[0].spaces] == ["Shaki"]
    assert centres_found(now=NOW, country="UZ", city="Shaki").found == 0


def test_free_now_counts_desks_and_rooms_in_service_not_held_now(django_assert_max_num_queries):
    space = SpaceFactory()
    desks = [ResourceFactory(space=space, name=f"Desk {n}") for n in range(1, 4)]
    ResourceFactory(space=space, name="Desk 9", out_of_service=True)
    room = RoomFactory(space=space, name="Hall")
    _book(desks[0], "10:00", "11:00")
    _book(room, "09:00", "12:00")
    _book(desks[1], "14:00", "15:00")  # later: free now
    cancelled = _book(desks[2], "10:00", "11:00")
    cancelled.status = BookingStatus.CANCELLED
    cancelled.save()
    with django_assert_max_num_queries(4):
        status = centres_found(now=NOW).groups[0].spaces[0]
    assert (status.free_desks, status.free_rooms) == (2, 0)
    evening = centres_found(now=_at("19:00")).groups[0].spaces[0]
    assert not evening.is_open and (evening.free_desks, evening.free_rooms) == (0, 0)


def test_a_desk_is_free_now_until_the_next_booking_and_again_after_it():
    space = SpaceFactory()
    desk = ResourceFactory(space=space, name="Desk 12")
    _book(desk, "12:00", "13:30")
    _book(desk, "16:00", "17:00")
    (row,) = free_today(space=space, now=NOW)
    assert row.free_now.starts_at == _at("10:00") and row.free_now.ends_at == _at("12:00")
    assert [(w.starts_at, w.ends_at) for w in row.later] == [
        (_at("13:30"), _at("16:00")),
        (_at("17:00"), _at("18:00")),
    ]


def test_a_taken_room_is_not_free_now_and_its_buffer_counts():
    space = SpaceFactory(room_buffer_minutes=15)
    room = RoomFactory(space=space, name="Hall")
    _book(room, "09:00", "11:00")
    (row,) = free_today(space=space, now=NOW)
    assert row.free_now is None
    assert row.later[0].starts_at == _at("11:15")


def test_nothing_is_free_on_a_closure_day_or_before_opening():
    space = SpaceFactory()
    desk = ResourceFactory(space=space, name="Desk 1")
    before_opening = free_today(space=space, now=_at("07:00"))[0]
    assert before_opening.free_now is None
    assert before_opening.later[0].starts_at == _at("09:00")
    ClosureFactory(space=space, starts_on=NOW.date(), ends_on=NOW.date())
    space.refresh_from_db()
    closed = free_today(space=space, now=NOW, resources=[desk])[0]
    assert closed.free_now is None and closed.later == ()


def test_book_now_runs_from_the_current_slot_to_the_window_end_on_the_grid_capped():
    space = SpaceFactory(max_booking_minutes=120)
    desk = ResourceFactory(space=space, name="Desk 1")
    capped = book_now_window(resource=desk, now=NOW)
    assert (capped.starts_at, capped.ends_at) == (_at("10:00"), _at("12:00"))
    other = ResourceFactory(space=space, name="Desk 2")
    _book(other, "11:00", "12:00")
    until_next = book_now_window(resource=other, now=NOW)
    assert until_next.ends_at == _at("11:00")
    _book(other, "10:00", "11:00")
    assert book_now_window(resource=other, now=NOW) is None


def test_equipment_groups_by_name_stem_and_type_in_natural_order():
    space = SpaceFactory()
    names = ["Laptop 10", "Laptop 2", "Laptop 1", "Projector", "Camera #2", "Camera #1"]
    types = {"Laptop": "laptop", "Projector": "projector", "Camera": "camera"}
    items = [
        ResourceFactory(
            space=space,
            name=name,
            kind=Resource.Kind.EQUIPMENT,
            equipment_type=types[name_stem(name)],
        )
        for name in names
    ]
    groups = equipment_groups(items)
    assert [(g.label, len(g.units)) for g in groups] == [
        ("Camera", 2),
        ("Laptop", 3),
        ("Projector", 1),
    ]
    assert [u.name for u in groups[1].units] == ["Laptop 1", "Laptop 2", "Laptop 10"]
    assert groups[1].key == "laptop-laptop"
    assert sorted(["Desk 10", "Desk 9", "desk 1"], key=natural_key) == [
        "desk 1",
        "Desk 9",
        "Desk 10",
    ]
