"""The reports selector against a network built by hand, every figure computed by hand.

March 2025, two centres, both open Monday to Friday 09:00–18:00 local time:

Ganja (Asia/Baku): Hall (room), Desk 1, Desk 2; closed 20–21 March (Novruz), so open on
  19 of March's 21 weekdays: 171 open hours per resource.
Tashkent (Asia/Tashkent): Studio (room), Desk T; open 21 days: 189 open hours per resource.

Events (tags: EU is a donor, Youth a project):
  E1 Ganja, Wed 12 March 10–12, EU. 14 registered; P14 cancelled, so 10 confirmed (P1–P10,
     the capacity), P13 waitlisted; P11 and P12 walked in. Came: P1–P8, P11, P12.
     → 13 registrations, 12 confirmed, 2 no-shows (P9, P10), 10 attendances.
  E2 Ganja, Tue 4 and Thu 6 March 14–16, Youth. P1, P15–P19 registered (6 confirmed).
     Session 1: P1, P15, P16, P17; session 2: P15, P16, P18. → 7 attendances, 5 people,
     1 no-show (P19).
  E3 Tashkent, Tue 18 March 10–13, EU. P20–P25 registered, P20–P24 came, P26 and P27
     walked in. → 8 registrations, 8 confirmed, 1 no-show (P25), 7 attendances.
  E4 Ganja, 26 March, cancelled (P28, P29 had registered): counts only as cancelled.
  E5 Tashkent, 2 April: outside the period (P30 came).
  E6 Ganja, Mon 31 March 10–12: after the report's `now` (28 March), 3 registered.

Attendees in March: 21 people, 16 with consent:
  gender      female 10, male 5, other 1, undisclosed 0, not given 5
  age band    18–24 6, 25–34 7, 35–44 3, not given 5 (others 0)
  disability  yes 2, no 12, undisclosed 2, not given 5

Desk bookings: Ganja, Mon 3 March, Desk 1 09–13 checked in and out at 13:00 (4 h), Desk 2
10–12 checked in at 10:00 and out at 11:00 (1 h); Desk 1 Tue 4 March 14–18 confirmed (4 h);
Desk 2 Wed 5 March cancelled; Desk 1 in April. Tashkent, Desk T Tue 18 March 09–18 checked
in (9 h), and one check-in in April. Rooms are booked by the event sessions.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cowork.errors import NotAllowed
from cowork.models import Closure, DonorAccess, Event, Tag
from cowork.selectors.reports.report import event_report
from cowork.selectors.reports.scope import report_choices
from cowork.selectors.reports.sentences import event_sentence, event_sentences
from cowork.selectors.reports.suppression import suppress_row
from cowork.services.booking import (
    booking_cancel,
    booking_check_in,
    booking_check_out,
    booking_create,
)
from cowork.services.events import (
    Demographics,
    attendance_mark,
    event_cancel,
    event_create,
    registration_cancel,
    registration_create,
    walk_in_add,
)
from tests.factories import (
    HostFactory,
    MemberFactory,
    OrganizationFactory,
    ResourceFactory,
    RoomFactory,
    SpaceFactory,
    UserFactory,
    network_admin,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
MARCH = {"start": datetime.date(2025, 3, 1), "end": datetime.date(2025, 3, 31)}
# When the fixture's services run: before everything in it, within bookable days ahead.
BEFORE = datetime.datetime(2025, 2, 20, 6, 0, tzinfo=UTC)
REPORT_NOW = datetime.datetime(2025, 3, 28, 12, 0, tzinfo=UTC)

# Who is who: consented answers (gender, age band, disability), or None for no consent.
PEOPLE = {
    1: ("female", "18-24", "no"),
    2: ("female", "18-24", "no"),
    3: ("female", "18-24", "yes"),
    4: ("female", "25-34", "no"),
    5: ("female", "25-34", "no"),
    6: ("female", "25-34", "no"),
    7: ("male", "25-34", "no"),
    8: ("male", "35-44", "undisclosed"),
    9: ("male", "45-54", "no"),
    10: None,
    11: None,
    12: None,
    13: ("female", "18-24", "no"),
    14: ("female", "65+", "yes"),
    15: ("female", "18-24", "no"),
    16: ("female", "18-24", "no"),
    17: ("other", "18-24", "undisclosed"),
    18: None,
    19: ("male", "25-34", "no"),
    20: ("female", "25-34", "no"),
    21: ("female", "25-34", "no"),
    22: ("male", "25-34", "yes"),
    23: ("male", "35-44", "no"),
    24: ("male", "35-44", "no"),
    25: ("other", "65+", "yes"),
    26: None,
    27: None,
    28: ("female", "u18", "yes"),
    29: ("other", "u18", "yes"),
    30: ("other", "65+", "yes"),
    31: None,
    32: None,
    33: None,
}


def name_of(n: int) -> str:
    return f"Participant Surname{n:02d}"


def phone_of(n: int) -> str:
    return f"+99450{7000000 + n}"


def address_of(n: int) -> str:
    """Where person n registers from: their own phone's network."""
    return f"10.0.{n // 256}.{n % 256}"


def local(space, day: str, wall: str) -> datetime.datetime:
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time.fromisoformat(wall), tzinfo=space.zone
    )


def demographics(n: int) -> Demographics:
    answers = PEOPLE[n]
    if answers is None:
        return Demographics()
    gender, age_band, disability = answers
    return Demographics(gender=gender, age_band=age_band, disability=disability, consent=True)


def register(event, n: int):
    registration, _key = registration_create(
        event=event,
        name=name_of(n),
        phone=phone_of(n),
        demographics=demographics(n),
        ip=address_of(n),
        now=BEFORE,
    )
    return registration


def attend(session, registration, host):
    attendance_mark(session=session, participant=registration.participant, host=host)


def walk_in(session, n: int, host):
    walk_in_add(
        session=session, name=name_of(n), phone=phone_of(n), host=host, demographics=demographics(n)
    )


def make_event(space, room, host, title, kind, sessions, *, tags=(), capacity=20):
    return event_create(
        space=space,
        room=room,
        host=host,
        kind=kind,
        title=title,
        sessions=[(local(space, day, a), local(space, day, b)) for day, a, b in sessions],
        capacity=capacity,
        tags=list(tags),
        organizer_name="Organizer Person",
        organizer_phone="+994501234567",
        now=BEFORE,
    )


def desk_visit(desk, member, day, start, end, *, checked_in=None, checked_out=None):
    space = desk.space
    booking = booking_create(
        resource=desk,
        member=member,
        starts_at=local(space, day, start),
        ends_at=local(space, day, end),
        now=BEFORE,
    )
    if checked_in:
        booking = booking_check_in(
            booking=booking, acting_user=member, now=local(space, day, checked_in)
        )
    if checked_out:
        booking = booking_check_out(
            booking=booking, acting_user=member, now=local(space, day, checked_out)
        )
    return booking


def build_network() -> SimpleNamespace:
    """The network of this module's docstring; every row made through the services."""
    ganja = SpaceFactory(name="Ganja Centre", city="Ganja", country="AZ", time_zone="Asia/Baku")
    tashkent = SpaceFactory(
        organization=OrganizationFactory(country="UZ"),
        name="Tashkent Centre",
        city="Tashkent",
        country="UZ",
        time_zone="Asia/Tashkent",
        languages=["uz", "ru"],
        # The people of these reports have Azerbaijani phones wherever they register.
        phone_countries=["UZ", "AZ"],
    )
    Closure.objects.create(
        space=ganja,
        starts_on=datetime.date(2025, 3, 20),
        ends_on=datetime.date(2025, 3, 21),
        reason="Novruz",
    )
    hall = RoomFactory(space=ganja, name="Hall", capacity=30)
    desk_1 = ResourceFactory(space=ganja, name="Desk 1")
    desk_2 = ResourceFactory(space=ganja, name="Desk 2")
    studio = RoomFactory(space=tashkent, name="Studio", capacity=20)
    desk_t = ResourceFactory(space=tashkent, name="Desk T")
    host_a = HostFactory(space=ganja).user
    host_b = HostFactory(space=tashkent).user
    eu = Tag.objects.create(kind=Tag.Kind.DONOR, name="EU")
    youth = Tag.objects.create(kind=Tag.Kind.PROJECT, name="Youth")

    e1 = make_event(
        ganja,
        hall,
        host_a,
        "Round-table on e-government",
        Event.Kind.ROUND_TABLE,
        [("2025-03-12", "10:00", "12:00")],
        tags=[eu],
        capacity=10,
    )
    cancelled = register(e1, 14)
    registration_cancel(registration=cancelled, acting_user=host_a, now=BEFORE)
    e1_regs = {n: register(e1, n) for n in [*range(1, 11), 13]}
    assert e1_regs[13].status == "waitlisted"
    (e1_session,) = e1.sessions.all()
    for n in range(1, 9):
        attend(e1_session, e1_regs[n], host_a)
    walk_in(e1_session, 11, host_a)
    walk_in(e1_session, 12, host_a)

    e2 = make_event(
        ganja,
        hall,
        host_a,
        "Digital skills",
        Event.Kind.TRAINING,
        [("2025-03-04", "14:00", "16:00"), ("2025-03-06", "14:00", "16:00")],
        tags=[youth],
    )
    e2_regs = {n: register(e2, n) for n in [1, 15, 16, 17, 18, 19]}
    first, second = e2.sessions.order_by("starts_at")
    for n in (1, 15, 16, 17):
        attend(first, e2_regs[n], host_a)
    for n in (15, 16, 18):
        attend(second, e2_regs[n], host_a)

    e3 = make_event(
        tashkent,
        studio,
        host_b,
        "Open data seminar",
        Event.Kind.SEMINAR,
        [("2025-03-18", "10:00", "13:00")],
        tags=[eu],
    )
    e3_regs = {n: register(e3, n) for n in range(20, 26)}
    (e3_session,) = e3.sessions.all()
    for n in range(20, 25):
        attend(e3_session, e3_regs[n], host_b)
    walk_in(e3_session, 26, host_b)
    walk_in(e3_session, 27, host_b)

    e4 = make_event(
        ganja, hall, host_a, "Cancelled forum", Event.Kind.FORUM, [("2025-03-26", "10:00", "12:00")]
    )
    register(e4, 28)
    register(e4, 29)
    event_cancel(event=e4, host=host_a, reason="The speaker fell ill")

    e5 = make_event(
        tashkent,
        studio,
        host_b,
        "April seminar",
        Event.Kind.SEMINAR,
        [("2025-04-02", "10:00", "12:00")],
        tags=[eu],
    )
    attend(e5.sessions.get(), register(e5, 30), host_b)

    e6 = make_event(
        ganja, hall, host_a, "Youth forum", Event.Kind.FORUM, [("2025-03-31", "10:00", "12:00")]
    )
    for n in (31, 32, 33):
        register(e6, n)

    member = MemberFactory().user
    desk_visit(
        desk_1, member, "2025-03-03", "09:00", "13:00", checked_in="09:05", checked_out="13:00"
    )
    desk_visit(
        desk_2, member, "2025-03-03", "10:00", "12:00", checked_in="10:00", checked_out="11:00"
    )
    desk_visit(desk_1, member, "2025-03-04", "14:00", "18:00")
    gone = desk_visit(desk_2, member, "2025-03-05", "09:00", "11:00")
    booking_cancel(booking=gone, acting_user=member, now=BEFORE)
    desk_visit(desk_1, member, "2025-04-01", "09:00", "10:00")
    desk_visit(desk_t, member, "2025-03-18", "09:00", "18:00", checked_in="09:10")
    desk_visit(desk_t, member, "2025-04-01", "09:00", "10:00", checked_in="09:00")

    return SimpleNamespace(
        ganja=ganja,
        tashkent=tashkent,
        host_a=host_a,
        host_b=host_b,
        eu=eu,
        youth=youth,
        member=member,
        events={"e1": e1, "e2": e2, "e3": e3, "e4": e4, "e5": e5, "e6": e6},
    )


@pytest.fixture
def network():
    return build_network()


@pytest.fixture
def admin():
    return network_admin()


def donor(*tags):
    user = UserFactory()
    for tag in tags:
        DonorAccess.objects.create(user=user, tag=tag)
    return user


def march_report(viewer, **filters):
    return event_report(viewer=viewer, now=REPORT_NOW, **MARCH, **filters)


def figures_of(figures) -> dict:
    return {
        "events_held": figures.events_held,
        "events_cancelled": figures.events_cancelled,
        "registrations": figures.registrations,
        "attendances": figures.attendances,
        "unique_participants": figures.unique_participants,
        "no_shows": figures.no_shows,
        "no_show_base": figures.no_show_base,
        "no_show_percent": figures.no_show_percent,
        "desk_hours": _hours(figures.desks),
        "desk_percent": figures.desks and figures.desks.percent,
        "room_hours": _hours(figures.rooms),
        "room_percent": figures.rooms and figures.rooms.percent,
        "visits": figures.visits,
        "open_days": figures.open_days,
    }


def _hours(utilization):
    if utilization is None:
        return None
    return (round(utilization.booked_hours, 2), round(utilization.open_hours, 2))


USE = ("desk_hours", "desk_percent", "room_hours", "room_percent", "visits", "open_days")
# What a donor sees of a centre or of the total: no desk, room or visit figure at all.
NO_USE = dict.fromkeys(USE)


GANJA = {
    "events_held": 3,
    "events_cancelled": 1,
    "registrations": 13 + 6 + 3,
    "attendances": 10 + 7,
    "unique_participants": 14,
    "no_shows": 3,
    "no_show_base": 12 + 6,
    "no_show_percent": 16.7,
    "desk_hours": (4 + 1 + 4, 2 * 19 * 9),
    "desk_percent": 2.6,
    "room_hours": (2 + 4 + 2, 19 * 9),
    "room_percent": 4.7,
    "visits": 2,
    "open_days": 19,
}
TASHKENT = {
    "events_held": 1,
    "events_cancelled": 0,
    "registrations": 8,
    "attendances": 7,
    "unique_participants": 7,
    "no_shows": 1,
    "no_show_base": 8,
    "no_show_percent": 12.5,
    "desk_hours": (9, 21 * 9),
    "desk_percent": 4.8,
    "room_hours": (3, 21 * 9),
    "room_percent": 1.6,
    "visits": 1,
    "open_days": 21,
}
TOTAL = {
    "events_held": 4,
    "events_cancelled": 1,
    "registrations": 30,
    "attendances": 24,
    "unique_participants": 21,
    "no_shows": 4,
    "no_show_base": 26,
    "no_show_percent": 15.4,
    "desk_hours": (18, 342 + 189),
    "desk_percent": 3.4,
    "room_hours": (11, 171 + 189),
    "room_percent": 3.1,
    "visits": 3,
    "open_days": 21,
}


def shown(breakdown) -> dict[str, str]:
    return {code: cell.shown for code, _label, cell in breakdown.rows}


# --- The figures ------------------------------------------------------------------------


def test_network_admin_sees_every_centre_with_hand_computed_figures(network, admin):
    report = march_report(admin)
    assert [row.name for row in report.centres] == ["Ganja Centre", "Tashkent Centre"]
    ganja, tashkent = report.centres
    assert figures_of(ganja.figures) == GANJA
    assert figures_of(tashkent.figures) == TASHKENT
    assert figures_of(report.total) == TOTAL


def test_attendees_are_broken_down_with_small_counts_hidden(network, admin):
    gender, age_band, disability = march_report(admin).breakdowns
    assert [b.dimension for b in (gender, age_band, disability)] == [
        "gender",
        "age_band",
        "disability",
    ]
    assert {b.total for b in (gender, age_band, disability)} == {21}
    # Other (1) is the only small cell: male (5, the next smallest) is hidden with it, and
    # since "<5" + "x" = 6 could only be 1 + 5, not given (5) as well.
    assert shown(gender) == {
        "female": "10",
        "male": "x",
        "other": "<5",
        "undisclosed": "0",
        "not_given": "x",
    }
    # 35–44 (3) alone is small: the next smallest, not given (5), is hidden with it.
    assert shown(age_band) == {
        "u18": "0",
        "18-24": "6",
        "25-34": "7",
        "35-44": "<5",
        "45-54": "0",
        "55-64": "0",
        "65+": "0",
        "undisclosed": "0",
        "not_given": "x",
    }
    # Two small cells (2 and 2) would hide each other (4 could be 1 + 3, 2 + 2 or 3 + 1),
    # but not given (5) must go too: the same five people are "not given" above, and with
    # five not given there, female 10 and 21 in all, male and other could only be 5 and 1.
    assert shown(disability) == {"yes": "<5", "no": "12", "undisclosed": "<5", "not_given": "x"}
    # Only people who came in March count: u18 (P28, P29 registered for the cancelled
    # event) and 65+ (P14 cancelled, P25 stayed away, P30 came in April) stay empty; and
    # the five without consent are "not given", never guessed.
    assert age_band.cells[0].shown == "0" and age_band.cells[6].shown == "0"
    # A hidden count never reaches the report object at all.
    assert all(cell.value is None for b in (gender, age_band) for cell in b.cells if cell.hidden)


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


def test_events_and_sentences_name_no_person_and_hide_small_gender_splits(network, admin):
    report = march_report(admin)
    assert [
        (row.title, row.registrations, row.attendances, row.participants, row.happened)
        for row in report.events
    ] == [
        ("Digital skills", 6, 7, 5, True),
        ("Round-table on e-government", 13, 10, 10, True),
        ("Open data seminar", 8, 7, 7, True),
        ("Youth forum", 3, 0, 0, False),
    ]
    # E1: 2 men, 6 women, 2 others — the two small cells hide each other.
    assert [cell.shown for cell in report.events[1].gender_split] == ["<5", "6", "<5"]
    assert [event_sentence(row) for row in report.events] == [
        "Digital skills, Ganja, 4 March–6 March: 5 participants",
        "Round-table on e-government, Ganja, 12 March: 10 participants",
        "Open data seminar, Tashkent, 18 March: 7 participants",
        "Youth forum, Ganja, 31 March: 3 registered so far",
    ]
    assert event_sentences(viewer=admin, now=REPORT_NOW, **MARCH) == [
        event_sentence(row) for row in report.events
    ]


def test_sentence_shows_the_gender_split_when_every_count_is_five_or_more(admin):
    space = SpaceFactory(city="Ganja")
    host = HostFactory(space=space).user
    event = make_event(
        space,
        RoomFactory(space=space),
        host,
        "Round-table on e-government",
        Event.Kind.ROUND_TABLE,
        [("2025-03-12", "10:00", "12:00")],
    )
    session = event.sessions.get()
    for n in range(11):
        gender = "male" if n < 6 else "female"
        registration, _key = registration_create(
            event=event,
            name=name_of(n),
            phone=phone_of(100 + n),
            demographics=Demographics(gender=gender, consent=True),
            now=BEFORE,
        )
        attend(session, registration, host)
    lone = SpaceFactory(city="Shaki")
    lone_host = HostFactory(space=lone).user
    single = make_event(
        lone, RoomFactory(space=lone), lone_host, "Consultation", Event.Kind.CONSULTATION,
        [("2025-03-13", "10:00", "11:00")],
    )  # fmt: skip
    attend(single.sessions.get(), register(single, 1), lone_host)
    assert event_sentences(viewer=admin, now=REPORT_NOW, **MARCH) == [
        "Round-table on e-government, Ganja, 12 March: 11 participants (6 men; 5 women)",
        "Consultation, Shaki, 13 March: 1 participant",
    ]


# --- Who sees what ----------------------------------------------------------------------


def test_donor_sees_their_events_figures_and_no_desk_room_or_visit_figures(network):
    eu_donor = donor(network.eu)
    report = march_report(eu_donor)
    assert [row.title for row in report.events] == [
        "Round-table on e-government",
        "Open data seminar",
    ]
    ganja, tashkent = report.centres
    assert figures_of(ganja.figures) == {
        **GANJA,
        "events_held": 1,
        "events_cancelled": 0,
        "registrations": 13,
        "attendances": 10,
        "unique_participants": 10,
        "no_shows": 2,
        "no_show_base": 12,
        "no_show_percent": 16.7,
        **NO_USE,
    }
    assert figures_of(tashkent.figures) == {**TASHKENT, **NO_USE}
    assert figures_of(report.total)["attendances"] == 17
    assert all(value is None for key, value in figures_of(report.total).items() if key in USE)
    assert not report.shows_use
    assert report.daily_visits == [] and report.heat_maps == []
    # E1 and E3: 17 attendees, 8 women, 5 men, 4 not given (hidden with the next smallest).
    assert shown(report.breakdowns[0]) == {
        "female": "8",
        "male": "x",
        "other": "0",
        "undisclosed": "0",
        "not_given": "<5",
    }

    youth_report = march_report(donor(network.youth))
    assert [row.name for row in youth_report.centres] == ["Ganja Centre"]
    assert youth_report.total.events_held == 1
    assert youth_report.total.attendances == 7
    assert youth_report.total.desks is None and youth_report.total.visits is None


def test_donor_whose_tags_have_no_events_in_the_period_sees_no_centre(network):
    unused = Tag.objects.create(kind=Tag.Kind.DONOR, name="Unused")
    report = march_report(donor(unused))
    assert report.centres == []
    assert report.events == []
    assert report.total.desks is None
    assert report.total.visits is None
    assert report.daily_visits == []


def test_donor_is_refused_a_tag_or_centre_outside_their_scope(network):
    eu_donor = donor(network.eu)
    with pytest.raises(NotAllowed):
        march_report(eu_donor, tag_ids=[network.youth.pk])
    youth_donor = donor(network.youth)
    with pytest.raises(NotAllowed):
        march_report(youth_donor, space_ids=[network.tashkent.pk])
    with pytest.raises(NotAllowed):
        event_sentences(viewer=youth_donor, space_ids=[network.tashkent.pk], **MARCH)
    choices = report_choices(viewer=eu_donor)
    assert choices.tags == [network.eu]
    assert {space.name for space in choices.centres} == {"Ganja Centre", "Tashkent Centre"}
    assert [
        row.name for row in march_report(youth_donor, space_ids=[network.ganja.pk]).centres
    ] == ["Ganja Centre"]


def test_host_sees_only_their_own_centre(network):
    report = march_report(network.host_b)
    assert [row.name for row in report.centres] == ["Tashkent Centre"]
    assert figures_of(report.total) == TASHKENT
    assert [row.title for row in report.events] == ["Open data seminar"]
    # Asking for the other centre is refused rather than answered, even with nothing.
    with pytest.raises(NotAllowed):
        march_report(network.host_b, space_ids=[network.ganja.pk])
    assert [space.name for space in report_choices(viewer=network.host_b).centres] == [
        "Tashkent Centre"
    ]
    staff = HostFactory(space=network.tashkent, role="staff").user
    assert figures_of(march_report(staff).total) == TASHKENT


def test_members_without_a_role_get_no_report(network):
    with pytest.raises(NotAllowed):
        march_report(MemberFactory().user)
    with pytest.raises(NotAllowed):
        event_sentences(viewer=MemberFactory().user, **MARCH)


# --- Filters ----------------------------------------------------------------------------


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
    assert before <= 16


# --- Suppression, on its own ------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([0, 0, 0], ["0", "0", "0"]),
        ([12, 7, 5], ["12", "7", "5"]),
        # One small cell: the next smallest non-zero one goes with it.
        ([3, 40, 0, 0], ["<5", "x", "0", "0"]),
        ([3, 9, 20], ["<5", "x", "20"]),
        # Two small cells protect each other when their sum leaves a choice …
        ([2, 3, 40], ["<5", "<5", "40"]),
        # … but 1 + 1 = 2 does not, nor does "<5" + "x" = 6 (only 1 + 5).
        ([1, 1, 40], ["<5", "<5", "x"]),
        ([1, 5, 40], ["<5", "x", "x"]),
        # A row whose total is itself small cannot be protected cell by cell.
        ([3, 0, 0], ["x", "x", "x"]),
    ],
)
def test_small_cells_and_their_complements_are_hidden(counts, expected):
    assert [cell.shown for cell in suppress_row(counts)] == expected


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # A protected cell alone would be total minus the rest: the smallest goes with it.
        ([10, 7, 24], ["10", "x", "x"]),
        # With two small cells beside it, 2 + 2 + x = 9 leaves x anywhere from 0 to 7.
        ([2, 12, 2, 5], ["<5", "12", "<5", "x"]),
        # A protected zero needs company as much as any other count.
        ([10, 7, 0], ["10", "x", "x"]),
    ],
)
def test_a_protected_cell_is_hidden_and_cannot_be_worked_out(counts, expected):
    last = len(counts) - 1
    assert [cell.shown for cell in suppress_row(counts, protect=[last])] == expected
