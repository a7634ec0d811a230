"""Benchmark: one update fanned out to thousands of live sockets, against two anchors.

    .venv/bin/python tests/bench/fanout.py [--clients 1000,5000] [--updates 20]

Creates a throw-away PostgreSQL database with one centre (open around the clock, some
desks, a host, a member and a display token) and starts one daphne process serving
cowork on Redis, under a channel prefix of this run. For each client count N, N websocket
clients in separate client processes connect as the display, each waits for its
snapshot, and then the benchmark commits `--updates` bookings and check-ins through the
services, about a second apart; each commit's relay publishes the update, and the clients
note when each delta arrives. The same clients then measure two anchors with a message of
the same size:

  plain broadcast  a bare `websockets` server sending one pre-encoded text to all sockets
                   with `websockets.broadcast` (what Python can do at best);
  stock Channels   daphne serving tests/bench/fanout_stock_app.py, where every socket is in
                   the group and an update is one `group_send` on the same Redis.

For each update the figure is the time from the commit (or the trigger) to the last
client's receipt. The figures are printed and written to docs/benchmarks.md.

Not a test: nothing here asserts a timing. It exits non-zero only if clients of ours
failed to connect or deliveries of ours went missing.
"""

import argparse
import contextlib
import datetime
import itertools
import json
import math
import os
import sys
import time
import zoneinfo
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench import database, report  # noqa: E402
from tests.bench.fanout_clients import ClientProcesses  # noqa: E402
from tests.bench.fanout_runs import Outcome, headlines, measure, runs_text  # noqa: E402
from tests.bench.fanout_servers import (  # noqa: E402
    DaphneProcess,
    PlainServer,
    py_spy_recorder,
)

# The centre's time zone is picked so that its local time is far from midnight: bookings
# of "now" must fit inside one local day.
ZONES = ("Europe/Kyiv", "Asia/Baku", "Asia/Tashkent", "Asia/Tokyo", "America/New_York")
GRID = datetime.timedelta(minutes=15)
STOCK_GROUP = "bench.stock"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--clients",
        type=lambda text: [int(n) for n in text.split(",") if n.strip()],
        default=[1000, 5000],
        help="Comma-separated client counts, e.g. 1000,5000.",
    )
    parser.add_argument("--updates", type=int, default=20)
    parser.add_argument("--interval", type=float, default=1.0, help="Seconds between updates.")
    parser.add_argument("--processes", type=int, default=2, help="Client processes.")
    # 100, not more: a connect costs cowork ~7 ms of queries and snapshot on daphne's one
    # database thread, and daphne drops a handshake not accepted within 5 s; bigger bursts
    # on a busy machine make connects fail and retry (see --stock-batch for stock Channels).
    parser.add_argument("--batch", type=int, default=100, help="Connections opened at once.")
    parser.add_argument(
        "--stock-batch",
        type=int,
        default=50,
        help="Connections opened at once for stock Channels: every connect is a group_add, "
        "and more than 100 at once exhaust its Redis connection pool (redis-py's default).",
    )
    parser.add_argument(
        "--connect-timeout", type=float, default=60, help="Seconds for one socket to open."
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=15,
        help="Seconds without a new delivery after which the rest count as missing.",
    )
    database.add_server_url_argument(parser)
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--only", default="hub,plain,stock", help="Systems to measure.")
    parser.add_argument(
        "--py-spy-native",
        action="store_true",
        help="With --py-spy: include native frames (pauses the server at each sample).",
    )
    parser.add_argument("--trace", metavar="FILE", help="Write per-update times as JSON.")
    parser.add_argument(
        "--py-spy",
        metavar="DIR",
        help="Record our daphne with py-spy during each run's updates (collapsed stacks, "
        "one file per client count, in DIR); needs py-spy beside Python or on PATH.",
    )
    parser.add_argument("--no-write", action="store_true", help="Do not update docs/benchmarks.md")
    return parser.parse_args()


# --- the centre -----------------------------------------------------------------------------


def pick_zone() -> str:
    now = datetime.datetime.now(datetime.UTC)
    for zone in ZONES:
        if 1 <= now.astimezone(zoneinfo.ZoneInfo(zone)).hour <= 21:
            return zone
    return ZONES[0]


def seed(desk_count: int):
    """A centre open 00:00–23:45 every day with desks, a host, a member and a display."""
    from django.contrib.auth import get_user_model

    from cowork.models import Member, Resource, SpaceRole
    from cowork.services.displays import display_token_create

    space = report.bench_centre(
        open_daily=(datetime.time(0), datetime.time(23, 45)),
        time_zone=pick_zone(),
        safety_capacity=10_000,
        max_active_bookings=10_000,
        max_hours_per_week=168,
        max_booking_minutes=600,
    )
    desks = [
        Resource.objects.create(space=space, kind="desk", name=f"Desk {n:02d}")
        for n in range(1, desk_count + 1)
    ]
    users = get_user_model().objects
    host = users.create(username="bench-host", is_staff=True)
    SpaceRole.objects.create(user=host, space=space, role=SpaceRole.Role.HOST)
    member = users.create(username="bench-member")
    Member.objects.create(user=member, phone="+380501000000", language="uk")
    _token, display_key = display_token_create(space=space, host=host, name="Lobby")
    return space, desks, member, display_key


class HubUpdates:
    """Commits one change per call, alternating a booking of a free desk and its check-in.

    Each call is one transaction with one domain event, so one delta per call. The time
    taken is the commit's own: a callback registered before the service's relay runs first
    once COMMIT has returned, so the relay (two group_sends) is inside the measured time.
    """

    def __init__(self, space, desks, member):
        self.space = space
        self.desks = iter(desks)
        self.member = member
        self.booking = None
        self.publish_seconds: list[float] = []
        self.published: dict[int, float] = {}
        self._watch_publishes()

    def _watch_publishes(self) -> None:
        """Note when this process's relay has handed each space update to Redis.

        Only this process's layer object is wrapped; it splits our figure into the publish
        (queries, encoding, group_send) and the fan-out after it.
        """
        from channels.layers import get_channel_layer

        from realtime.groups import space_group

        layer = get_channel_layer()
        group_send = layer.group_send
        watched = space_group(self.space.pk)

        async def timed_group_send(group, message):
            await group_send(group, message)
            if group == watched and message.get("seq") is not None:
                self.published.setdefault(message["seq"], time.time())

        layer.group_send = timed_group_send

    def slot(self):
        now = datetime.datetime.now(self.space.zone)
        start = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
        return start, start + 4 * GRID

    def __call__(self, _index: int) -> tuple[int, float]:
        from django.db import transaction

        from cowork.models import Space
        from cowork.services.booking import booking_check_in, booking_create

        committed: list[float] = []
        with transaction.atomic():
            transaction.on_commit(lambda: committed.append(time.time()))
            if self.booking is None:
                start, end = self.slot()
                self.booking = booking_create(
                    resource=next(self.desks), member=self.member, starts_at=start, ends_at=end
                )
            else:
                booking_check_in(booking=self.booking, acting_user=self.member)
                self.booking = None
        returned = time.time()
        self.publish_seconds.append(returned - committed[0])
        seq = Space.objects.values_list("event_seq", flat=True).get(pk=self.space.pk)
        return seq, committed[0]


def anchor_text(seq: int, size: int) -> str:
    """A delta-shaped text of `size` bytes for the anchors."""
    head = f'{{"type":"delta","seq":{seq},"pad":"'
    return head + "x" * max(0, size - len(head) - 2) + '"}'


# --- main -----------------------------------------------------------------------------------


def main():
    args = parse_args()
    systems = [name.strip() for name in args.only.split(",") if name.strip()]
    import redis

    run_id = f"{os.getpid()}{int(time.time())}"
    hub_prefix, stock_prefix = f"fanout{run_id}hub", f"fanout{run_id}stock"
    redis_client = redis.Redis.from_url(args.redis_url)
    redis_client.ping()
    redis_version = redis_client.info("server")["redis_version"]

    name = f"cowork_fanout_{os.getpid()}"
    url, pg_version = database.create(args.server_url, name)
    # The benchmark process publishes its own commits (the relay runs on commit), so it
    # needs the same Redis layer and prefix as the server.
    base_env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": args.redis_url,
        "CHANNELS_PREFIX": hub_prefix,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-key"),
        "SECURE_SSL_REDIRECT": "false",
        "DJANGO_SETTINGS_MODULE": "cowork.config.settings",
    }
    os.environ.update(base_env)

    results: dict[int, dict[str, Outcome]] = {}
    publish_seconds: list[float] = []
    started: list = []
    pids: dict[str, int] = {}
    try:
        import django

        django.setup()
        from asgiref.sync import async_to_sync
        from channels_redis.core import RedisChannelLayer
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        desk_count = math.ceil(args.updates / 2) * len(args.clients) + 2
        space, desks, member, display_key = seed(desk_count)
        hub_updates = HubUpdates(space, desks, member)

        clients = ClientProcesses(args.processes)
        started.append(clients)
        hub = plain = stock = None
        if "hub" in systems:
            hub = DaphneProcess("cowork.config.asgi:application", base_env, "daphne-hub")
            started.append(hub)
            pids["ours (daphne)"] = hub.pid
        if "plain" in systems:
            plain = PlainServer()
            started.append(plain)
            pids["plain broadcast"] = plain.pid
        if "stock" in systems:
            stock_env = {**base_env, "CHANNELS_PREFIX": stock_prefix}
            stock_env.pop("DJANGO_SETTINGS_MODULE")
            stock_env.pop("DATABASE_URL")
            stock = DaphneProcess("tests.bench.fanout_stock_app:application", stock_env, "stock")
            started.append(stock)
            pids["stock Channels (daphne)"] = stock.pid
        stock_layer = RedisChannelLayer(hosts=[args.redis_url], prefix=stock_prefix)
        print("server pids:", ", ".join(f"{k} {v}" for k, v in pids.items()), flush=True)

        def run(system, server, path, count, trigger, **extra) -> Outcome:
            """`count` clients of `server` at `path`, measured over the updates `trigger` makes."""
            return measure(
                clients,
                args,
                system=f"{system}, {count}",
                url=f"ws://127.0.0.1:{server.port}{path}",
                origin=f"http://127.0.0.1:{server.port}",
                count=count,
                trigger=trigger,
                server_pid=server.pid,
                **extra,
            )

        size = 0
        for count in args.clients:
            outcomes: dict[str, Outcome] = {}
            results[count] = outcomes
            if hub:
                watch = None
                if args.py_spy:
                    path = Path(args.py_spy) / f"hub-{count}.txt"
                    watch = py_spy_recorder(hub.pid, path, native=args.py_spy_native)
                outcomes["hub"] = run(
                    "ours",
                    hub,
                    f"/ws/spaces/{space.pk}/occupancy/?display={display_key}",
                    count,
                    hub_updates,
                    published=hub_updates.published,
                    watch=watch,
                )
                size = outcomes["hub"].size or size
            texts = [anchor_text(seq, size or 400) for seq in range(1, args.updates + 1)]

            def plain_trigger(index, texts=texts):
                return index + 1, plain.trigger(texts[index])

            def stock_trigger(index, texts=texts):
                at = time.time()
                async_to_sync(stock_layer.group_send)(
                    STOCK_GROUP, {"type": "bench.update", "text": texts[index]}
                )
                return index + 1, at

            if plain:
                plain.sent.clear()
                outcomes["plain"] = run("plain", plain, "/", count, plain_trigger)
                outcomes["plain"].in_server = sorted(seconds for _n, seconds in plain.sent)
            if stock:
                outcomes["stock"] = run(
                    "stock", stock, "/ws/stock/", count, stock_trigger, batch=args.stock_batch
                )
        publish_seconds = sorted(hub_updates.publish_seconds)
        for server, label in ((hub, "ours"), (stock, "stock")):
            if server and (problems := server.problems()):
                print(f"{label} server logged:", *problems, sep="\n  ", file=sys.stderr)
    finally:
        # Only what this run started, by its own handle: clients first, then servers.
        for thing in started:
            with contextlib.suppress(Exception):
                thing.stop()
        database.drop(args.server_url, name)
        for prefix in (hub_prefix, stock_prefix):
            keys = list(itertools.islice(redis_client.scan_iter(match=f"{prefix}*"), 100_000))
            if keys:
                redis_client.delete(*keys)

    if args.trace:
        Path(args.trace).write_text(
            json.dumps(
                {
                    f"{key}-{count}": outcome.trace
                    for count, outcomes in results.items()
                    for key, outcome in outcomes.items()
                },
                indent=1,
            )
        )
    text = runs_text(results, publish_seconds)
    print()
    print(text)
    if not args.no_write:
        report.write_section(
            "fanout",
            "Live fan-out to many sockets (tests/bench/fanout.py)",
            text,
            notes=(
                f"One daphne process serves cowork on PostgreSQL {pg_version.split('.')[0]} and "
                f"Redis {redis_version}; the clients are `websockets` sockets in "
                f"{args.processes} client processes on the same machine, connecting as a "
                f"lobby display ({args.batch} at a time) and timing each delta on arrival. "
                f"{args.updates} updates about {args.interval:g} s apart: for ours, a booking "
                "or a check-in committed through the services, timed from the commit, so the "
                "relay's queries and publish are included; for the anchors, a text of the same "
                "size sent by a bare `websockets` server with `websockets.broadcast` (plain "
                "broadcast) or `group_send` to a group holding every socket, served by a "
                "second daphne (stock Channels, tests/bench/fanout_stock_app.py). Figures per "
                "update are to the last client's receipt. A server slower than the updates "
                "builds a backlog, which later updates wait behind: the fan-out without "
                "backlog leaves that wait out, and messages/s divides the deliveries by the "
                "time in which some update was being delivered. Missing means not delivered "
                f"before {args.settle:g} s passed without any delivery."
            ),
            headlines=headlines(results[max(results)]) if results else [],
        )
    # The anchors' shortfalls are reported, not failures of this code.
    ours = [outcomes["hub"] for outcomes in results.values() if "hub" in outcomes]
    sys.exit(1 if any(o.failed or o.missing for o in ours) else 0)


if __name__ == "__main__":
    main()
