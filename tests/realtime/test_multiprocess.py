"""Several daphne processes sharing a database and a Redis of the test's own."""

import asyncio
import datetime
import json
import time

import pytest
import requests
import websockets
from django.db import connection

from cowork.models import Booking, DomainEvent
from cowork.services.booking import booking_create
from tests.servers import DaphneServer, RedisServer, redis_binary, server_environment

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 30  # seconds: a bound on a stuck step, not a speed requirement


@pytest.fixture
def redis_server():
    server = RedisServer(redis_binary())
    yield server
    server.stop()


def _servers(count, redis_url, *, catch_up_seconds=2):
    env = server_environment(
        REDIS_URL=redis_url,
        CHANNELS_PREFIX=f"t{int(time.time() * 1000)}",
        LIVE_CATCH_UP_SECONDS=str(catch_up_seconds),
    )
    return [DaphneServer(env) for _ in range(count)]


def _unpublished_count() -> int:
    """Read from a worker thread; its connection is closed so the test database can go."""
    try:
        return DomainEvent.objects.filter(published_at__isnull=True).count()
    finally:
        connection.close()


def _slot(space, hours_from_now=0):
    now = datetime.datetime.now(datetime.UTC).astimezone(space.zone)
    start = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    start += datetime.timedelta(hours=hours_from_now)
    return start, start + datetime.timedelta(minutes=30)


async def _watch(url, space_id, display_key, *, until):
    """Connect as a display; collect messages until `until(messages)` holds or WAIT passes."""
    ws_url = url.replace("http://", "ws://") + f"/ws/spaces/{space_id}/occupancy/"
    messages = []
    async with websockets.connect(
        f"{ws_url}?display={display_key}", origin=url, open_timeout=WAIT
    ) as socket:
        messages.append(json.loads(await asyncio.wait_for(socket.recv(), WAIT)))
        yield socket, messages
        deadline = time.monotonic() + WAIT
        while not until(messages) and time.monotonic() < deadline:
            try:
                raw = await asyncio.wait_for(socket.recv(), deadline - time.monotonic())
            except TimeoutError:
                break
            messages.append(json.loads(raw))


def test_check_in_through_one_process_reaches_a_socket_on_the_other(redis_server, centre):
    space, desk, member = centre["space"], centre["desks"][0], centre["member"]
    start, end = _slot(space)
    booking = booking_create(resource=desk, member=member, starts_at=start, ends_at=end)
    # The hubs' catch-up from the outbox is slowed to a minute, so an update that arrives
    # within the test came through Redis, not through the database.
    first, second = _servers(2, redis_server.url, catch_up_seconds=60)
    try:

        async def scenario():
            watcher = _watch(
                second.url,
                space.pk,
                centre["display_key"],
                until=lambda ms: any(m.get("event") == "booking.checked_in" for m in ms),
            )
            _socket, messages = await watcher.__anext__()
            assert messages[0]["type"] == "snapshot"
            response = await asyncio.to_thread(
                requests.post,
                f"{first.url}/api/v1/bookings/{booking.pk}/check-in",
                headers={"Authorization": f"Bearer {centre['api_key']}"},
                timeout=WAIT,
            )
            assert response.status_code == 200, response.text
            committed = time.monotonic()
            with pytest.raises(StopAsyncIteration):
                await watcher.__anext__()
            return messages, time.monotonic() - committed

        messages, elapsed = asyncio.run(scenario())
    finally:
        first.stop()
        second.stop()
    delta = next(m for m in messages if m.get("event") == "booking.checked_in")
    assert delta["resource"]["state"] == "occupied"
    assert delta["seq"] == messages[0]["seq"] + 1
    print(f"check-in on process A reached a socket on process B in {elapsed * 1000:.0f} ms")


def test_bookings_during_a_redis_outage_all_succeed_and_every_update_arrives_after(
    redis_server, centre
):
    space = centre["space"]
    (server,) = _servers(1, redis_server.url)
    try:

        async def scenario():
            expected_seq = 0
            watcher = _watch(
                server.url,
                space.pk,
                centre["display_key"],
                until=lambda ms: ms[-1].get("seq", 0) >= expected_seq,
            )
            socket, messages = await watcher.__anext__()
            redis_server.stop()
            responses = []
            for index, desk in enumerate(centre["desks"]):
                start, end = _slot(space, hours_from_now=index + 1)
                responses.append(
                    await asyncio.to_thread(
                        requests.post,
                        f"{server.url}/api/v1/bookings",
                        json={
                            "resource": desk.pk,
                            "starts_at": start.isoformat(),
                            "ends_at": end.isoformat(),
                        },
                        headers={"Authorization": f"Bearer {centre['api_key']}"},
                        timeout=WAIT,
                    )
                )
            held_back = await asyncio.to_thread(_unpublished_count)
            redis_server.start()
            # One more booking after Redis is back: the stream goes on.
            start, end = _slot(space, hours_from_now=5)
            responses.append(
                await asyncio.to_thread(
                    requests.post,
                    f"{server.url}/api/v1/bookings",
                    json={
                        "resource": centre["desks"][0].pk,
                        "starts_at": start.isoformat(),
                        "ends_at": end.isoformat(),
                    },
                    headers={"Authorization": f"Bearer {centre['api_key']}"},
                    timeout=WAIT,
                )
            )
            expected_seq = messages[0]["seq"] + len(responses)
            with pytest.raises(StopAsyncIteration):
                await watcher.__anext__()
            del socket
            return responses, held_back, messages

        responses, held_back, messages = asyncio.run(scenario())
    finally:
        server.stop()
    assert [r.status_code for r in responses] == [201] * 4, [r.text for r in responses]
    assert held_back == 3
    assert Booking.objects.filter(space=space).count() == 4
    deltas = [m for m in messages if m["type"] == "delta"]
    first_seq = messages[0]["seq"]
    assert [d["seq"] for d in deltas] == list(range(first_seq + 1, first_seq + 5))
    assert not DomainEvent.objects.filter(published_at__isnull=True).exists()
