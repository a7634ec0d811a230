"""Several daphne processes sharing a database and a Redis of the test's own."""

import asyncio
import datetime
import json
import threading
import time

import pytest
import requests
import websockets
from django.db import connection

from cowork import outbox
from cowork.models import Booking, DomainEvent
from cowork.services.api_tokens import api_token_create
from cowork.services.booking import booking_create
from tests.factories import (
    MemberFactory,
    ResourceFactory,
    SpaceFactory,
    open_around_the_clock,
    this_quarter_hour,
)
from tests.servers import (
    DaphneServer,
    RedisServer,
    SilentMailServer,
    redis_binary,
    server_environment,
)

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
    # Started side by side, then waited for: each spends its start importing on a core.
    servers = [DaphneServer(env, wait=False) for _ in range(count)]
    try:
        for server in servers:
            server.wait_until_listening()
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return servers


def _unpublished_count() -> int:
    """Events not yet relayed live; read from a worker thread, its connection closed so the
    test database can go."""
    try:
        return DomainEvent.objects.filter(live_at__isnull=True).count()
    finally:
        connection.close()


def _unpublished_count_settled(expected: int) -> int:
    """`_unpublished_count`, read again (for a bounded while) until it is `expected`."""
    deadline = time.monotonic() + WAIT
    count = _unpublished_count()
    while count != expected and time.monotonic() < deadline:
        time.sleep(0.05)
        count = _unpublished_count()
    return count


def _slot(space, hours_from_now=0):
    start = this_quarter_hour(space, datetime.datetime.now(datetime.UTC))
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
            # A relay retrying the backlog holds an event for the moment its try takes (it
            # fails while Redis is down, and gives the event back): read until none is held.
            held_back = await asyncio.to_thread(_unpublished_count_settled, 3)
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
    assert not DomainEvent.objects.filter(live_at__isnull=True).exists()


CLIENTS = 40


@pytest.fixture
def crowd():
    """A centre open around the clock with a desk for every booking of the test and a
    member with an API key, a phone and an e-mail address for each client."""
    space = SpaceFactory(weekday_hours=False, safety_capacity=1000, max_active_bookings=50)
    open_around_the_clock(space)
    desks = [ResourceFactory(space=space, name=f"Desk {n}") for n in range(3 * CLIENTS)]
    keys = [api_token_create(user=MemberFactory().user, name="test")[1] for _ in range(CLIENTS)]
    return space, desks, keys


class Burst:
    """Every client books its desk at once, each on a connection of its own."""

    def __init__(self, url, keys, desks, starts_at):
        self.statuses: list[int | str] = []
        self._lock = threading.Lock()
        body = {
            "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + datetime.timedelta(minutes=30)).isoformat(),
        }
        self._threads = [
            threading.Thread(target=self._book, args=(url, key, {**body, "resource": desk.pk}))
            for key, desk in zip(keys, desks, strict=True)
        ]
        self.began = time.monotonic()
        for thread in self._threads:
            thread.start()

    def _book(self, url, key, body):
        try:
            status = requests.post(
                f"{url}/api/v1/bookings",
                json=body,
                headers={"Authorization": f"Bearer {key}"},
                timeout=2 * WAIT,
            ).status_code
        except requests.RequestException as error:
            status = type(error).__name__
        with self._lock:
            self.statuses.append(status)

    def join(self) -> float:
        for thread in self._threads:
            thread.join()
        return time.monotonic() - self.began


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting: {what}")
        time.sleep(0.1)


SERVER_APPLICATION = "cowork-test-server"


def _tagged(env: dict[str, str]) -> dict[str, str]:
    """The servers' environment, their PostgreSQL connections named so they can be told
    from this process's."""
    url = env.get("DATABASE_URL")
    if url:
        separator = "&" if "?" in url else "?"
        env = {**env, "DATABASE_URL": f"{url}{separator}application_name={SERVER_APPLICATION}"}
    return env


def _server_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = %s",
            [SERVER_APPLICATION],
        )
        return cursor.fetchone()[0]


def _rollbacks() -> int | None:
    """Transactions PostgreSQL rolled back in the test database; each unique violation a
    relay ran into was one. Read once every server's backends have ended, which is when
    theirs are counted for sure."""
    if connection.vendor != "postgresql":
        return None
    _wait_for(lambda: _server_connections() == 0, "the servers' connections to close")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT xact_rollback FROM pg_stat_database WHERE datname = current_database()"
        )
        return cursor.fetchone()[0]


def test_after_a_web_process_is_killed_mid_burst_the_next_burst_is_served_as_usual(
    redis_server, crowd
):
    space, desks, keys = crowd
    # Each burst its own hour: one person holds one desk at a time.
    slot, second_slot, third_slot = (_slot(space, hours_from_now=h)[0] for h in (2, 3, 4))
    env = _tagged(
        server_environment(REDIS_URL=redis_server.url, CHANNELS_PREFIX=f"t{time.time_ns()}")
    )
    fresh_server = DaphneServer(env)
    try:
        fresh = Burst(fresh_server.url, keys, desks[:CLIENTS], slot)
        fresh_seconds = fresh.join()
    finally:
        fresh_server.stop()
    assert fresh.statuses == [201] * CLIENTS, fresh.statuses

    # The task lane (invites, to a mail server that hangs) is not this process's work any
    # more: the kill finds bookings committed whose events no task has relayed yet.
    mail = SilentMailServer()
    doomed = DaphneServer(
        {**env, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(mail.port), "EMAIL_TIMEOUT": "600"}
    )
    try:
        cut_short = Burst(doomed.url, keys, desks[CLIENTS : 2 * CLIENTS], second_slot)
        _wait_for(
            lambda: Booking.objects.filter(resource__in=desks[CLIENTS : 2 * CLIENTS]).count() >= 10,
            "ten bookings of the second burst",
        )
        doomed.kill()
        cut_short.join()
    finally:
        doomed.stop()
        mail.close()
    backlog = DomainEvent.objects.filter(published_at__isnull=True)
    assert backlog.count() >= 10
    rollbacks_before = _rollbacks()

    restarted = DaphneServer(env)
    try:
        after_crash = Burst(restarted.url, keys, desks[2 * CLIENTS :], third_slot)
        after_crash_seconds = after_crash.join()
    finally:
        restarted.stop()
    rollbacks = None if rollbacks_before is None else _rollbacks() - rollbacks_before

    assert after_crash.statuses == [201] * CLIENTS, after_crash.statuses
    # Against a same-run baseline, generously for a loaded machine: the storm took minutes.
    assert after_crash_seconds <= max(5 * fresh_seconds, 15), (after_crash_seconds, fresh_seconds)
    assert rollbacks in (None, 0), f"{rollbacks} transactions rolled back"
    assert "Traceback" not in restarted.output(), restarted.output()
    # The task that drains the outbox takes the backlog, the dead process's too.
    while outbox.relay_pending():
        pass
    assert not DomainEvent.objects.filter(published_at__isnull=True).exists()
    print(
        f"{CLIENTS} bookings: {fresh_seconds:.1f} s on a fresh process, {after_crash_seconds:.1f} s"
        f" after the crash with a backlog; transactions rolled back meanwhile: {rollbacks}"
    )
