"""Fixtures of the booking pages' tests: a centre, its desks and people, and a day to book.

Times never depend on today's weekday: `day` is a weekday at least two days ahead in the
centre's own zone, inside the factory's opening hours (Mon–Fri 09:00–18:00, Asia/Baku).
"""

import datetime

import pytest

from cowork.services.booking import booking_create
from tests.cowork.web.live_fixtures import admin, display, room, staff, stranger_host  # noqa: F401
from tests.factories import HostFactory, MemberFactory, ResourceFactory, weekday_ahead


def local(space, day: datetime.date, wall: str) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.fromisoformat(wall), tzinfo=space.zone)


def booked(resource, member, day: datetime.date, start: str, end: str, *, made="", **more):
    """A booking of `member`, made by the service, from `start` to `end` on `day` in the
    centre's own time; at the wall-clock time `made` that day if given. `more` goes to
    booking_create (a purpose, who acts)."""
    space = resource.space
    if made:
        more["now"] = local(space, day, made)
    return booking_create(
        resource=resource,
        member=member,
        starts_at=local(space, day, start),
        ends_at=local(space, day, end),
        **more,
    )


@pytest.fixture
def day(space):
    return weekday_ahead(space)


@pytest.fixture
def desk(space):
    return ResourceFactory(space=space, name="Desk 01", plan_x=20, plan_y=40)


@pytest.fixture
def other_desk(space):
    return ResourceFactory(space=space, name="Desk 02", plan_x=110, plan_y=40)


@pytest.fixture
def member():
    return MemberFactory(user__first_name="Nigar", user__last_name="Aliyeva").user


@pytest.fixture
def other_member():
    return MemberFactory(user__first_name="Rashad", user__last_name="Guliyev").user


@pytest.fixture
def host(space):
    return HostFactory(space=space, user__first_name="Aysel", user__last_name="Host").user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def host_client(client, host):
    client.force_login(host)
    return client


@pytest.fixture
def desk_booking(space, desk, member, day):
    """The member's booking of Desk 01, 10:00–12:00 on `day`."""
    return booked(desk, member, day, "10:00", "12:00")


@pytest.fixture
def my_booking(desk_booking):
    """The same, on the member's own pages."""
    return desk_booking
