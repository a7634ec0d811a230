"""Fixtures of the live pages' tests: the room, who opens the pages, a room display."""

import pytest

from cowork.models import SpaceRole
from cowork.services.displays import display_token_create
from tests.factories import HostFactory, RoomFactory, UserFactory, network_admin


@pytest.fixture
def room(space):
    return RoomFactory(space=space, name="Hall", plan_x=20, plan_y=200, plan_width=300)


@pytest.fixture
def staff(space):
    user = UserFactory(first_name="Samir", last_name="Staff")
    SpaceRole.objects.create(user=user, space=space, role=SpaceRole.Role.STAFF)
    return user


@pytest.fixture
def stranger_host():
    """A host of another organization's centre."""
    return HostFactory().user


@pytest.fixture
def admin():
    return network_admin()


@pytest.fixture
def display(space, host, room):
    return display_token_create(space=space, host=host, name="Hall door", room=room)


def signed_in(client, user):
    """The client as `user`, or anonymous for None."""
    if user is not None:
        client.force_login(user)
    return client
