"""Use of the space, counted by hand: bookings against check-ins and no-shows, the busiest
hours, and the equipment asked for and refused."""

import datetime
import zoneinfo

import pytest

from cowork.errors import Conflict
from cowork.models import Resource
from cowork.selectors.reports.report import event_report
from cowork.services.booking import booking_create_with_equipment_counts
from tests.cowork.selectors.reports.expected import march_report
from tests.cowork.selectors.reports.network import donor
from tests.factories import MemberFactory, ResourceFactory, RoomFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def _counts(rows) -> dict:
    return {
        (row.period, row.centre, row.kind): (
            row.count.booked,
            row.count.checked_in,
            row.count.no_shows,
            row.count.no_show_percent,
        )
        for row in rows
    }


def test_bookings_are_set_against_check_ins_per_centre_kind_week_and_month(network, admin):
    use = march_report(admin).use
    # Ganja's desks in March: Desk 1 on the 3rd (checked in), Desk 2 on the 3rd (checked
    # in), Desk 1 on the 4th (never checked in: a no-show); Desk 2 on the 5th was
    # cancelled, Desk 1 in April is outside. Tashkent: Desk T on the 18th, checked in.
    # Rooms were booked only by events, which are not counted here.
    assert _counts(use.centres) == {
        (None, "Ganja Centre", "desk"): (3, 2, 1, 33.3),
        (None, "Tashkent Centre", "desk"): (1, 1, 0, 0.0),
        (None, "", "desk"): (4, 3, 1, 25.0),
    }
    march = datetime.date(2025, 3, 1)
    assert _counts(use.months) == {
        (march, "Ganja Centre", "desk"): (3, 2, 1, 33.3),
        (march, "Tashkent Centre", "desk"): (1, 1, 0, 0.0),
    }
    # Weeks by their Monday: 3 March (Ganja's three), 17 March (Tashkent's one).
    assert _counts(use.weeks) == {
        (datetime.date(2025, 3, 3), "Ganja Centre", "desk"): (3, 2, 1, 33.3),
        (datetime.date(2025, 3, 17), "Tashkent Centre", "desk"): (1, 1, 0, 0.0),
    }


def test_busiest_hours_count_bookings_checked_in_per_local_weekday_and_hour(network, admin):
    (desks,) = march_report(admin).use.busy
    assert desks.kind == "desk"
    # Monday 3 March in Ganja: Desk 1 from 09:05 to 13:00, Desk 2 from 10:00 to 11:00.
    # Tuesday 18 March in Tashkent: Desk T from 09:10 to its end at 18:00.
    assert (desks.weekdays, desks.hours) == ([0, 1], list(range(9, 18)))
    monday = [desks.counts[(0, hour)] for hour in desks.hours]
    tuesday = [desks.counts[(1, hour)] for hour in desks.hours]
    assert monday == [1, 2, 1, 1, 0, 0, 0, 0, 0]
    assert tuesday == [1] * 9
    assert desks.peak == 2


def test_a_host_sees_the_use_of_their_own_centre_and_a_donor_none(network):
    hosts = march_report(network.host_b).use
    assert {row.centre for row in hosts.centres} == {"Tashkent Centre", ""}
    assert march_report(donor(network.eu)).use is None


BAKU = zoneinfo.ZoneInfo("Asia/Baku")
MONDAY = datetime.date(2027, 3, 1)


def _at(wall: str) -> datetime.datetime:
    return datetime.datetime.combine(MONDAY, datetime.time.fromisoformat(wall), tzinfo=BAKU)


def test_equipment_most_asked_for_counts_units_booked_and_refused(admin):
    space = SpaceFactory(time_zone="Asia/Baku")
    for n in (1, 2, 3):
        ResourceFactory(
            space=space,
            name=f"Laptop {n}",
            kind=Resource.Kind.EQUIPMENT,
            equipment_type="laptop",
        )
    ResourceFactory(
        space=space, name="Projector", kind=Resource.Kind.EQUIPMENT, equipment_type="projector"
    )
    hall, studio = RoomFactory(space=space, name="Hall"), RoomFactory(space=space, name="Studio")
    member = MemberFactory().user
    window = {"starts_at": _at("14:00"), "ends_at": _at("16:00"), "now": _at("08:00")}
    booking_create_with_equipment_counts(
        room=hall,
        quantities={"laptop-laptop": 2, "projector-projector": 1},
        member=member,
        **window,
    )
    # One laptop is left: asking for 3, then for 2, is refused twice.
    for wanted in (3, 2):
        with pytest.raises(Conflict):
            booking_create_with_equipment_counts(
                room=studio, quantities={"laptop-laptop": wanted}, member=member, **window
            )
    report = event_report(
        viewer=admin, start=MONDAY, end=MONDAY, now=datetime.datetime(2027, 3, 2, tzinfo=BAKU)
    )
    demand = [
        (row.label, row.equipment_type, row.asked, row.booked, row.refused, row.refused_requests)
        for row in report.use.equipment
    ]
    assert demand == [
        ("Laptop", "laptop", 2 + 3 + 2, 2, 5, 2),
        ("Projector", "projector", 1, 1, 0, 0),
    ]
    # The hall and its equipment were booked and never checked in: three no-shows.
    assert _counts(report.use.centres)[(None, space.name, "equipment")] == (3, 0, 3, 100.0)
    assert _counts(report.use.centres)[(None, space.name, "room")] == (1, 0, 1, 100.0)
