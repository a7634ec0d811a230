import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from django.db import connections

from cowork.services.api_tokens import api_token_create
from cowork.services.displays import display_token_create
from tests.factories import (
    HostFactory,
    MemberFactory,
    ResourceFactory,
    SpaceFactory,
    open_around_the_clock,
)


@pytest_asyncio.fixture(autouse=True)
async def _close_connections_of_the_sync_thread():
    """Close the connections the ORM opened in asgiref's sync thread during a test.

    With a persistent CONN_MAX_AGE they would outlive the test and keep PostgreSQL from
    dropping the test database at the end of the run.
    """
    yield
    await database_sync_to_async(connections.close_all)()


@pytest.fixture
def centre():
    """A centre open around the clock with three desks, a host, a member with an API key,
    and a display's key."""
    space = SpaceFactory(weekday_hours=False, max_active_bookings=50)
    open_around_the_clock(space)
    desks = [
        ResourceFactory(space=space, name=f"Desk {n}", plan_x=n * 80, plan_y=10)
        for n in range(1, 4)
    ]
    host = HostFactory(space=space).user
    member = MemberFactory().user
    _token, display_key = display_token_create(space=space, host=host, name="Lobby")
    _api, api_key = api_token_create(user=member, name="test")
    return {
        "space": space,
        "desks": desks,
        "member": member,
        "display_key": display_key,
        "api_key": api_key,
    }
