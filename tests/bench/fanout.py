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
import collections
import contextlib
import datetime
import itertools
import json
import math
import multiprocessing
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench import report  # noqa: E402
from tests.bench.fanout_clients import ClientProcesses  # noqa: E402

LISTENING = re.compile(r"Listening on TCP address 127\.0\.0\.1:(\d+)")
SERVER_LOG_LEVEL = re.compile(r" (WARNING|ERROR|CRITICAL) +(\S+)")
TIMESTAMPED = re.compile(r"\d{4}-\d\d-\d\d ")
EXCEPTION_LINE = re.compile(r"[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b")
# daphne cancels an application instance still running 10 s after its socket closed
# (application_close_timeout); a consumer cancelled that way never runs disconnect().
KILLED = "took too long to shut down and was killed"
SERVER_START_TIMEOUT = 30
# The centre's time zone is picked so that its local time is far from midnight: bookings
# of "now" must fit inside one local day.
ZONES = ("Europe/Kyiv", "Asia/Baku", "Asia/Tashkent", "Asia/Tokyo", "America/New_York")
GRID = datetime.timedelta(minutes=15)
SETTLE_LIMIT = 300  # seconds after the last update, at most, to wait for deliveries
STOCK_GROUP = "bench.stock"
GOAL_PLAIN_FACTOR = 2.0  # ours within 2× of plain broadcast …
GOAL_STOCK_FACTOR = 5.0  # … and at least 5× faster than stock Channels


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
    parser.add_argument(
        "--server-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="A PostgreSQL server where a throw-away database may be created.",
    )
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


def database_url(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


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

    from cowork.models import Member, OpeningHours, Resource, SpaceRole
    from cowork.services.displays import display_token_create

    space = report.bench_centre(
        time_zone=pick_zone(),
        safety_capacity=10_000,
        max_active_bookings=10_000,
        max_hours_per_week=168,
        max_booking_minutes=600,
    )
    for weekday in range(7):
        OpeningHours.objects.create(
            space=space, weekday=weekday, opens=datetime.time(0), closes=datetime.time(23, 45)
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


# --- servers --------------------------------------------------------------------------------


class DaphneProcess:
    """One daphne process on a free loopback port; stopped (only it) by `stop()`."""

    def __init__(self, app: str, env: dict[str, str], name: str):
        self.name = name
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", "0", app],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        self.pid = self.process.pid
        # Drained to the end whatever happens: a full pipe would stall the server.
        self.log: collections.deque[str] = collections.deque(maxlen=500)
        # Warnings and errors by kind over the whole run, the last of each kept as a sample.
        self.counts: collections.Counter[str] = collections.Counter()
        self.last_problem: dict[str, str] = {}
        lines: queue.Queue[str | None] = queue.Queue()

        def drain():
            kind = None
            for line in self.process.stdout:
                self.log.append(line)
                if level := SERVER_LOG_LEVEL.search(line):
                    kind = (
                        "daphne killed an application instance (application_close_timeout)"
                        if KILLED in line
                        else f"{level.group(1)} {level.group(2)}"
                    )
                    self.counts[kind] += 1
                    self.last_problem[kind] = line.rstrip()[:300]
                elif kind and EXCEPTION_LINE.match(line):
                    # The last line of a traceback names the exception behind the message.
                    self.last_problem[kind] += f" [{line.strip()[:200]}]"
                elif TIMESTAMPED.match(line):
                    kind = None
                lines.put(line)
            lines.put(None)

        threading.Thread(target=drain, name=f"{name}-output", daemon=True).start()
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        self.port = None
        while self.port is None and (remaining := deadline - time.monotonic()) > 0:
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                break
            if match := LISTENING.search(line):
                self.port = int(match.group(1))
        if self.port is None:
            self.stop()
            raise RuntimeError(f"{name} did not listen:\n{''.join(self.log)}")

    def problems(self) -> list[str]:
        return [
            f"{count} × {kind}, e.g. {self.last_problem[kind]}"
            for kind, count in self.counts.most_common()
        ]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


class PlainServer:
    """tests/bench/fanout_plain_server.py in a child process, driven through a pipe."""

    def __init__(self):
        from tests.bench.fanout_plain_server import serve_forever

        context = multiprocessing.get_context("spawn")
        self.pipe, child_end = context.Pipe()
        self.process = context.Process(
            target=serve_forever, args=(child_end,), name="fanout-plain", daemon=True
        )
        self.process.start()
        child_end.close()
        self.pid = self.process.pid
        self.sent: list[tuple] = []  # (sockets, seconds inside broadcast) per trigger
        self.port = self._answer("listening")[0]

    def _answer(self, kind: str, timeout: float = SERVER_START_TIMEOUT):
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            if not self.pipe.poll(remaining):
                break
            message = self.pipe.recv()
            if message[0] == kind:
                return message[1:]
        raise TimeoutError(f"the plain server did not answer {kind!r}")

    def trigger(self, text: str) -> float:
        at = time.time()
        self.pipe.send(("send", text))
        self.sent.append(self._answer("sent", 30))
        return at

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.pipe.send(("stop",))
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=5)
        self.pipe.close()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_quiet(pid: int, *, below: float = 0.05, timeout: float = 60) -> float:
    """Wait until `pid` uses less than `below` of a core over half a second; return the wait."""
    began = time.monotonic()
    with contextlib.suppress(OSError):
        used = cpu_seconds(pid)
        while time.monotonic() - began < timeout:
            time.sleep(0.5)
            now = cpu_seconds(pid)
            if now - used < below * 0.5:
                break
            used = now
    return time.monotonic() - began


def py_spy_recorder(pid: int, path: Path, *, native: bool = False):
    """A `watch` for measure(): py-spy samples `pid` into `path` as collapsed stacks."""
    beside = Path(sys.executable).with_name("py-spy")
    binary = beside if beside.exists() else shutil.which("py-spy") or beside

    def watch(seconds: float):
        recorder = subprocess.Popen(
            [
                str(binary),
                "record",
                "--pid",
                str(pid),
                "--duration",
                str(math.ceil(seconds)),
                "--rate",
                "100" if native else "500",
                # Native frames (the cyclic GC, syscalls) need the process paused per sample.
                *(["--native"] if native else ["--nonblocking"]),
                "--format",
                "raw",
                "--output",
                str(path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)  # attached before the first update

        def stop():
            try:
                recorder.wait(timeout=seconds + 30)
            except subprocess.TimeoutExpired:
                recorder.terminate()
                recorder.wait(timeout=5)

        return stop

    return watch


# --- one measured run -----------------------------------------------------------------------


class Outcome:
    def __init__(self, system: str, clients: int):
        self.system = system
        self.clients = clients
        self.connected = 0
        self.failed = 0
        self.retried = 0  # connects that failed at first and were tried again
        self.quiet_after: float | None = None  # seconds the server took to settle
        self.load = float("nan")  # the machine's 1-minute load average as the updates began
        self.in_server: list[float] = []  # plain: seconds inside websockets.broadcast
        self.last: list[float] = []  # per update: trigger → last receipt, seconds
        self.median: list[float] = []  # per update: trigger → median receipt
        self.first: list[float] = []  # per update: trigger → first receipt
        self.to_publish: list[float] = []  # ours: commit → group_send returned
        self.after_publish: list[float] = []  # ours: group_send returned → last receipt
        self.delivered = 0
        self.missing = 0
        self.duplicates = 0
        self.dropped = 0
        self.size = 0
        self.updates = 0
        # Per update, for --trace: seq, trigger, publish, first, median, last (epoch seconds).
        self.trace: list[dict] = []

    @property
    def rate(self) -> float:
        """Deliveries per second of delivery window: the union of [trigger, last receipt]
        over the updates, so overlapping windows (a backlog) are not counted twice."""
        spans = sorted((u["trigger"], u["last"]) for u in self.trace if u["last"])
        window, end = 0.0, float("-inf")
        for start, stop in spans:
            if stop > end:
                window += stop - max(start, end)
                end = stop
        return self.delivered / window if window else float("nan")

    @property
    def service(self) -> list[float]:
        """Per update, the time to the last receipt not spent waiting for the update before
        it: a server still busy with update i-1 cannot start on i, and that backlog would
        otherwise be counted again in every later update."""
        result, previous = [], float("-inf")
        for update in sorted(self.trace, key=lambda u: u["trigger"]):
            if update["last"]:
                result.append(update["last"] - max(update["trigger"], previous))
                previous = update["last"]
        return result

    def p(self, values: list[float], pct: float) -> float:
        return report.percentile(sorted(values), pct)


def measure(
    clients,
    args,
    *,
    system,
    url,
    origin,
    count,
    trigger,
    server_pid=None,
    batch=None,
    published=None,
    watch=None,
) -> Outcome:
    """Connect `count` clients, run `args.updates` triggers ~interval apart, gather receipts.

    `trigger(i)` makes update i happen and returns (seq, time.time() of the commit or send).
    `published`, for ours, maps a seq to when its group_send returned in this process.
    `watch(seconds)`, if given, starts a profiler for the updates and returns its stopper.
    """
    from tqdm import tqdm

    outcome = Outcome(system, count)
    with tqdm(total=count, desc=f"{system}: connecting", unit="socket") as progress:
        outcome.connected, outcome.failed, outcome.retried, errors = clients.connect(
            url,
            origin,
            count,
            batch=batch or args.batch,
            timeout=args.connect_timeout,
            progress=progress,
        )
    if outcome.retried:
        print(
            f"  {system}: {outcome.retried} connects were retried; first errors:", file=sys.stderr
        )
        for error in errors:
            print(f"    {error}", file=sys.stderr)
    clients.collect()  # nothing from before the run counts
    # The server may still be working through the connection burst (and its garbage);
    # updates sent now would measure that instead of the fan-out.
    outcome.quiet_after = wait_until_quiet(server_pid) if server_pid else None
    if outcome.quiet_after:
        print(f"  {system}: server settled {outcome.quiet_after:.1f} s after the last connect")
    triggers: dict[int, float] = {}
    outcome.load = os.getloadavg()[0]
    stop_watching = watch(args.updates * args.interval + 1) if watch else None
    began = time.monotonic()
    for index in range(args.updates):
        time.sleep(max(0.0, began + index * args.interval - time.monotonic()))
        seq, at = trigger(index)
        triggers[seq] = at
    expected = outcome.connected * len(triggers)
    # Wait while deliveries keep coming: a backlog drains late but is not lost. Bounded by
    # `--settle` seconds without progress and SETTLE_LIMIT in all.
    hard_deadline = time.monotonic() + SETTLE_LIMIT
    received, last_progress = -1, time.monotonic()
    while time.monotonic() < hard_deadline and received < expected:
        now_received = clients.receipt_count()
        if now_received > received:
            received, last_progress = now_received, time.monotonic()
        elif time.monotonic() - last_progress > args.settle:
            break
        time.sleep(0.25)
    if stop_watching:
        stop_watching()
    receipts, sizes, stats = clients.collect()
    clients.close_all()
    time.sleep(1.0)  # let the server see the disconnects before the next run
    outcome.updates = len(triggers)
    for seq, at in triggers.items():
        times = sorted(receipts.get(seq, []))
        outcome.delivered += len(times)
        outcome.missing += outcome.connected - len(times)
        if times:
            outcome.first.append(times[0] - at)
            outcome.median.append(times[len(times) // 2] - at)
            outcome.last.append(times[-1] - at)
            if published and seq in published:
                outcome.to_publish.append(published[seq] - at)
                outcome.after_publish.append(times[-1] - published[seq])
        outcome.trace.append(
            {
                "seq": seq,
                "trigger": at,
                "published": (published or {}).get(seq),
                "received": len(times),
                "first": times[0] if times else None,
                "median": times[len(times) // 2] if times else None,
                "last": times[-1] if times else None,
            }
        )
    outcome.duplicates = stats.get("duplicates", 0)
    outcome.dropped = stats.get("dropped", 0)
    known = [sizes[seq] for seq in triggers if seq in sizes]
    outcome.size = sorted(known)[len(known) // 2] if known else 0
    return outcome


# --- the report -----------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return "–" if math.isnan(seconds) else f"{seconds * 1000:.0f} ms"


def ratio(a: float, b: float) -> float:
    return a / b if b and not math.isnan(a) and not math.isnan(b) else float("nan")


LABELS = {
    "hub": "ours (hub)",
    "plain": "plain broadcast",
    "stock": "stock Channels",
}


def run_table(outcomes: dict[str, Outcome]) -> str:
    lines = [
        "| system | clients connected | to last receipt p50 | p99 | to median receipt p50 "
        "| fan-out without backlog p50 | messages/s | missing | closed by the server |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for key, outcome in outcomes.items():
        retried = f" ({outcome.retried} retried)" if outcome.retried else ""
        lines.append(
            f"| {LABELS[key]} | {outcome.connected}/{outcome.clients}{retried} "
            f"| {ms(outcome.p(outcome.last, 50))} | {ms(outcome.p(outcome.last, 99))} "
            f"| {ms(outcome.p(outcome.median, 50))} | {ms(outcome.p(outcome.service, 50))} "
            f"| {outcome.rate:,.0f} | {outcome.missing} | {outcome.dropped} |"
        )
    return "\n".join(lines)


def ratios(outcomes: dict[str, Outcome]) -> list[str]:
    hub, plain, stock = (outcomes.get(key) for key in ("hub", "plain", "stock"))
    lines = []
    if hub and plain:
        lines.append(
            "ours ÷ plain broadcast: "
            f"{ratio(hub.p(hub.last, 50), plain.p(plain.last, 50)):.2f} (p50), "
            f"{ratio(hub.p(hub.last, 99), plain.p(plain.last, 99)):.2f} (p99), "
            f"{ratio(hub.p(hub.service, 50), plain.p(plain.service, 50)):.2f} "
            "(fan-out without backlog, p50)"
        )
    if hub and stock:
        lines.append(
            "stock Channels ÷ ours: "
            f"{ratio(stock.p(stock.last, 50), hub.p(hub.last, 50)):.2f} (p50), "
            f"{ratio(stock.p(stock.last, 99), hub.p(hub.last, 99)):.2f} (p99), "
            f"{ratio(stock.p(stock.service, 50), hub.p(hub.service, 50)):.2f} "
            "(fan-out without backlog, p50)"
        )
    return lines


def headlines(outcomes: dict[str, Outcome]) -> list[dict]:
    """Summary rows: p50 and p99 to the last client, ours against each anchor."""
    hub = outcomes.get("hub")
    if not hub or not hub.last:
        return []
    rows = []
    for key, anchor in (("plain", "a plain websockets broadcast"), ("stock", "stock Channels")):
        other = outcomes.get(key)
        if not other or not other.last:
            continue
        for pct in (50, 99):
            ours, theirs = hub.p(hub.last, pct), other.p(other.last, pct)
            rows.append(
                report.headline(
                    f"live fan-out, p{pct} to the last of {hub.clients:,} sockets",
                    ms(ours),
                    f"{ms(theirs)}, {anchor}",
                    ratio(ours, theirs),
                )
            )
    return rows


def goal(outcomes: dict[str, Outcome]) -> str | None:
    hub, plain, stock = (outcomes.get(key) for key in ("hub", "plain", "stock"))
    if not (hub and plain and stock):
        return None
    vs_plain = ratio(hub.p(hub.last, 50), plain.p(plain.last, 50))
    vs_stock = ratio(stock.p(stock.last, 50), hub.p(hub.last, 50))
    met_plain = vs_plain <= GOAL_PLAIN_FACTOR
    met_stock = vs_stock >= GOAL_STOCK_FACTOR
    return (
        f"goal at {hub.clients:,} clients (p50 to last receipt): within "
        f"{GOAL_PLAIN_FACTOR:.0f}× of plain broadcast — {'met' if met_plain else 'NOT met'} "
        f"({vs_plain:.2f}×); at least {GOAL_STOCK_FACTOR:.0f}× faster than stock Channels — "
        f"{'met' if met_stock else 'NOT met'} ({vs_stock:.2f}×)"
    )


# --- main -----------------------------------------------------------------------------------


def main():
    args = parse_args()
    systems = [name.strip() for name in args.only.split(",") if name.strip()]
    import psycopg
    import redis

    run_id = f"{os.getpid()}{int(time.time())}"
    hub_prefix, stock_prefix = f"fanout{run_id}hub", f"fanout{run_id}stock"
    redis_client = redis.Redis.from_url(args.redis_url)
    redis_client.ping()
    redis_version = redis_client.info("server")["redis_version"]

    name = f"cowork_fanout_{os.getpid()}"
    with psycopg.connect(args.server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = database_url(args.server_url, name)
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
        from django.db import connection

        call_command("migrate", verbosity=0)
        desk_count = math.ceil(args.updates / 2) * len(args.clients) + 2
        space, desks, member, display_key = seed(desk_count)
        pg_version = connection.pg_version
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

        size = 0
        for count in args.clients:
            outcomes: dict[str, Outcome] = {}
            results[count] = outcomes
            if hub:
                origin = f"http://127.0.0.1:{hub.port}"
                ws_url = (
                    f"ws://127.0.0.1:{hub.port}/ws/spaces/{space.pk}/occupancy/"
                    f"?display={display_key}"
                )
                outcomes["hub"] = measure(
                    clients,
                    args,
                    system=f"ours, {count}",
                    url=ws_url,
                    origin=origin,
                    count=count,
                    trigger=hub_updates,
                    server_pid=hub.pid,
                    published=hub_updates.published,
                    watch=(
                        py_spy_recorder(
                            hub.pid,
                            Path(args.py_spy) / f"hub-{count}.txt",
                            native=args.py_spy_native,
                        )
                        if args.py_spy
                        else None
                    ),
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
                outcomes["plain"] = measure(
                    clients,
                    args,
                    system=f"plain, {count}",
                    url=f"ws://127.0.0.1:{plain.port}/",
                    origin=f"http://127.0.0.1:{plain.port}",
                    count=count,
                    trigger=plain_trigger,
                    server_pid=plain.pid,
                )
                outcomes["plain"].in_server = sorted(seconds for _n, seconds in plain.sent)
            if stock:
                outcomes["stock"] = measure(
                    clients,
                    args,
                    system=f"stock, {count}",
                    url=f"ws://127.0.0.1:{stock.port}/ws/stock/",
                    origin=f"http://127.0.0.1:{stock.port}",
                    count=count,
                    trigger=stock_trigger,
                    server_pid=stock.pid,
                    batch=args.stock_batch,
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
        from django.db import connections

        connections.close_all()
        with psycopg.connect(args.server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
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
    sections = []
    for count, outcomes in results.items():
        lines = [f"### {count:,} clients", "", run_table(outcomes), ""]
        lines += [f"- {line}" for line in ratios(outcomes)]
        if (hub_outcome := outcomes.get("hub")) and hub_outcome.after_publish:
            lines.append(
                "- ours split: commit → group_send returned "
                f"p50 {ms(hub_outcome.p(hub_outcome.to_publish, 50))}; group_send returned → "
                f"last receipt p50 {ms(hub_outcome.p(hub_outcome.after_publish, 50))}, "
                f"p99 {ms(hub_outcome.p(hub_outcome.after_publish, 99))}"
            )
        if (plain_outcome := outcomes.get("plain")) and plain_outcome.in_server:
            lines.append(
                "- plain broadcast: `websockets.broadcast` itself took p50 "
                f"{ms(report.percentile(plain_outcome.in_server, 50))}; the rest of its figure "
                "is the clients reading on the same cores"
            )
        if hub_outcome and hub_outcome.size:
            lines.append(f"- delta size: {hub_outcome.size} bytes, the same for the anchors")
        sections.append("\n".join(lines))
    if publish_seconds:
        sections.append(
            "commit → relay returned in the committing process (both group_sends and the "
            "published mark): "
            f"p50 {ms(report.percentile(publish_seconds, 50))}, "
            f"p99 {ms(report.percentile(publish_seconds, 99))}"
        )
    loads = [o.load for outcomes in results.values() for o in outcomes.values()]
    if loads:
        sections.append(
            f"machine load (1-minute average) as the runs began: {min(loads):.1f}–{max(loads):.1f} "
            f"on {os.cpu_count()} cores"
        )
    verdict = goal(results[max(results)]) if results else None
    if verdict:
        sections.append(verdict)
    text = "\n\n".join(sections)
    print()
    print(text)
    if not args.no_write:
        report.write_section(
            "fanout",
            "Live fan-out to many sockets (tests/bench/fanout.py)",
            text,
            notes=(
                f"One daphne process serves cowork on PostgreSQL {pg_version // 10000} and "
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
