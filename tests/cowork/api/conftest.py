"""Fixtures for the API: a centre, people in their roles, and clients holding their tokens."""

import datetime
import json

import pytest

from cowork.services.api_tokens import api_token_create
from cowork.services.booking import booking_create
from tests.factories import (
    HostFactory,
    MemberFactory,
    ResourceFactory,
    RoomFactory,
    SpaceFactory,
)


def next_monday(space, *, today: datetime.date | None = None) -> datetime.date:
    """The first Monday at least two days ahead in the centre's zone: open, bookable, future."""
    today = today or datetime.datetime.now(space.zone).date()
    days = (0 - today.weekday()) % 7
    if days < 2:
        days += 7
    return today + datetime.timedelta(days=days)


def at(space, day: datetime.date, hhmm: str) -> datetime.datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime.datetime.combine(day, datetime.time(hours, minutes), tzinfo=space.zone)


def iso(moment: datetime.datetime) -> str:
    return moment.isoformat()


def slot(resource, day: datetime.date, start: str = "10:00", end: str = "11:00") -> dict:
    """The body that names `resource` from `start` to `end` on `day`, in its centre's time."""
    return {
        "resource": resource.pk,
        "starts_at": iso(at(resource.space, day, start)),
        "ends_at": iso(at(resource.space, day, end)),
    }


def booked(resource, member, day: datetime.date, start: str = "10:00", end: str = "11:00"):
    """A booking of `member`, made by the service, from `start` to `end` on `day`."""
    return booking_create(
        resource=resource,
        member=member,
        starts_at=at(resource.space, day, start),
        ends_at=at(resource.space, day, end),
    )


class Api:
    """The test client speaking JSON to /api/v1/ with one bearer token."""

    def __init__(self, client, key: str | None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}

    def _url(self, path: str) -> str:
        return "/api/v1" + path

    def get(self, path: str, params=None, **headers):
        return self.client.get(self._url(path), params or {}, headers={**self.headers, **headers})

    def post(self, path: str, body=None, **headers):
        return self.client.post(
            self._url(path),
            json.dumps({} if body is None else body),
            content_type="application/json",
            headers={**self.headers, **headers},
        )

    def patch(self, path: str, body, **headers):
        return self.client.patch(
            self._url(path),
            json.dumps(body),
            content_type="application/json",
            headers={**self.headers, **headers},
        )

    def delete(self, path: str, **headers):
        return self.client.delete(self._url(path), headers={**self.headers, **headers})


@pytest.fixture
def api_as(client):
    """`api_as(user)`: an Api with a fresh token of that user, made by the service."""

    def make(user) -> Api:
        _token, key = api_token_create(user=user, name="tests")
        return Api(client, key)

    return make


@pytest.fixture
def anonymous(client):
    return Api(client, None)


@pytest.fixture
def space(db):
    return SpaceFactory(name="Ganja Youth Centre")


@pytest.fixture
def monday(space):
    return next_monday(space)


@pytest.fixture
def desk(space):
    return ResourceFactory(space=space, name="Desk 01")


@pytest.fixture
def room(space):
    return RoomFactory(space=space, name="Hall")


@pytest.fixture
def member(db):
    return MemberFactory(
        user__first_name="Leyla", user__last_name="Mammadova", phone="+994501234567"
    ).user


@pytest.fixture
def other_member(db):
    return MemberFactory(
        user__first_name="Aysel", user__last_name="Huseynova", phone="+994507654321"
    ).user


@pytest.fixture
def host(space):
    role = HostFactory(space=space, user__first_name="Samir", user__last_name="Guliyev")
    MemberFactory(user=role.user, phone="+994551112233")
    return role.user


@pytest.fixture
def other_space(db):
    """A centre of another organization, with its own host."""
    return SpaceFactory(name="Kyiv Hub", city="Kyiv", country="UA", time_zone="Europe/Kyiv")


@pytest.fixture
def other_host(other_space):
    return HostFactory(space=other_space).user
