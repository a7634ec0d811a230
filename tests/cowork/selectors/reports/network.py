"""A network built by hand for the reports tests, every figure of it computed by hand.

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

Washington Group answers (`answer_washington_group`, through the profile service; seeing,
hearing, walking, remembering, self-care, communicating; "-" not answered):
  P3  none none none none none none        without (the six outweigh the old "yes")
  P4  a_lot none none none none none       with
  P5  - - cannot - - -                     with (one domain at the cut-off is enough)
  P6  none some none none none none        without ("some" is below the cut-off)
  P7  - - - some - -                       not known (left out, none at the cut-off)
  P15 none none none none undisclosed none not known
  P20 none none none none none a_lot       with
  P21 none cannot none none none none      with
  Then, of March's 21 attendees: with 5 (P4, P5, P20, P21, and P22 by the old "yes"),
  without 7, not known 4 (P7, P15, and P8, P17 by the old "prefer not to say"), not
  given 5.

Desk bookings: Ganja, Mon 3 March, Desk 1 09–13 checked in and out at 13:00 (4 h), Desk 2
10–12 checked in at 10:00 and out at 11:00 (1 h); Desk 1 Tue 4 March 14–18 confirmed (4 h);
Desk 2 Wed 5 March cancelled; Desk 1 in April. Tashkent, Desk T Tue 18 March 09–18 checked
in (9 h), and one check-in in April. Rooms are booked by the event sessions.
"""

import contextlib
import copy
import datetime
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation

from cowork.models import Closure, DonorAccess, Event, Tag
from cowork.models.people import WG_DOMAINS
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
from cowork.services.profile import demographics_update
from tests.database import rolled_back_afterwards
from tests.factories import (
    HostFactory,
    MemberFactory,
    OrganizationFactory,
    ResourceFactory,
    RoomFactory,
    SpaceFactory,
    UserFactory,
)

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


def attended(event, n: int, *, gender: str, host, phone: int):
    """Person n, who gave only a gender (with consent), registered with phone_of(phone) for
    the one-session `event` and marked present."""
    registration, _key = registration_create(
        event=event,
        name=name_of(n),
        phone=phone_of(phone),
        demographics=Demographics(gender=gender, consent=True),
        now=BEFORE,
    )
    attend(event.sessions.get(), registration, host)
    return registration


def ganja_round_table(*, men: int, women: int):
    """A round-table on 12 March 10-12 in a Ganja centre of its own, of `men` men then
    `women` women (persons 0, 1, ..., phones from 100); the event and its host."""
    space = SpaceFactory(city="Ganja")
    host = HostFactory(space=space).user
    event = make_event(
        space, RoomFactory(space=space), host, "Round-table on e-government",
        Event.Kind.ROUND_TABLE, [("2025-03-12", "10:00", "12:00")],
    )  # fmt: skip
    for n in range(men + women):
        attended(event, n, gender="male" if n < men else "female", host=host, phone=100 + n)
    return event, host


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


def donor(*tags):
    user = UserFactory()
    for tag in tags:
        DonorAccess.objects.create(user=user, tag=tag)
    return user


WASHINGTON_GROUP = {
    3: ("none", "none", "none", "none", "none", "none"),
    4: ("a_lot", "none", "none", "none", "none", "none"),
    5: ("", "", "cannot", "", "", ""),
    6: ("none", "some", "none", "none", "none", "none"),
    7: ("", "", "", "some", "", ""),
    15: ("none", "none", "none", "none", "undisclosed", "none"),
    20: ("none", "none", "none", "none", "none", "a_lot"),
    21: ("none", "cannot", "none", "none", "none", "none"),
}


def answer_washington_group() -> None:
    """The people of WASHINGTON_GROUP answer the six questions on their own account (with
    the phone they registered with), which their participant row follows."""
    for n, answers in WASHINGTON_GROUP.items():
        gender, age_band, _old = PEOPLE[n]
        member = MemberFactory(phone=phone_of(n))
        demographics_update(
            member=member,
            consent=True,
            answers={
                "gender": gender,
                "age_band": age_band,
                **dict(zip(WG_DOMAINS, answers, strict=True)),
            },
            now=BEFORE,
        )


@contextlib.contextmanager
def kept_for_the_module(django_db_blocker):
    """Data made inside, kept for the tests of a module that ask for it, and rolled back
    when the module ends.

    Each test still runs in a transaction of its own within it: what one writes, the next
    never sees. Tests that ask for it run after the module's others (SHARED_BY_MODULE in
    tests/conftest.py), so no test that did not ask for the data sees it."""
    with (
        rolled_back_afterwards(django_db_blocker),
        # Made as in a test (tests/conftest.py): quick password hashes, the site's language.
        override_settings(PASSWORD_HASHERS=["tests.hashers.QuickPBKDF2PasswordHasher"]),
        translation.override(settings.LANGUAGE_CODE, deactivate=True),
    ):
        yield


@pytest.fixture(scope="module", name="network_of_the_module")
def network_built_once(django_db_setup, django_db_blocker):
    """The network, built once for the tests of a module that ask for it: through the
    services, it takes seconds each time."""
    with kept_for_the_module(django_db_blocker):
        yield build_network()


@pytest.fixture(name="network")
def network_copy(network_of_the_module, db):
    """The module's network, its objects copied for each test as setUpTestData's are: a
    test may change one in memory without the next test seeing it."""
    return copy.deepcopy(network_of_the_module)
