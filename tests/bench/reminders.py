"""Benchmark: 10,000 SMS reminders due in the same minute, drained by two task clusters.

    .venv/bin/python tests/bench/reminders.py [--reminders 10000] [--rate 200] [--clusters 2]

Creates a throw-away PostgreSQL database, migrates it and makes one centre with desks and
one confirmed booking (and its BOOKING_REMINDER row) per reminder, so each send goes the
whole way a real reminder goes: claim, render with the booking's facts, the real twilio
client, record. A fake Twilio server runs in this process on a free loopback port and
accepts `--rate` messages a second (0: no limit), answering Twilio's 429 beyond that; the
dispatcher retries those. `--clusters` separate `manage.py qcluster` processes, each with
its default workers, do the sending; `apply_schedules` installs the every-minute schedule.

Once the clusters are up, every reminder is made due at one moment a few seconds ahead.
At that moment this script enqueues one `send_due_sms_task` per worker with `async_task`,
as `dispatch_soon` would, rather than waiting up to a minute for the schedule: lateness
measures the dispatcher, not where the minute's tick happened to fall. A task whose first
batch is full asks for another, so the queue keeps itself fed until nothing is due.

Lateness of a message is the time the fake read its accepted create request minus its
due_at. The drain time is the lateness of the last one. The fake's rate limit is the floor
(reminders ÷ rate seconds); the drain time is reported against it.

Not a test: nothing here asserts a timing. It exits non-zero if a message was sent twice
or not at all.
"""

import argparse
import collections
import contextlib
import datetime
import io
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench import database, report  # noqa: E402

TWILIO_BACKEND = "notifications.sms.backends.twilio.TwilioBackend"
DESKS = 100
# Rows are made far from due, and moved to one due moment only once every cluster runs.
PARKED = datetime.timedelta(days=1)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument(
        "--rate", type=float, default=200, help="Messages a second the fake accepts; 0: no limit"
    )
    parser.add_argument("--clusters", type=int, default=2, help="`manage.py qcluster` processes")
    parser.add_argument(
        "--lead",
        type=float,
        default=5,
        help="Seconds between the clusters being up and the reminders falling due",
    )
    parser.add_argument(
        "--timeout", type=float, default=0, help="Give up draining after this many seconds"
    )
    database.add_server_url_argument(parser)
    parser.add_argument("--no-write", action="store_true", help="Do not update docs/benchmarks.md")
    return parser.parse_args()


def seed(count: int) -> None:
    """A centre with desks, a member, and `count` confirmed bookings tomorrow, each with a
    reminder row parked a day ahead."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from cowork.models import Booking, Member, Resource
    from notifications.models import Notification

    space = report.bench_centre(
        languages=["uk", "en"],
        safety_capacity=DESKS,
        # No quiet hours: the benchmark measures sending, whatever the hour it runs at.
        sms_quiet_from=datetime.time(0),
        sms_quiet_until=datetime.time(0),
        # Every reminder goes to a number never reached before; the daily allowance for
        # those (20 by default) would cancel all but a few.
        sms_unverified_daily_limit=count,
    )
    desks = Resource.objects.bulk_create(
        Resource(space=space, kind="desk", name=f"Desk {n:03d}") for n in range(1, DESKS + 1)
    )
    user = get_user_model().objects.create(username="bench")
    Member.objects.create(user=user, phone="+380500000001", language="uk")

    # Back-to-back half hours on each desk, so the overlap constraint has nothing to refuse.
    first = (timezone.now() + datetime.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    bookings = []
    for n in range(count):
        starts_at = first + datetime.timedelta(minutes=30 * (n // DESKS))
        ends_at = starts_at + datetime.timedelta(minutes=30)
        bookings.append(
            Booking(
                resource=desks[n % DESKS],
                space=space,
                booked_by=user,
                starts_at=starts_at,
                ends_at=ends_at,
                blocked_until=ends_at,
                status="confirmed",
                currency="UAH",
            )
        )
    bookings = Booking.objects.bulk_create(bookings, batch_size=2000)
    parked = timezone.now() + PARKED
    Notification.objects.bulk_create(
        (
            Notification(
                key=f"booking:{booking.pk}:reminder:60",
                kind=Notification.Kind.BOOKING_REMINDER,
                space=space,
                booking=booking,
                phone=f"+38050{2000000 + n}",
                language="uk" if n % 2 else "en",
                minutes_before=60,
                # Essential, so the month's budget cannot cancel any: this measures sending.
                essential=True,
                due_at=parked,
                next_attempt_at=parked,
            )
            for n, booking in enumerate(bookings)
        ),
        batch_size=2000,
    )


class Cluster:
    """One `manage.py qcluster` in its own process group; only that group is stopped."""

    def __init__(self, number: int, env: dict[str, str], log_dir: Path):
        self.log_path = log_dir / f"qcluster-{number}.log"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def running(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"qcluster exited early; see {self.log_path}:\n{self.tail()}")
        return " running." in self.log_path.read_text()

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.log_path.read_text().splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            # The leader alone: it stops its workers in a second, while a cluster whose
            # workers got the signal too waits for them for good.
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # workers left behind, if any
        self._log.close()


def row_of(request) -> int | None:
    """The Notification row a create request at the fake was for: its status-callback URL
    ends in ?n=<id> (Twilio keeps no idempotency keys to tell sends apart by)."""
    _, marker, pk = request.form.get("StatusCallback", "").rpartition("?n=")
    return int(pk) if marker and pk.isdigit() else None


def db_counts() -> dict[str, int]:
    from django.db.models import Count

    from notifications.models import Notification

    rows = Notification.objects.values_list("status").annotate(n=Count("id"))
    return dict(rows)


def drain(fake, total: int, timeout: float) -> tuple[dict[str, int], bool]:
    """Show progress until no row is PENDING or SENDING; return the last counts and
    whether it finished inside `timeout`."""
    from django.db import connection
    from tqdm import tqdm

    deadline = time.monotonic() + timeout
    with tqdm(total=total, desc="accepted by the fake", unit="sms") as progress:
        while True:
            accepted = len(fake.messages)
            progress.update(accepted - progress.n)
            counts = db_counts()
            connection.close()
            busy = counts.get("pending", 0) + counts.get("sending", 0)
            progress.set_postfix(pending=counts.get("pending", 0), refresh=False)
            if not busy:
                progress.update(len(fake.messages) - progress.n)
                return counts, True
            if time.monotonic() > deadline:
                return counts, False
            time.sleep(0.5)


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def main():
    args = parse_args()
    load_before = os.getloadavg()[0]

    from tests.notifications.sms.fake_twilio import FAKE_MESSAGING_SERVICE_SID, FakeTwilio

    name = f"cowork_bench_reminders_{os.getpid()}"
    url, pg_version = database.create(args.server_url, name)
    clusters: list[Cluster] = []
    log_dir = Path(tempfile.mkdtemp(prefix="cowork-reminders-"))
    fake = FakeTwilio(rate_per_second=args.rate)
    try:
        fake.__enter__()
        environment = {
            "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-key"),
            "SMS_BACKEND": TWILIO_BACKEND,
            "TWILIO_ACCOUNT_SID": fake.account_sid,
            "TWILIO_AUTH_TOKEN": fake.auth_token,
            "TWILIO_MESSAGING_SERVICE_SID": FAKE_MESSAGING_SERVICE_SID,
            "TWILIO_API_BASE_URL": fake.base_url,
            "LOG_FORMAT": "console",
            # django-q2 says " running." at INFO once a cluster is up; that is what we wait for.
            "Q_LOG_LEVEL": "INFO",
            # The network's allowance of SMS to new numbers, likewise.
            "SMS_UNVERIFIED_NETWORK_DAILY_LIMIT": str(args.reminders),
        }
        database.setup_django(url, environment)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone
        from django_q.models import Task
        from django_q.tasks import async_task

        from notifications.models import Notification

        call_command("migrate", verbosity=0)
        call_command("apply_schedules", stdout=io.StringIO())
        began = time.perf_counter()
        seed(args.reminders)
        print(
            f"seeded {args.reminders} bookings and reminders in {time.perf_counter() - began:.1f} s"
        )
        connection.close()

        env = {**os.environ, **environment, "DATABASE_URL": url}
        env.pop("REDIS_URL", None)
        workers = settings.Q_CLUSTER["workers"]
        clusters = [Cluster(number, env, log_dir) for number in range(1, args.clusters + 1)]
        deadline = time.monotonic() + 60
        while not all(cluster.running() for cluster in clusters):
            if time.monotonic() > deadline:
                raise RuntimeError("the clusters did not start within 60 s")
            time.sleep(0.2)
        print(f"{args.clusters} qcluster processes with {workers} workers each are up")

        due_at = timezone.now() + datetime.timedelta(seconds=args.lead)
        Notification.objects.update(due_at=due_at, next_attempt_at=due_at)
        connection.close()
        time.sleep(max(0.0, due_at.timestamp() - time.time()))
        kicks = args.clusters * workers
        for _ in range(kicks):
            async_task(
                "notifications.tasks.send_due_sms_task", task_name="send due SMS", group="sms"
            )
        connection.close()

        floor = args.reminders / args.rate if args.rate else 0.0
        timeout = args.timeout or max(600.0, 4 * floor + 120)
        counts, finished = drain(fake, args.reminders, timeout)
        rows = list(Notification.objects.values_list("pk", "status", "attempts", "error_code"))
        runs = Task.objects.filter(func="notifications.tasks.send_due_sms_task")
        task_runs, failed_task_runs = runs.count(), runs.filter(success=False).count()
        connection.close()
    finally:
        for cluster in clusters:
            cluster.stop()
        fake.__exit__(None, None, None)
        database.drop(args.server_url, name)

    due = due_at.timestamp()
    accepted = fake.messages
    creates = [r for r in fake.requests if r.method == "POST"]
    by_key = collections.Counter(row_of(r) for r in accepted)
    by_body = collections.Counter(r.form.get("Body", "") for r in accepted)
    duplicates = sum(n - 1 for n in by_key.values() if n > 1)
    duplicate_bodies = sum(n - 1 for n in by_body.values() if n > 1)
    first_received = {}
    for request in accepted:
        first_received.setdefault(row_of(request), request.received_at)
    keys = {pk for pk, *_ in rows}
    lost = len(keys - first_received.keys())
    not_sent = [row for row in rows if row[1] not in {"sent", "delivered"}]
    lateness = sorted(moment - due for moment in first_received.values())
    drain_time = lateness[-1] if lateness else float("nan")
    retried_rows = sum(1 for row in rows if row[2] > 1)
    errors = collections.Counter(row[3] for row in not_sent)

    table_rows = [
        (
            "reminders, clusters × workers",
            f"{args.reminders} due at one moment, {args.clusters} × {workers}",
        ),
        ("database connections in the clusters", "cowork/config/settings.py's pool"),
        ("fake Twilio rate limit", f"{args.rate:g} messages/s" if args.rate else "none"),
        ("time to drain (due → last SMS at the fake)", seconds(drain_time)),
        (
            "floor: reminders ÷ rate limit",
            seconds(floor) if args.rate else "none (no rate limit)",
        ),
        (
            "drain ÷ floor",
            f"{drain_time / floor:.2f}" if args.rate and floor else "n/a",
        ),
        ("messages per second (due → last)", f"{len(lateness) / drain_time:.0f}"),
        (
            "lateness p50 / p99 / max",
            f"{seconds(report.percentile(lateness, 50))} / "
            f"{seconds(report.percentile(lateness, 99))} / {seconds(drain_time)}",
        ),
        ("first SMS after due", seconds(lateness[0]) if lateness else "n/a"),
        ("create requests / answered 429", f"{len(creates)} / {len(creates) - len(accepted)}"),
        ("duplicates (rows accepted twice; same body twice)", f"{duplicates}; {duplicate_bodies}"),
        ("lost (never reached the fake)", str(lost)),
        (
            "rows not SENT/DELIVERED",
            f"{len(not_sent)}" + (f" {dict(errors)}" if not_sent else ""),
        ),
        ("rows retried after a 429", str(retried_rows)),
        ("send_due_sms_task runs / failed", f"{task_runs} / {failed_task_runs}"),
        ("load average (1 min) before the run", f"{load_before:.1f}"),
    ]
    if not finished:
        table_rows.append(("gave up waiting after", seconds(timeout)))
    text = report.table(table_rows)
    print(text)
    print(f"final statuses: {counts}; cluster logs in {log_dir}")
    if not args.no_write:
        report.write_section(
            "reminders",
            f"SMS reminders: {args.reminders:,} due at once (tests/bench/reminders.py)",
            text,
            notes=(
                f"PostgreSQL {pg_version}; {args.clusters} `manage.py qcluster` processes with "
                f"{workers} workers each (ORM broker, poll 0.5 s); the real twilio client "
                "against a fake Twilio on loopback in the benchmark process, which accepts "
                f"{f'{args.rate:g} messages a second' if args.rate else 'every message'} and "
                "answers 429 beyond that (the dispatcher retries those). Each reminder belongs "
                "to a real confirmed booking and is rendered at the claim. When every cluster "
                f"was up, all rows were made due {args.lead:g} s ahead; at that moment "
                f"{kicks} `send_due_sms_task` tasks were enqueued with `async_task` (as "
                "`dispatch_soon` does) instead of waiting up to a minute for the schedule, so "
                "lateness leaves out where the minute's tick falls: add up to 60 s for a "
                "reminder that only the schedule picks up. Lateness = the fake's receive time "
                "of the accepted create − due_at. The floor is what the provider's rate limit "
                "alone allows."
            ),
            headlines=(
                [
                    report.headline(
                        f"SMS reminders: {args.reminders:,} due at once, due → last SMS",
                        seconds(drain_time),
                        f"{seconds(floor)}, the provider's {args.rate:g}/s rate limit alone",
                        drain_time / floor,
                    )
                ]
                if args.rate and finished
                else []
            ),
        )
    sys.exit(1 if duplicates or lost or not_sent else 0)


if __name__ == "__main__":
    main()
