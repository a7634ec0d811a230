"""The figures of a report: counted from the hand-built network, and in a fixed number of queries.

The network is described in `network.py`."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cowork.models import BookingStatus, Event, EventSessionRoom
from cowork.selectors.reports.report import event_report
from cowork.services.booking import booking_create, event_room_check_in
from tests.cowork.selectors.reports.expected import GANJA, TASHKENT, TOTAL, figures_of, march_report
from tests.cowork.selectors.reports.network import (
    MARCH,
    REPORT_NOW,
    UTC,
    attend,
    make_event,
    register,
)
from tests.factories import HostFactory, RoomFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def test_network_admin_sees_every_centre_with_hand_computed_figures(network, admin):
    report = march_report(admin)
    assert [row.name for row in report.centres] == ["Ganja Centre", "Tashkent Centre"]
    ganja, tashkent = report.centres
    assert figures_of(ganja.figures) == GANJA
    assert figures_of(tashkent.figures) == TASHKENT
    assert figures_of(report.total) == TOTAL


def test_monthly_series_counts_events_by_first_session_and_attendances_by_session(network, admin):
    report = event_report(
        viewer=admin,
        start=datetime.date(2025, 2, 1),
        end=datetime.date(2025, 4, 30),
        now=datetime.datetime(2025, 5, 1, tzinfo=UTC),
    )
    assert [(m.month.isoformat(), m.events, m.attendances) for m in report.months] == [
        ("2025-02-01", 0, 0),
        ("2025-03-01", 4, 24),
        ("2025-04-01", 1, 1),
    ]
    assert [m.label for m in report.months] == ["Feb 2025", "Mar 2025", "Apr 2025"]


def test_daily_visits_count_check_ins_per_local_day(network, admin):
    report = march_report(admin)
    assert len(report.daily_visits) == 31
    assert {d.day.isoformat(): d.visits for d in report.daily_visits if d.visits} == {
        "2025-03-03": 2,
        "2025-03-18": 1,
    }


def test_heat_map_gives_the_share_of_open_time_booked_per_weekday_and_hour(network, admin):
    rooms, desks = march_report(admin).heat_maps
    assert (rooms.kind, desks.kind) == ("room", "desk")
    assert rooms.weekdays == desks.weekdays == [0, 1, 2, 3, 4]
    assert rooms.hours == desks.hours == list(range(9, 18))
    # Wednesdays 10–11: E1 booked the Hall 60 minutes of 4 Wednesdays × 2 rooms × 60.
    assert rooms.percent[(2, 10)] == 12.5
    # Thursdays 14–15: E2's second session, 60 of (3 open Thursdays at Ganja + 4) × 60.
    assert rooms.percent[(3, 14)] == round(100 * 60 / 420, 1)
    # Mondays: 5 at each centre, 3 desks: 900 open desk-minutes per hour.
    assert desks.percent[(0, 9)] == round(100 * 60 / 900, 1)
    assert desks.percent[(0, 10)] == round(100 * 120 / 900, 1)
    assert desks.percent[(0, 11)] == round(100 * 60 / 900, 1)  # Desk 2 checked out at 11
    # Tuesdays 14–15: Desk 1 at Ganja and Desk T at Tashkent, of 4 × 3 × 60.
    assert desks.percent[(1, 14)] == round(100 * 120 / 720, 1)
    assert desks.percent[(4, 16)] == 0.0


def test_filters_by_centre_country_kind_and_tag(network, admin):
    by_centre = march_report(admin, space_ids=[network.ganja.pk])
    assert [row.name for row in by_centre.centres] == ["Ganja Centre"]
    assert figures_of(by_centre.total) == GANJA

    by_country = march_report(admin, countries=["UZ"])
    assert figures_of(by_country.total) == TASHKENT

    # Filtering by kind or tag narrows the centres to those where such events happened.
    seminars = march_report(admin, kinds=[Event.Kind.SEMINAR])
    assert [row.name for row in seminars.centres] == ["Tashkent Centre"]
    assert [row.title for row in seminars.events] == ["Open data seminar"]

    youth = march_report(admin, tag_ids=[network.youth.pk])
    assert [row.title for row in youth.events] == ["Digital skills"]
    assert [row.name for row in youth.centres] == ["Ganja Centre"]


def test_a_session_counts_on_its_centres_local_date_not_on_its_utc_date(admin):
    # Kamchatka is 12 hours ahead of UTC: 10:00 on 1 April there is 22:00 on 31 March UTC.
    space = SpaceFactory(city="Petropavlovsk", time_zone="Asia/Kamchatka", weekday_hours=False)
    for weekday in range(7):
        space.opening_hours.create(
            weekday=weekday, opens=datetime.time(9), closes=datetime.time(18)
        )
    host = HostFactory(space=space).user
    room = RoomFactory(space=space)
    april_first = make_event(
        space, room, host, "April talk", Event.Kind.SEMINAR, [("2025-04-01", "10:00", "11:00")]
    )
    assert april_first.starts_at.astimezone(UTC).date() == datetime.date(2025, 3, 31)
    make_event(
        space, room, host, "March talk", Event.Kind.SEMINAR, [("2025-03-01", "10:00", "11:00")]
    )
    march = march_report(admin)
    assert [row.title for row in march.events] == ["March talk"]
    # Every day of March is open; the room is booked one hour of 31 × 9.
    assert figures_of(march.total)["room_hours"] == (1, 31 * 9)
    april = event_report(
        viewer=admin, start=datetime.date(2025, 4, 1), end=datetime.date(2025, 4, 1)
    )
    assert [row.title for row in april.events] == ["April talk"]


def test_the_number_of_queries_does_not_grow_with_events_or_bookings(network, admin):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            march_report(admin)
        # The bookings are read once for the use of desks and rooms, the visits, the
        # walk-ins and the use of the space; the rental income is the other read of them.
        reads = [q for q in queries if q["sql"].startswith('SELECT "cowork_booking"')]
        assert len(reads) == 2
        return len(queries)

    before = count()
    host = network.host_a
    hall = network.ganja.resources.get(name="Hall")
    for day in ("2025-03-10", "2025-03-11", "2025-03-13"):
        event = make_event(network.ganja, hall, host, f"Extra {day}", Event.Kind.TRAINING,
                           [(day, "15:00", "16:00")])  # fmt: skip
        for n in (1, 2, 3):
            attend(event.sessions.get(), register(event, n), host)
    assert count() == before
    # The events, people and sentences; the centres' bookings in one; the resources, the
    # walk-ins and the equipment refused in one each.
    assert before <= 14


def test_an_events_room_put_in_use_is_not_a_visit(network, admin):
    hall = network.ganja.resources.get(name="Hall")
    event = make_event(
        network.ganja, hall, network.host_a, "Extra", Event.Kind.TRAINING,
        [("2025-03-18", "15:00", "16:00")],
    )  # fmt: skip
    session = event.sessions.get()
    assert event_room_check_in(booking=session.booking, now=session.starts_at)
    session.booking.refresh_from_db()
    assert session.booking.status == BookingStatus.CHECKED_IN
    report = march_report(admin)
    assert {d.day.isoformat(): d.visits for d in report.daily_visits if d.visits} == {
        "2025-03-03": 2,
        "2025-03-18": 1,
    }


def test_an_events_further_room_put_in_use_is_not_a_visit_either(network, admin):
    hall = network.ganja.resources.get(name="Hall")
    annex = RoomFactory(space=network.ganja, name="Annex", capacity=10)
    event = make_event(
        network.ganja, hall, network.host_a, "Extra", Event.Kind.TRAINING,
        [("2025-03-18", "15:00", "16:00")],
    )  # fmt: skip
    session = event.sessions.get()
    further = EventSessionRoom.objects.create(
        session=session,
        booking=booking_create(
            resource=annex,
            member=network.host_a,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            now=session.starts_at - datetime.timedelta(days=7),
        ),
    ).booking
    for booking in (session.booking, further):
        assert event_room_check_in(booking=booking, now=session.starts_at)
    assert further.event_session_room.session == session
    report = march_report(admin)
    assert {d.day.isoformat(): d.visits for d in report.daily_visits if d.visits} == {
        "2025-03-03": 2,
        "2025-03-18": 1,
    }


def test_an_event_is_held_once_its_first_session_has_begun(network, admin):
    """E6, the Youth forum of 31 March 10:00–12:00 in Ganja (UTC+4), is listed with its
    registrations but counts as held only from 06:00 UTC that day."""

    def held(now):
        report = event_report(viewer=admin, now=now, **MARCH)
        (march,) = report.months
        ganja = report.centres[0].figures
        return report.total.events_held, ganja.events_held, march.events

    assert held(REPORT_NOW) == (3, 2, 3)
    assert held(datetime.datetime(2025, 3, 31, 5, 59, tzinfo=UTC)) == (3, 2, 3)
    assert held(datetime.datetime(2025, 3, 31, 6, 0, tzinfo=UTC)) == (4, 3, 4)
    report = event_report(viewer=admin, now=REPORT_NOW, **MARCH)
    assert "Youth forum" in [row.title for row in report.events]
    assert report.total.registrations == 30  # E6's 3 registrations count
