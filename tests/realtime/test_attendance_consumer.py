"""The live attendance socket through the real ASGI application: check-ins as they commit."""

import datetime

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from cowork.config.asgi import application
from cowork.services.events import (
    OutsideVenue,
    attendance_check_in_by_code,
    attendance_mark,
    attendance_unmark,
    event_create,
    registration_create,
    walk_in_add,
)
from tests.factories import HostFactory, MemberFactory, SpaceFactory
from tests.realtime.sockets import SAME_SITE, session_headers

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@database_sync_to_async
def _forum():
    """A forum at an outside hall under way now, with two people registered."""
    space = SpaceFactory(time_zone="Asia/Tashkent", country="UZ")
    host = HostFactory(space=space).user
    now = timezone.now()
    forum = event_create(
        space=space,
        host=host,
        kind="forum",
        title="ICT forum",
        sessions=[(now - datetime.timedelta(minutes=10), now + datetime.timedelta(hours=2))],
        capacity=150,
        venue=OutsideVenue(name="Kokand Palace of Culture", capacity=300),
        registration_closes_at=now + datetime.timedelta(hours=1),
        now=now,
    )
    people = [
        registration_create(event=forum, name=name, phone=phone)[0]
        for name, phone in (("Dilnoza", "+998901110001"), ("Sardor", "+998901110002"))
    ]
    return forum, forum.sessions.get(), host, people


async def _connect(event_id, session_id, headers):
    communicator = WebsocketCommunicator(
        application, f"/ws/events/{event_id}/attendance/?session={session_id}", headers=headers
    )
    connected, code = await communicator.connect()
    return communicator, connected, code


async def test_host_sees_each_check_in_live_with_the_list_of_who_is_in():
    forum, session, host, (dilnoza, sardor) = await _forum()
    communicator, connected, _ = await _connect(forum.pk, session.pk, await session_headers(host))
    assert connected
    first = await communicator.receive_json_from(timeout=5)
    assert first["type"] == "attendance" and first["session"] == session.pk
    assert (first["registered"], first["present"], first["absent"]) == (2, 0, 2)
    assert first["people"] == []

    # A QR scan at the door, in another request: the page hears of it without a reload.
    await database_sync_to_async(attendance_check_in_by_code)(
        event=forum,
        phone="+998901110002",
        code=sardor.check_in_code,
        ip="203.0.113.5",
        now=session.starts_at,
    )
    scanned = await communicator.receive_json_from(timeout=5)
    assert (scanned["present"], scanned["absent"]) == (1, 1)
    assert [person["name"] for person in scanned["people"]] == ["Sardor"]

    await database_sync_to_async(attendance_mark)(
        session=session, participant=dilnoza.participant, host=host
    )
    marked = await communicator.receive_json_from(timeout=5)
    assert [person["name"] for person in marked["people"]] == ["Sardor", "Dilnoza"]

    await database_sync_to_async(walk_in_add)(
        session=session, name="Walk-in Aziz", phone="+998901110003", host=host
    )
    # A walk-in registers (the counts of every session change), then is marked present.
    messages = [await communicator.receive_json_from(timeout=5) for _ in range(2)]
    assert messages[-1]["present"] == 3 and messages[-1]["registered"] == 3
    assert messages[-1]["people"][-1]["name"] == "Walk-in Aziz"

    await database_sync_to_async(attendance_unmark)(
        session=session, participant=dilnoza.participant, host=host
    )
    unmarked = await communicator.receive_json_from(timeout=5)
    assert unmarked["present"] == 2 and unmarked["absent"] == 1
    assert await communicator.receive_nothing(timeout=0.2)

    await communicator.send_json_to({"type": "resync"})
    again = await communicator.receive_json_from(timeout=5)
    assert again == {**unmarked}
    await communicator.disconnect()


async def test_only_the_centres_hosts_follow_its_attendance():
    forum, session, host, _people = await _forum()
    for user, expected in (
        (MemberFactory, 4403),
        (lambda: HostFactory(space=SpaceFactory()), 4403),
    ):
        someone = await database_sync_to_async(user)()
        someone = getattr(someone, "user", someone)
        _communicator, connected, code = await _connect(
            forum.pk, session.pk, await session_headers(someone)
        )
        assert not connected and code == expected
    _communicator, connected, code = await _connect(forum.pk, session.pk, SAME_SITE)
    assert not connected and code == 4401
    headers = await session_headers(host)
    for event_id, session_id in ((forum.pk, "abc"), (forum.pk + 1, session.pk)):
        _communicator, connected, code = await _connect(event_id, session_id, headers)
        assert not connected and code == 4404
