"""Benchmark: a web process killed mid-burst, restarted, and the next burst it serves.

    .venv/bin/python tests/bench/crash.py [--clients 60] [--redis-url URL]

Creates a throw-away PostgreSQL database, migrates it, and seeds a centre whose members
all have a phone and an e-mail address (so every booking makes SMS rows and a calendar
invite). Then, against real daphne processes on free loopback ports:

1. a fresh process serves a burst of `--clients` concurrent API bookings (the baseline);
2. a second process, whose invites go to a mail server that never answers, gets the next
   burst and is killed (SIGKILL) once 15 bookings are committed and stuck in their relay:
   the backlog a crash leaves;
3. once the dead process's claims on those events have lapsed, a new process serves a
   third burst, which meets that backlog;
4. a last burst on the same process checks that it still serves (no stuck pool).

It prints and writes to docs/benchmarks.md how long each burst took, its errors and
time-outs, the transactions PostgreSQL rolled back meanwhile (each unique violation a
subscriber ran into was one), and what was left unpublished. Not a test: nothing here
asserts a timing.
"""

import argparse
import datetime
import os
import signal
import sys
import threading
import time
import zoneinfo
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench import database, report  # noqa: E402
from tests.bench.booking import Daphne  # noqa: E402
from tests.servers import SilentMailServer  # noqa: E402

ZONE = zoneinfo.ZoneInfo("Europe/Kyiv")
REQUEST_TIMEOUT = 60


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=60)
    database.add_server_url_argument(parser)
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        help="The channel layer's Redis; empty for the in-memory layer.",
    )
    parser.add_argument("--no-write", action="store_true", help="Do not update docs/benchmarks.md")
    return parser.parse_args()


def seed(clients: int):
    """A centre open all day with a desk per booking of the run, a member per client."""
    from django.contrib.auth import get_user_model

    from cowork.models import Member, Resource
    from cowork.services.api_tokens import api_token_create

    bursts = 4  # fresh, killed, after the crash, and the next
    space = report.bench_centre(
        open_daily=(datetime.time(0), datetime.time(23, 45)),
        safety_capacity=10_000,
        max_active_bookings=100,
        max_hours_per_week=168,
        max_days_ahead=60,
    )
    desks = [
        Resource.objects.create(space=space, kind="desk", name=f"Desk {n:03d}").pk
        for n in range(clients * bursts)
    ]
    user_model = get_user_model()
    tokens = []
    for n in range(clients):
        user = user_model.objects.create(
            username=f"crash{n}", email=f"crash{n}@example.org", first_name=f"Person {n}"
        )
        Member.objects.create(user=user, phone=f"+38050{3000000 + n}", language="uk")
        tokens.append(api_token_create(user=user, name="bench")[1])
    return desks, tokens


class Burst:
    """`len(tokens)` clients each posting one booking at once, on a connection of its own."""

    def __init__(self, url, tokens, desks, *, day):
        self.url, self.tokens, self.desks, self.day = url, tokens, desks, day
        self.statuses: list[int | str] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.elapsed = 0.0

    def _book(self, token, desk):
        import requests

        start = datetime.datetime.combine(self.day, datetime.time(10), tzinfo=ZONE)
        body = {
            "resource": desk,
            "starts_at": start.isoformat(),
            "ends_at": (start + datetime.timedelta(hours=1)).isoformat(),
        }
        try:
            response = requests.post(
                f"{self.url}/api/v1/bookings",
                json=body,
                headers={"Authorization": f"Bearer {token}"},
                timeout=REQUEST_TIMEOUT,
            )
            outcome = response.status_code
            detail = response.text[:200]
        except requests.Timeout:
            outcome, detail = "timeout", ""
        except requests.ConnectionError as error:
            outcome, detail = "refused", str(error)[:200]
        with self.lock:
            self.statuses.append(outcome)
            if outcome != 201 and len(self.errors) < 5:
                self.errors.append(f"{outcome} {detail}")

    def start(self):
        self.began = time.perf_counter()
        self.threads = [
            threading.Thread(target=self._book, args=(token, desk), daemon=True)
            for token, desk in zip(self.tokens, self.desks, strict=True)
        ]
        for thread in self.threads:
            thread.start()
        return self

    def join(self):
        for thread in self.threads:
            thread.join()
        self.elapsed = time.perf_counter() - self.began
        return self

    def counts(self) -> str:
        kinds = {}
        for status in self.statuses:
            kinds[status] = kinds.get(status, 0) + 1
        return ", ".join(f"{kinds[k]}× {k}" for k in sorted(kinds, key=str))


def rollbacks(db, name: str) -> int:
    """Transactions rolled back in the database, once the servers' backends have ended
    (which is when theirs are surely counted)."""
    deadline = time.monotonic() + 30
    while (
        time.monotonic() < deadline
        and db.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchone()[0]
    ):
        time.sleep(0.2)
    db.execute("SELECT pg_stat_clear_snapshot()")
    return db.execute(
        "SELECT xact_rollback FROM pg_stat_database WHERE datname = %s", (name,)
    ).fetchone()[0]


def unpublished(db) -> int:
    return db.execute(
        "SELECT count(*) FROM cowork_domainevent WHERE published_at IS NULL"
    ).fetchone()[0]


def main():
    args = parse_args()
    import psycopg
    import requests

    name = f"cowork_crash_bench_{os.getpid()}"
    url, _version = database.create(args.server_url, name)
    processes: list[Daphne] = []
    mail = None
    try:
        database.setup_django(url)
        from django.core.management import call_command
        from django.db import connection

        from cowork import outbox

        call_command("migrate", verbosity=0)
        desks, tokens = seed(args.clients)
        connection.close()
        n = args.clients
        day = datetime.datetime.now(ZONE).date() + datetime.timedelta(days=2)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECURE_SSL_REDIRECT": "false",
            "CHANNELS_PREFIX": name,
        }
        env.pop("REDIS_URL", None)
        if args.redis_url:
            env["REDIS_URL"] = args.redis_url
        db = psycopg.connect(url, autocommit=True)

        fresh_process = Daphne(env)
        processes.append(fresh_process)
        fresh = Burst(fresh_process.url, tokens, desks[:n], day=day).start().join()
        fresh_process.stop()
        print(f"fresh process: {fresh.elapsed:.1f} s ({fresh.counts()})", flush=True)

        mail = SilentMailServer()
        doomed = Daphne(
            {**env, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(mail.port), "EMAIL_TIMEOUT": "600"}
        )
        processes.append(doomed)
        cut_short = Burst(doomed.url, tokens, desks[n : 2 * n], day=day).start()
        second_burst = desks[n : 2 * n]
        while db.execute(
            "SELECT count(*) FROM cowork_booking WHERE resource_id = ANY(%s)", (second_burst,)
        ).fetchone()[0] < min(15, n):
            time.sleep(0.05)
        doomed.process.send_signal(signal.SIGKILL)
        doomed.process.wait()
        cut_short.join()
        mail.close()
        backlog = unpublished(db)
        print(f"killed mid-burst: {cut_short.counts()}; {backlog} events unrelayed", flush=True)
        # The dead process's claims on those events lapse; then they are a stale backlog.
        time.sleep(outbox.CLAIM_SECONDS + 1)
        before = rollbacks(db, name)

        restarted = Daphne(env)
        processes.append(restarted)
        after_crash = Burst(restarted.url, tokens, desks[2 * n : 3 * n], day=day).start().join()
        print(f"after the crash: {after_crash.elapsed:.1f} s ({after_crash.counts()})", flush=True)
        for error in after_crash.errors:
            print("  error:", error, flush=True)
        again = Burst(restarted.url, tokens, desks[3 * n :], day=day).start().join()
        readiness = requests.get(f"{restarted.url}/readyz", timeout=REQUEST_TIMEOUT).json()[
            "checks"
        ]["database"]
        restarted.stop()
        storm = rollbacks(db, name) - before
        left = unpublished(db)
        print(
            f"next burst: {again.elapsed:.1f} s ({again.counts()}); /readyz database: "
            f"{readiness['status']}; {storm} transactions rolled back; {left} unpublished",
            flush=True,
        )
        db.close()
    finally:
        for process in processes:
            if process.process.poll() is None:
                process.stop()
        if mail is not None:
            mail.close()
        database.drop(args.server_url, name)

    rows = [
        ("clients per burst", f"{n}, one booking each"),
        ("fresh process: burst took", f"{fresh.elapsed:.1f} s ({fresh.counts()})"),
        ("events left unrelayed by the killed process", str(backlog)),
        (
            "restarted process, with that backlog: burst took",
            f"{after_crash.elapsed:.1f} s ({after_crash.counts()})",
        ),
        (
            "restarted process: next burst",
            f"{again.elapsed:.1f} s ({again.counts()}); /readyz database {readiness['status']}",
        ),
        ("transactions rolled back during both", str(storm)),
        ("events unpublished at the end", str(left)),
        ("after the crash ÷ fresh", f"{after_crash.elapsed / fresh.elapsed:.2f}"),
    ]
    text = report.table(rows)
    print(text)
    if not args.no_write:
        report.write_section(
            "crash",
            "A web process killed mid-burst (tests/bench/crash.py)",
            text,
            notes=(
                f"Daphne processes on PostgreSQL, one at a time, {n} client threads each "
                "posting one booking on a connection of its own; every member has a phone "
                "and an e-mail address, so each booking makes SMS rows and a calendar "
                "invite. The killed process's invites went to a mail server that never "
                "answers, and it was killed once 15 bookings were committed, their events "
                "unrelayed; the restarted process met them once its claims had lapsed "
                f"({outbox.CLAIM_SECONDS} s). The same script on the code before relays "
                "claimed events (every commit then relayed the whole backlog): 5.7 s fresh, "
                "then 60.2 s after the crash with 50 of 60 bookings timed out at 60 s, the "
                "next burst timed out whole, 12,615 transactions rolled back."
            ),
            headlines=[
                report.headline(
                    f"a burst of {n} bookings on a process restarted after a crash",
                    f"{after_crash.elapsed:.1f} s",
                    f"{fresh.elapsed:.1f} s, the same burst on a fresh process",
                    after_crash.elapsed / fresh.elapsed,
                )
            ],
        )
    failed = [s for b in (after_crash, again) for s in b.statuses if s != 201]
    sys.exit(1 if failed or storm else 0)


if __name__ == "__main__":
    main()
