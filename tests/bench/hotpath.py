"""Benchmark: the booking hot path against a framework floor, in the same server and run.

    .venv/bin/python tests/bench/hotpath.py [--clients 16] [--attempts 800] [--desks 200]

Creates a throw-away PostgreSQL database, migrates it and seeds a centre (desks, members,
API tokens). Then, in this process, books `--samples` times through the API
(POST /api/v1/bookings, the after-commit live relay included) and through the floor, a
minimal django-ninja endpoint that inserts the same Booking row against the same
exclusion constraint (tests/bench/hotpath_server.py; it exists only in this benchmark's
server), counting statements and measuring server CPU (time.process_time) per booking.
Then it starts daphne with both endpoints, one process and then two, and lets
`--clients` threads make the same `--attempts` attempts on each endpoint: bookings a
second, and the API ÷ floor ratio. The figures are printed and written to
docs/benchmarks.md.

Not a test: nothing here asserts a timing. It exits non-zero only if a request failed or
a window was booked twice.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench import database, report  # noqa: E402
from tests.bench.booking import OVERLAPS, ZONE, Daphne, run_together, seed, windows  # noqa: E402

API_PATH = "/api/v1/bookings"
APP = "tests.bench.hotpath_server:application"
# Untimed rounds of in-process bookings on each endpoint before the timed ones.
WARM_ROUNDS = 2
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--attempts", type=int, default=800)
    parser.add_argument("--desks", type=int, default=200)
    parser.add_argument("--samples", type=int, default=200, help="In-process bookings measured")
    database.add_server_url_argument(parser)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-write", action="store_true", help="Do not update docs/benchmarks.md")
    return parser.parse_args()


def body(desk, start, end) -> dict:
    return {"resource": desk, "starts_at": start.isoformat(), "ends_at": end.isoformat()}


def free_windows(count: int, desks: list[int], first_day: datetime.date):
    """`count` windows that never overlap: each desk's hours, 09:00 to 18:00, day by day.

    Taken in turn by as many members as there are desks, each holds one desk an hour (one
    person, one desk)."""
    result = []
    day = 0
    while len(result) < count:
        for hour in range(9, 18):
            for desk in desks:
                start = datetime.datetime.combine(
                    first_day + datetime.timedelta(days=day), datetime.time(hour), tzinfo=ZONE
                )
                result.append((desk, start, start + datetime.timedelta(hours=1)))
        day += 1
    return result[:count]


def _post(client, path: str, token: str, attempt):
    desk, start, end = attempt
    return client.post(
        path,
        body(desk, start, end),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def measure_in_process(path: str, tokens: list[str], attempts, *, url: str) -> dict:
    """Server CPU and statements per booking, one request after another, the members
    taking turns (none reaches a quota). CPU is timed in one pass and statements are
    counted in another, over the same attempts: capturing statements wraps every cursor,
    which would be timed as the endpoint's own work."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    cpu, statements, refused = [], [], 0
    for number, attempt in enumerate(attempts):
        began = time.process_time()
        response = _post(client, path, tokens[number % len(tokens)], attempt)
        cpu.append(time.process_time() - began)
        refused += response.status_code != 201
    clear(url)
    for number, attempt in enumerate(attempts):
        with CaptureQueriesContext(connection) as queries:
            response = _post(client, path, tokens[number % len(tokens)], attempt)
        if response.status_code == 201:
            statements.append(
                sum(not q["sql"].startswith(TRANSACTION_CONTROL) for q in queries.captured_queries)
            )
    clear(url)
    # The first requests warm caches (URLs, templates, the token); leave them out.
    cpu = sorted(cpu[len(cpu) // 10 :])
    return {
        "cpu_ms": statistics.median(cpu) * 1000,
        "cpu_p90_ms": report.percentile(cpu, 90) * 1000,
        "statements": statistics.median(statements) if statements else float("nan"),
        "refused": refused,
    }


def load(urls: list[str], path: str, tokens: list[str], attempts, progress):
    """`len(tokens)` client threads, spread over `urls`, making the attempts; bookings/s."""
    import requests

    outcomes = {"booked": 0, "conflict": 0, "refused": 0, "error": 0}
    errors: list[str] = []
    lock = threading.Lock()
    queue = list(attempts)

    def client(number: int, token: str):
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        url = urls[number % len(urls)] + path
        while True:
            with lock:
                if not queue:
                    return
                desk, start, end = queue.pop()
            response = session.post(url, json=body(desk, start, end), timeout=60)
            # 422: a rule refused it, e.g. this client holds another desk at that time.
            kind = {201: "booked", 409: "conflict", 422: "refused"}.get(
                response.status_code, "error"
            )
            with lock:
                outcomes[kind] += 1
                if kind == "error" and len(errors) < 5:
                    errors.append(f"{response.status_code} {response.text[:300]}")
                progress.update(1)

    elapsed = run_together([threading.Thread(target=client, args=p) for p in enumerate(tokens)])
    for error in errors:
        print("error:", error, file=sys.stderr)
    return elapsed, outcomes


def clear(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute("TRUNCATE cowork_booking, cowork_domainevent, django_q_ormq CASCADE")


def overlaps(url: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        return db.execute(OVERLAPS).fetchone()[0]


def run_servers(url, processes: int, tokens, attempts) -> dict:
    """Bookings a second through the API and through the floor on `processes` daphnes."""
    from tqdm import tqdm

    env = {**os.environ, "DATABASE_URL": url, "SECURE_SSL_REDIRECT": "false"}
    env.pop("REDIS_URL", None)
    results = {}
    for name, path in (("api", API_PATH), ("floor", "/bench/floor")):
        servers = [Daphne(env, app=APP) for _ in range(processes)]
        try:
            label = f"{name}, {processes} process{'es' if processes > 1 else ''}"
            with tqdm(total=len(attempts), desc=label, unit="try") as progress:
                elapsed, outcomes = load(
                    [server.url for server in servers], path, tokens, attempts, progress
                )
        finally:
            for server in servers:
                server.stop()
        outcomes["overlaps"] = overlaps(url)
        results[name] = {"rate": len(attempts) / elapsed, **outcomes}
        clear(url)
    return results


def main():
    args = parse_args()
    name = f"cowork_bench_hot_{os.getpid()}"
    url, pg_version = database.create(args.server_url, name)
    try:
        database.setup_django(url, {"SECURE_SSL_REDIRECT": "false"})
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        desks, tokens = seed(args.desks, args.clients)
        first_day = datetime.datetime.now(ZONE).date() + datetime.timedelta(days=2)
        from tests.bench.hotpath_server import FLOOR_PATH, install_floor

        install_floor()
        # One desk per member and hour, so that no booking is refused by a rule.
        samples = free_windows(args.samples, desks[: len(tokens)], first_day)
        # Both endpoints warmed alike before either is measured: the second one measured
        # would otherwise run in a process the first has warmed (a booking's CPU still
        # falls for several hundred requests after the first).
        for _round in range(WARM_ROUNDS):
            for path in (API_PATH, FLOOR_PATH):
                measure_in_process(path, tokens, samples, url=url)
        api = measure_in_process(API_PATH, tokens, samples, url=url)
        floor = measure_in_process(FLOOR_PATH, tokens, samples, url=url)
        print(f"in process: API {api}; floor {floor}", flush=True)
        connection.close()
        attempts = windows(args.attempts, desks, first_day, random.Random(args.seed))
        one = run_servers(url, 1, tokens, attempts)
        two = run_servers(url, 2, tokens, attempts)
    finally:
        database.drop(args.server_url, name)

    def rates(result):
        return f"{result['api']['rate']:.0f} / {result['floor']['rate']:.0f}"

    rows = [
        (
            "statements per API booking (live relay included; BEGIN, COMMIT, savepoints not)",
            f"{api['statements']:.0f} (floor: {floor['statements']:.0f})",
        ),
        (
            "server CPU per API booking, median / p90",
            f"{api['cpu_ms']:.1f} ms / {api['cpu_p90_ms']:.1f} ms",
        ),
        (
            "server CPU per floor booking, median / p90",
            f"{floor['cpu_ms']:.1f} ms / {floor['cpu_p90_ms']:.1f} ms",
        ),
        ("API CPU ÷ floor CPU", f"{api['cpu_ms'] / floor['cpu_ms']:.2f}"),
        ("in-process requests refused, API / floor", f"{api['refused']} / {floor['refused']}"),
        ("attempts", f"{args.attempts} by {args.clients} clients on {args.desks} desks"),
        ("attempts per second, 1 daphne: API / floor", rates(one)),
        ("attempts per second, 2 daphnes: API / floor", rates(two)),
        (
            "floor ÷ API, 1 daphne / 2 daphnes",
            f"{one['floor']['rate'] / one['api']['rate']:.2f} / "
            f"{two['floor']['rate'] / two['api']['rate']:.2f}",
        ),
        (
            "booked / conflicts / refused / errors, API (1; 2 daphnes)",
            "; ".join(
                " / ".join(str(r["api"][k]) for k in ("booked", "conflict", "refused", "error"))
                for r in (one, two)
            ),
        ),
        (
            "overlaps in the table afterwards",
            str(sum(r[e]["overlaps"] for r in (one, two) for e in ("api", "floor"))),
        ),
    ]
    text = report.table(rows)
    print(text)
    failed = any(r[e]["error"] or r[e]["overlaps"] for r in (one, two) for e in ("api", "floor"))
    if not args.no_write:
        report.write_section(
            "hotpath",
            "Booking hot path against a framework floor (tests/bench/hotpath.py)",
            text,
            notes=(
                f"PostgreSQL {pg_version}. Statements and CPU: {args.samples} bookings one "
                "after another in the benchmark's process through Django's test client "
                "(the first tenth left out), CPU by time.process_time around the request "
                "(statements counted in a second pass over the same bookings, since 2026-12-08: "
                "capturing them in the timed pass had added its cost to every statement), "
                f"after {WARM_ROUNDS} untimed rounds of as many on each endpoint (before "
                "2026-12-07 the API was measured first, in a cold process, and the floor "
                "after it). "
                "The floor is a django-ninja endpoint of the benchmark's own server that "
                "inserts the same Booking row against the same exclusion constraint, with "
                "no authentication, rules, lock or outbox. The API's request relays only "
                "the live occupancy delta; reminders and invites are left to the outbox "
                "task, which no worker runs here. Throughput: random 1–4 h windows, the "
                "same for both endpoints, clients spread over the daphne processes, on two "
                "cores shared with the clients; the API refuses a client a second desk at "
                "the same time (one person, one desk), a rule the floor does not have."
            ),
            headlines=[
                report.headline(
                    "booking attempts per second through the API, 2 daphnes",
                    f"{two['api']['rate']:,.0f}/s",
                    f"{two['floor']['rate']:,.0f}/s, a minimal django-ninja insert",
                    two["api"]["rate"] / two["floor"]["rate"],
                )
            ],
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
