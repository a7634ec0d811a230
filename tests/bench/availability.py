"""Benchmark: availability search over a year of bookings across the demo network.

    .venv/bin/python tests/bench/availability.py [--days 365] [--ahead 60] [--searches 2000]

Creates a throw-away PostgreSQL database, migrates it, loads the demo network of 26
centres with `seed_demo`, and writes `--days` days of bookings of every desk and room,
ending `--ahead` days from now: each resource's days filled on the booking grid inside its
centre's opening hours (no bookings on closed days), desks for an hour to a whole day,
rooms for one to three hours plus the room buffer. Past bookings are completed, released
or cancelled, future ones confirmed or pending; some cancelled ones were booked again, so
inactive rows overlap active ones as they do in a real table. The rows go in with
bulk_create, so the exclusion constraint checks every one.

Then it times the real selector, `cowork.selectors.availability.free_resources`, for
random windows in the bookable future: one centre and one kind (the booking search page),
and the whole network (the API without `space`). Each window is also answered by one
hand-written SQL query on the same tables over a plain psycopg connection (the floor),
in random order with the selector, and the two answers are compared. The figures are
printed and written to docs/benchmarks.md.

Not a test: nothing here asserts a timing. It exits non-zero only if the selector and
the floor disagree about a window.
"""

import argparse
import datetime
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench import database, report  # noqa: E402
from tests.bench.availability_data import load_centres, write_bookings  # noqa: E402

WARM_UP = 20
SEARCH_LENGTHS = (60, 120, 180, 240)

# The same question as free_resources, written by hand: the range test is the exclusion
# constraint's own expression, so PostgreSQL may answer it from the constraint's index.
FLOOR_SQL = """
SELECT r.id
  FROM cowork_resource r JOIN cowork_space s ON s.id = r.space_id
 WHERE NOT r.out_of_service AND s.is_active {where}
   AND NOT EXISTS (
       SELECT FROM cowork_booking b
        WHERE b.resource_id = r.id
          AND b.status IN ('pending', 'confirmed', 'checked_in')
          AND tstzrange(b.starts_at, b.blocked_until, '[)')
              && tstzrange(%(starts_at)s, %(ends_at)s, '[)'))
 ORDER BY s.country, s.city, r.kind, r.name
"""
FLOOR_CENTRE = FLOOR_SQL.format(where="AND r.space_id = %(space)s AND r.kind = %(kind)s")
FLOOR_NETWORK = FLOOR_SQL.format(where="AND r.kind = %(kind)s")

# How a plan reaches each table: "Seq Scan on t", "Index Scan using i on t", and so on.
ACCESS_PATH = re.compile(
    r"(Seq Scan|Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)?"
    r"(?: using (\w+))?(?: on (\w+))?"
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=365, help="Days of bookings in all")
    parser.add_argument(
        "--ahead",
        type=int,
        default=60,
        help="Of those, days from today on (the demo centres take bookings 60 days ahead)",
    )
    parser.add_argument("--searches", type=int, default=2000, help="One-centre searches timed")
    parser.add_argument(
        "--network-searches", type=int, default=500, help="Whole-network searches timed"
    )
    database.add_server_url_argument(parser)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--explain", action="store_true", help="Print both query plans of the last window"
    )
    parser.add_argument("--no-write", action="store_true", help="Do not update docs/benchmarks.md")
    args = parser.parse_args()
    if not 0 < args.ahead < args.days:
        parser.error("--ahead must be at least 1 and less than --days")
    return args


# --- the searches ---------------------------------------------------------------------------


def search_windows(centres, count: int, *, ahead: int, now, rng):
    """Random (centre, kind, start, end) on the grid inside opening hours, in the bookable
    future: what people search for."""
    from cowork.models import Resource

    result = []
    while len(result) < count:
        centre = rng.choice(centres)
        today = now.astimezone(centre.zone).date()
        day = today + datetime.timedelta(days=rng.randrange(1, ahead))
        periods = centre.periods(day)
        if not periods:
            continue
        opens, closes = rng.choice(periods)
        length = min(rng.choice(SEARCH_LENGTHS), closes - opens)
        grid = centre.space.booking_grid_minutes
        start = opens + rng.randrange(0, (closes - length - opens) // grid + 1) * grid
        kind = Resource.Kind.ROOM if rng.random() < 0.3 else Resource.Kind.DESK
        starts_at = centre.at(day, start)
        result.append((centre, kind, starts_at, starts_at + datetime.timedelta(minutes=length)))
    return result


class QueryTimer:
    """An execute_wrapper: counts the selector's queries, their time, and keeps the last."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self.last: tuple[str, object] | None = None

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - began
            self.count += 1
            self.last = (sql, params)


class Timings:
    def __init__(self):
        self.ours: list[float] = []
        self.ours_sql: list[float] = []
        self.floor: list[float] = []
        self.queries: list[int] = []
        self.free: list[int] = []
        self.disagreements: list[str] = []
        self.last_query: tuple[str, object] | None = None

    def p(self, values: list[float], pct: float) -> float:
        return report.percentile(sorted(values), pct)


def time_searches(windows, floor_connection, *, network: bool, rng, progress) -> Timings:
    from django.db import connection

    from cowork.selectors.availability import free_resources

    timings = Timings()
    floor_sql = FLOOR_NETWORK if network else FLOOR_CENTRE
    for index, (centre, kind, starts_at, ends_at) in enumerate(windows):
        params = {
            "starts_at": starts_at,
            "ends_at": ends_at,
            "space": centre.space.pk,
            "kind": str(kind),
        }
        space = None if network else centre.space
        timer = QueryTimer()

        def ours(space=space, kind=kind, starts_at=starts_at, ends_at=ends_at, timer=timer):
            with connection.execute_wrapper(timer):
                began = time.perf_counter()
                found = free_resources(starts_at=starts_at, ends_at=ends_at, space=space, kind=kind)
                return time.perf_counter() - began, [resource.pk for resource in found]

        def floor(params=params):
            began = time.perf_counter()
            rows = floor_connection.execute(floor_sql, params).fetchall()
            return time.perf_counter() - began, [row[0] for row in rows]

        # Random order, so neither side always runs on caches the other has just warmed.
        if rng.random() < 0.5:
            (our_seconds, our_ids), (floor_seconds, floor_ids) = ours(), floor()
        else:
            (floor_seconds, floor_ids), (our_seconds, our_ids) = floor(), ours()
        # As sets: both sort by country, city, kind and name, which need not be unique.
        if set(our_ids) != set(floor_ids):
            timings.disagreements.append(
                f"{centre.space.slug if not network else 'network'} {kind} "
                f"{starts_at.isoformat()}–{ends_at.isoformat()}: "
                f"selector {len(our_ids)}, floor {len(floor_ids)}"
            )
        if index >= WARM_UP:
            timings.ours.append(our_seconds)
            timings.ours_sql.append(timer.seconds)
            timings.floor.append(floor_seconds)
            timings.queries.append(timer.count)
            timings.free.append(len(our_ids))
        timings.last_query = timer.last
        progress.update(1)
    return timings


def plans(timings: Timings, floor_connection, window, *, network: bool, show: bool):
    """How each side's plan reads the tables for one window, from EXPLAIN ANALYZE."""
    from django.db import connection

    sql, params = timings.last_query
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        ours = "\n".join(row[0] for row in cursor.fetchall())
    centre, kind, starts_at, ends_at = window
    floor_params = {
        "starts_at": starts_at,
        "ends_at": ends_at,
        "space": centre.space.pk,
        "kind": str(kind),
    }
    floor_sql = FLOOR_NETWORK if network else FLOOR_CENTRE
    floor = "\n".join(
        row[0]
        for row in floor_connection.execute(
            "EXPLAIN (ANALYZE, BUFFERS) " + floor_sql, floor_params
        ).fetchall()
    )
    if show:
        print(f"--- selector plan ({'network' if network else 'centre'})\n{ours}")
        print(f"--- floor plan ({'network' if network else 'centre'})\n{floor}")

    def access_paths(plan: str) -> str:
        paths = []
        for node, index, table in ACCESS_PATH.findall(plan):
            # A bitmap index scan names its index after "on", not "using".
            index = table if node == "Bitmap Index Scan" else index
            paths.append(f"`{index}`" if index else f"{node.lower()} of `{table}`")
        return ", ".join(dict.fromkeys(paths))

    return access_paths(ours), access_paths(floor)


# --- main -----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def main():
    args = parse_args()
    load_before = os.getloadavg()[0]
    import psycopg
    from tqdm import tqdm

    name = f"cowork_bench_availability_{os.getpid()}"
    url, pg_version = database.create(args.server_url, name)
    results: dict[str, Timings] = {}
    try:
        database.setup_django(url)
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from cowork.models import ACTIVE_STATUSES, Booking

        call_command("migrate", verbosity=0)
        call_command("seed_demo", verbosity=1)
        centres = load_centres()
        rng = random.Random(args.seed)
        now = timezone.now()
        began = time.perf_counter()
        stored = write_bookings(centres, days=args.days, ahead=args.ahead, now=now, rng=rng)
        generated_in = time.perf_counter() - began
        # A live table has been vacuumed and analysed by autovacuum; a freshly loaded one
        # has neither statistics nor a visibility map, and the planner would guess.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE cowork_booking, cowork_resource, cowork_space")
        active = Booking.objects.filter(status__in=ACTIVE_STATUSES).count()
        bookable = sum(len(centre.resources) for centre in centres)
        print(
            f"{stored:,} bookings ({active:,} active) of {bookable} desks and rooms in "
            f"{len(centres)} centres, written in {generated_in:.1f} s"
        )

        scenarios = {
            "centre": search_windows(
                centres, args.searches + WARM_UP, ahead=args.ahead, now=now, rng=rng
            ),
            "network": search_windows(
                centres, args.network_searches + WARM_UP, ahead=args.ahead, now=now, rng=rng
            ),
        }
        access = {}
        with psycopg.connect(url, autocommit=True) as floor_connection:
            for scenario, windows in scenarios.items():
                network = scenario == "network"
                with tqdm(total=len(windows), desc=f"{scenario} searches", unit="search") as bar:
                    results[scenario] = time_searches(
                        windows, floor_connection, network=network, rng=rng, progress=bar
                    )
                access[scenario] = plans(
                    results[scenario],
                    floor_connection,
                    windows[-1],
                    network=network,
                    show=args.explain,
                )
    finally:
        database.drop(args.server_url, name)

    labels = {
        "centre": "one centre, one kind (desk or room)",
        "network": "whole network, one kind",
    }
    rows = [
        (
            "bookings",
            f"{stored:,} over {args.days} days, {args.ahead} of them ahead ({active:,} active), "
            f"on {bookable} desks and rooms in {len(centres)} centres",
        ),
        ("written with bulk_create", f"{generated_in:.1f} s"),
    ]
    headlines = []
    disagreements = []
    for scenario, timings in results.items():
        label = labels[scenario]
        ours_p50, ours_p99 = timings.p(timings.ours, 50), timings.p(timings.ours, 99)
        floor_p50, floor_p99 = timings.p(timings.floor, 50), timings.p(timings.floor, 99)
        queries = sorted(set(timings.queries))
        rows += [
            (
                f"{label}: searches timed",
                f"{len(timings.ours)} (free results p50 {timings.p(timings.free, 50):.0f})",
            ),
            (f"{label}: free_resources p50 / p99", f"{ms(ours_p50)} / {ms(ours_p99)}"),
            (
                f"{label}: of which executing its SQL, p50 / p99",
                f"{ms(timings.p(timings.ours_sql, 50))} / {ms(timings.p(timings.ours_sql, 99))}",
            ),
            (f"{label}: queries per search", " or ".join(str(n) for n in queries)),
            (f"{label}: plain SQL floor p50 / p99", f"{ms(floor_p50)} / {ms(floor_p99)}"),
            (
                f"{label}: selector ÷ floor, p50 / p99",
                f"{report.ratio_text(ours_p50 / floor_p50)} / "
                f"{report.ratio_text(ours_p99 / floor_p99)}",
            ),
            (
                f"{label}: tables read through (selector; floor)",
                "; ".join(access[scenario]),
            ),
            (f"{label}: answers that differ from the floor's", str(len(timings.disagreements))),
        ]
        headlines.append(
            report.headline(
                f"availability search p99, {label}, {args.days} days of bookings",
                ms(ours_p99),
                f"{ms(floor_p99)}, one hand-written SQL query",
                ours_p99 / floor_p99,
            )
        )
        disagreements += timings.disagreements
    rows.append(("load average (1 min) before the run", f"{load_before:.1f}"))
    text = report.table(rows)
    print(text)
    for line in disagreements[:10]:
        print("differs:", line, file=sys.stderr)
    if not args.no_write:
        report.write_section(
            "availability",
            "Availability search over a year of bookings (tests/bench/availability.py)",
            text,
            notes=(
                f"`tests/bench/availability.py --days {args.days} --ahead {args.ahead} "
                f"--searches {args.searches} --network-searches {args.network_searches}` on "
                f"PostgreSQL {pg_version}: the demo network from `seed_demo`, every desk and "
                "room booked back to back inside its centre's opening hours, with gaps, for "
                "an hour to a day (rooms one to three hours plus their buffer); past "
                "bookings completed, released or cancelled, future ones confirmed or pending, "
                "and some cancelled slots booked again. Windows of one to four hours on the "
                "booking grid, on a random day of the bookable future; each timed once "
                "through `free_resources` (the selector, on Django's connection) and once as "
                "one hand-written query over a plain psycopg connection with its defaults "
                "(server-side parameters, prepared from the sixth run on: the floor), in "
                f"random order, after {WARM_UP} untimed searches of each kind. The floor "
                "asks the exclusion constraint's own expression "
                "(`tstzrange(starts_at, blocked_until, '[)') && …`), which lets PostgreSQL "
                "search the constraint's index (active bookings only) by time; the selector "
                'asks `starts_at < … AND blocked_until > …`. "Tables read through" comes '
                "from EXPLAIN ANALYZE of the last window of each kind. The selector's time "
                "includes compiling the query and building the Resource and Space objects; "
                "the floor fetches ids only."
            ),
            headlines=headlines,
        )
        print(f"Wrote the availability section of {report.BENCHMARKS}")
    sys.exit(1 if disagreements else 0)


if __name__ == "__main__":
    main()
