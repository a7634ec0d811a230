"""Benchmark: every report page and export over a year of a network's use.

    .venv/bin/python tests/bench/reports.py [--events 5000] [--visits 120000] [--runs 12]

Creates a throw-away PostgreSQL database, migrates it, loads the demo network of 26
centres with `seed_demo --no-history`, and writes a year of use in bulk
(`tests/bench/reports_data.py`): `--visits` visits (desk check-ins and walk-ins) and
`--events` events with their registrations and attendance. Then it asks for each report
the way a browser does, through Django's whole request stack with the test client, signed
in: the page, the CSV and the XLSX of the whole network's year (a network admin), of one
country, of one quarter, of one centre (its host), and of a donor's tagged events. Each
request is made `--runs` times after one untimed run; the figures are the p50 and p95 of
those, against the 2 s a donor or host should wait at most.

Not a test: nothing here asserts a timing.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench import database, report  # noqa: E402
from tests.bench.reports_data import write_year  # noqa: E402

TARGET_S = 2.0
# Marks the line of the timing run's output that carries its timings.
MEASURED = "timings: "
# Timed again in the process that wrote the year, as all of them were before 2026-12-07.
WRITER_CHECK = "network, a year"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=5000, help="Events in the year")
    parser.add_argument("--visits", type=int, default=120_000, help="Visits in the year")
    parser.add_argument("--days", type=int, default=365, help="Days of use, ending yesterday")
    parser.add_argument("--runs", type=int, default=10, help="Timed runs of each request")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="Small sizes: checks it works")
    parser.add_argument("--no-write", action="store_true", help="Print, write no report")
    parser.add_argument(
        "--profile", action="store_true", help="Print where the network's year page spends time"
    )
    database.add_server_url_argument(parser)
    # Internal: the timing run in a fresh process (`_measure`).
    parser.add_argument("--measure", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--today", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.events, args.visits, args.runs = 200, 3000, 3
    return args


def _requests(first: datetime.date, last: datetime.date, *, centre: int, tag: int):
    """(name, viewer, query) of every report asked for."""
    year = {"start": first.isoformat(), "end": last.isoformat()}
    quarter = {"start": (last - datetime.timedelta(days=90)).isoformat(), "end": last.isoformat()}
    return [
        ("network, a year", "admin", year),
        ("one country (AZ), a year", "admin", {**year, "country": "AZ"}),
        ("network, a quarter", "admin", quarter),
        ("one centre, a year (its host)", "host", {**year, "centre": str(centre)}),
        ("a donor's tagged events, a year", "donor", {**year, "tag": str(tag)}),
    ]


def _time(client, url: str, query: dict, runs: int) -> list[float]:
    response = client.get(url, query)  # untimed: warms the caches a real server has warm
    if response.status_code != 200:
        raise SystemExit(f"{url} {query} answered {response.status_code}")
    seconds = []
    for _run in range(runs):
        began = time.perf_counter()
        response = client.get(url, query)
        if response.status_code != 200:
            raise SystemExit(f"{url} {query} answered {response.status_code}")
        # An export's body is built while it is read: read it all.
        _body = response.content
        seconds.append(time.perf_counter() - began)
    return sorted(seconds)


def _profile(viewer, request) -> None:
    import cProfile
    import pstats

    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(viewer)
    client.get("/reports/", request[2])
    profiler = cProfile.Profile()
    profiler.runcall(client.get, "/reports/", request[2])
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats("cowork/", 40)
    stats.sort_stats("tottime").print_stats(15)


def _measure(args) -> None:
    """The timing run, in a process of its own (`--measure URL`): a server answering
    reports has not just written a year of rows in bulk, and the writing process, its
    memory grown and scattered by them, answers slower. Prints the timings as JSON."""
    database.setup_django(args.measure, {"SECURE_SSL_REDIRECT": "false"})
    timings = _timings(args, datetime.date.fromisoformat(args.today))
    print(MEASURED + json.dumps(timings), flush=True)


def _timings(args, today: datetime.date, *, only: str | None = None) -> list:
    """(report, kind, sorted seconds) of each request (of the report `only`, if given)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings

    from cowork.models import DonorAccess, Space

    users = get_user_model()
    viewers = {
        "admin": users.objects.get(username="admin"),
        "host": users.objects.get(username="host"),
        "donor": users.objects.get(username="bench.donor"),
    }
    tag = DonorAccess.objects.get(user=viewers["donor"]).tag_id
    centre = Space.objects.get(roles__user=viewers["host"]).pk
    last = today - datetime.timedelta(days=1)
    first = today - datetime.timedelta(days=args.days)
    # Static names straight from the apps' folders: no collectstatic run for a manifest.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    exports = (
        ("page", "/reports/"),
        ("CSV", "/reports/export.csv"),
        ("XLSX", "/reports/export.xlsx"),
    )
    timings = []
    with override_settings(STORAGES=storages):
        if args.profile:
            _profile(viewers["admin"], _requests(first, last, centre=centre, tag=tag)[0])
        for label, viewer, query in _requests(first, last, centre=centre, tag=tag):
            if only is not None and label != only:
                continue
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(viewers[viewer])
            for kind, path in exports:
                seconds = _time(client, path, query, args.runs)
                timings.append((label, kind, seconds))
                print(f"{label}, {kind}: p95 {report.percentile(seconds, 95):.2f} s", flush=True)
    return timings


def _measured(url: str, args, today: datetime.date) -> dict[tuple[str, str], list[float]]:
    command = [sys.executable, __file__, "--measure", url, "--today", today.isoformat()]
    command += ["--days", str(args.days), "--runs", str(args.runs)]
    command += ["--profile"] if args.profile else []
    child = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    lines = child.stdout.splitlines()
    print("\n".join(line for line in lines if not line.startswith(MEASURED)), flush=True)
    found = [line[len(MEASURED) :] for line in lines if line.startswith(MEASURED)]
    if child.returncode or not found:
        raise SystemExit(f"the timing run failed ({child.returncode})")
    return {(label, kind): seconds for label, kind, seconds in json.loads(found[0])}


def main():
    args = parse_args()
    if args.measure:
        _measure(args)
        return
    load_before = os.getloadavg()[0]
    name = f"cowork_bench_reports_{os.getpid()}"
    url, pg_version = database.create(args.server_url, name)
    try:
        database.setup_django(url, {"SECURE_SSL_REDIRECT": "false"})
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from cowork.models import DonorAccess

        call_command("migrate", verbosity=0)
        call_command("seed_demo", no_history=True, verbosity=0)
        today = timezone.now().date()
        began = time.perf_counter()
        tag, counts = write_year(
            events=args.events, visits=args.visits, days=args.days, today=today, seed=args.seed
        )
        written_in = time.perf_counter() - began
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(", ".join(f"{n:,} {what}" for what, n in counts.items()), f"in {written_in:.0f} s")
        donor = get_user_model().objects.create_user("bench.donor", password="x")
        DonorAccess.objects.create(user=donor, tag=tag)
        connection.close()
        timings = _measured(url, args, today)
        # The slowest report as measured before, in the process that wrote the year.
        print("the network's year, in the process that wrote it:")
        in_writer = max(
            report.percentile(seconds, 95)
            for _label, _kind, seconds in _timings(args, today, only=WRITER_CHECK)
        )
    finally:
        database.drop(args.server_url, name)

    visits = counts["desk check-ins"] + counts["walk-ins"]
    rows = [
        ("the year", ", ".join(f"{n:,} {what}" for what, n in counts.items())),
        ("written in bulk", f"{written_in:.0f} s"),
    ]
    worst = 0.0
    for (label, kind), seconds in timings.items():
        p50, p95 = report.percentile(seconds, 50), report.percentile(seconds, 95)
        worst = max(worst, p95)
        rows.append((f"{label}: {kind} p50 / p95", f"{p50:.2f} s / {p95:.2f} s"))
    rows.append(("slowest p95 of all", f"{worst:.2f} s (target {TARGET_S:.0f} s)"))
    rows.append(
        (
            f"{WRITER_CHECK}: slowest p95 in the process that wrote the year",
            f"{in_writer:.2f} s",
        )
    )
    rows.append(("load average (1 min) before the run", f"{load_before:.1f}"))
    # The machine may be shared: what others ran meanwhile shows here, not before.
    rows.append(("load average (1 min) after the run", f"{os.getloadavg()[0]:.1f}"))
    text = report.table(rows)
    print(text)
    if not args.no_write:
        report.write_section(
            "reports",
            "Reports and exports over a year of visits (tests/bench/reports.py)",
            text,
            notes=(
                f"`tests/bench/reports.py --events {args.events} --visits {args.visits} "
                f"--days {args.days} --runs {args.runs}` on PostgreSQL {pg_version}: the demo "
                "network from `seed_demo --no-history` and a year written in bulk "
                "(tests/bench/reports_data.py): a third of the visits desk bookings checked "
                "in, the rest walk-ins, some of them members signing in at the door on a day "
                "they also checked in; events of one two-hour session with 8 to 24 "
                "registrations, three in four attending, three in ten carrying the donor's "
                "tag. Each request through Django's whole stack with the test client, signed "
                f"in, timed {args.runs} times after one untimed run, the body read in full, in "
                "a Python process started once the year is written, as a server's is. The "
                "figures before 2026-12-07 were measured in the process that wrote the year, "
                "its memory grown by a year of rows; the network's year is timed there too, "
                "after the others, for comparison. "
                "The page lists the first 100 events (with their sentences); the CSV and "
                "XLSX hold every one. PostgreSQL connections run with jit=off (the settings). "
                "The anchor is the 2 s target a report must answer within."
            ),
            headlines=[
                report.headline(
                    f"slowest report or export p95, {visits:,} visits and {counts['events']:,}"
                    " events in a year",
                    f"{worst:.2f} s",
                    f"{TARGET_S:.0f} s target",
                    worst / TARGET_S,
                )
            ],
        )


if __name__ == "__main__":
    main()
