"""Benchmark: mixed page reads from one server process, ours against the old commit, and
daphne against uvicorn.

    .venv/bin/python tests/bench/pages.py [--quick] [--clients 50,400] [--seconds 30]

Serves the demo network (`seed_demo`) on PostgreSQL and Redis from one server process,
twice in the same run: this checkout, and the old commit (OLD_COMMIT, the parent of
"Compress pages and static files; pad pages against BREACH", when issue #16 measured about
70 page reads a second) checked out into a temporary work tree by `git worktree add`. Each
has its own throw-away database, migrated and seeded by its own commands, and runs from the
same virtualenv. Ours is served in turn by each server kind installed (`--servers`: daphne,
and uvicorn where the virtualenv has it), the old commit by daphne. Then `--clients`
keep-alive clients at a time (half anonymous, half signed in as the demo member, in five
languages) read a fixed mix of pages — home, a centre, the centres to book, a booking
search, the events, an event, and, signed in, my bookings — for `--seconds` after a warm-up,
each asking again as soon as its page arrived (tests/bench/pages_load.py); at each size the
servers of ours take turns `--rounds` times. Requests a second (the median of the rounds)
and p50/p95 per server kind, ours ÷ old, and uvicorn ÷ daphne. The figures are printed and
written to docs/benchmarks.md.

Not a test: nothing here asserts a timing. It exits non-zero only if a page failed.
"""

import argparse
import datetime
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench import database, report  # noqa: E402
from tests.bench.pages_load import ASGI_APPLICATION, Server, Site, crowd  # noqa: E402

OLD_COMMIT = "47f550e^"
DAPHNE = [
    "{python}", "-m", "daphne", "-b", "127.0.0.1", "-p", "{port}", "--no-server-name",
    ASGI_APPLICATION,
]  # fmt: skip
# uvicorn as it would serve plain HTTP beside daphne behind nginx: its C parser (httptools)
# and event loop (uvloop), no websockets (daphne would keep them), no banner, no access log
# (nginx writes it), and X-Forwarded-* left to the application (cowork.config.client_address).
# Not a dependency: measured where the virtualenv has it (pip install 'uvicorn[standard]').
UVICORN = [
    "{python}", "-m", "uvicorn", "--host", "127.0.0.1", "--port", "{port}",
    "--http", "httptools", "--loop", "uvloop", "--ws", "none", "--lifespan", "off",
    "--no-server-header", "--no-proxy-headers", "--no-access-log", "--timeout-keep-alive", "75",
    "--log-level", "warning",
    ASGI_APPLICATION,
]  # fmt: skip
# How much faster than daphne a second server must read pages, at every size, to be run.
WINS_AT = 1.3
# What serves page reads, by name, with the module it needs: the old commit had daphne alone.
SERVERS = {"daphne": (DAPHNE, "daphne"), "uvicorn": (UVICORN, "uvicorn")}


def installed_servers() -> list[str]:
    """The server kinds this Python can run."""
    return [name for name, (_argv, module) in SERVERS.items() if importlib.util.find_spec(module)]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20 clients for 5 s")
    parser.add_argument(
        "--clients",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[50, 400],
        help="Comma-separated crowd sizes, each run on each server",
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="Measured time per run")
    parser.add_argument("--warm-up", type=float, default=5.0, help="Unmeasured time first")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="Runs of each server kind of ours at each size, taking turns; the median counts",
    )
    parser.add_argument(
        "--servers",
        type=lambda text: [name.strip() for name in text.split(",")],
        default=installed_servers(),
        help=f"Server kinds for our checkout, of {', '.join(SERVERS)} (default: installed)",
    )
    parser.add_argument("--no-old", action="store_true", help="Measure our checkout only")
    database.add_server_url_argument(parser)
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--no-write", action="store_true", help="Do not update docs/benchmarks.md")
    args = parser.parse_args()
    if args.quick:
        args.clients, args.seconds, args.warm_up, args.rounds = [20], 5.0, 2.0, 1
    return args


def old_tree(into: Path) -> Path:
    """The old commit's files in `into`, as a detached work tree of this repository."""
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(into), OLD_COMMIT],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return into


def search_day() -> str:
    """A Wednesday at least two days ahead: every demo centre is open, the search has hours."""
    day = datetime.date.today() + datetime.timedelta(days=2)
    return str(day + datetime.timedelta(days=(2 - day.weekday()) % 7))


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def measure(site: Site, kind: str, command: list[str], clients: int, args) -> dict:
    server = Server(site, command)
    try:
        outcome = crowd(
            server.url, clients, warm_up=args.warm_up, seconds=args.seconds, day=search_day()
        )
    finally:
        server.stop()
    latencies = outcome.latencies
    result = {
        "rate": len(latencies) / outcome.seconds,
        "p50": report.percentile(latencies, 50),
        "p95": report.percentile(latencies, 95),
        "errors": outcome.errors,
        "load": load_average(),
    }
    for problem in outcome.first_errors:
        print(f"error ({site.name}): {problem}", file=sys.stderr)
    print(f"{site.name}, {kind}, {clients} clients: {result}", flush=True)
    return {**result, "latencies": latencies}


def combined(runs: list[dict]) -> dict:
    """Runs of one server kind at one size as one result: the median rate, percentiles of
    every latency, all errors. The rate of each run is kept, as is the load after each."""
    latencies = sorted(value for run in runs for value in run["latencies"])
    return {
        "rate": statistics.median(run["rate"] for run in runs),
        "rates": [run["rate"] for run in runs],
        "p50": report.percentile(latencies, 50),
        "p95": report.percentile(latencies, 95),
        "errors": sum(run["errors"] for run in runs),
        "loads": [run["load"] for run in runs],
    }


def main():
    args = parse_args()
    unknown = [name for name in args.servers if name not in SERVERS]
    if unknown:
        sys.exit(f"unknown server {', '.join(unknown)}; choose from {', '.join(SERVERS)}")
    run = f"cowork_pagereads_{os.getpid()}"
    names = {"ours": f"{run}_ours", "old": f"{run}_old"}
    scratch = Path(tempfile.mkdtemp(prefix="cowork-pagereads-"))
    trees = {"ours": ROOT} if args.no_old else {"ours": ROOT, "old": scratch / "old"}
    load_before = load_average()
    sites: dict[str, Site] = {}
    runs: dict[tuple[str, str, int], list[dict]] = {}
    try:
        for key, tree in trees.items():
            if key == "old":
                old_tree(tree)
            url, pg_version = database.create(args.server_url, names[key])
            sites[key] = Site(key, tree, url, scratch / f"var-{key}", args.redis_url)
            sites[key].prepare()
        # The servers of ours take turns at each size, `--rounds` times, and the old commit
        # runs once in the middle, so a busy spell on the shared machine falls on each
        # rather than on one.
        for clients in args.clients:
            for turn in range(args.rounds):
                for kind in args.servers:
                    runs.setdefault(("ours", kind, clients), []).append(
                        measure(sites["ours"], kind, SERVERS[kind][0], clients, args)
                    )
                if "old" in sites and turn == (args.rounds - 1) // 2:
                    runs["old", "daphne", clients] = [
                        measure(sites["old"], "daphne", DAPHNE, clients, args)
                    ]
    finally:
        for key in sites:
            database.drop(args.server_url, names[key])
        if "old" in trees and trees["old"].exists():
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(trees["old"])], cwd=ROOT, check=False
            )
        shutil.rmtree(scratch, ignore_errors=True)
    results = {key: combined(measured) for key, measured in runs.items()}
    write(args, results, pg_version, load_before)
    sys.exit(1 if any(result["errors"] for result in results.values()) else 0)


def write(args, results, pg_version, load_before) -> None:
    rows = []
    for (tree, kind, clients), result in results.items():
        label = "ours" if tree == "ours" else f"old commit ({OLD_COMMIT})"
        rows.append(
            (
                f"{label}, {kind}, {clients} clients: requests/s, p50, p95 (errors)",
                f"{result['rate']:,.0f}/s, {result['p50'] * 1000:,.0f} ms, "
                f"{result['p95'] * 1000:,.0f} ms ({result['errors']})",
            )
        )
        if len(result["rates"]) > 1:
            rows.append(
                (
                    f"{label}, {kind}, {clients} clients: requests/s of each run, in turn",
                    ", ".join(f"{rate:,.0f}" for rate in result["rates"]),
                )
            )
    headlines = []
    for clients in args.clients:
        old = results.get(("old", "daphne", clients))
        daphne = results.get(("ours", "daphne", clients))
        for kind in args.servers:
            ours = results["ours", kind, clients]
            if old:
                ratio = ours["rate"] / old["rate"]
                rows.append((f"ours ({kind}) ÷ old, requests/s, {clients} clients", f"{ratio:.2f}"))
                if kind == "daphne":
                    headlines.append(
                        report.headline(
                            f"mixed page reads per second, one {kind} process, {clients} clients",
                            f"{ours['rate']:,.0f}/s (p95 {ours['p95']:.2f} s)",
                            f"{old['rate']:,.0f}/s (p95 {old['p95']:.2f} s), the old commit",
                            ratio,
                        )
                    )
            if daphne and kind != "daphne":
                # The same checkout and database under the other server: what the server
                # alone is worth for plain HTTP.
                ratio = ours["rate"] / daphne["rate"]
                rows.append(
                    (f"ours, {kind} ÷ daphne, requests/s, {clients} clients", f"{ratio:.2f}")
                )
                if len(ours["rates"]) > 1:
                    pairs = zip(ours["rates"], daphne["rates"], strict=True)
                    rows.append(
                        (
                            f"ours, {kind} ÷ daphne, requests/s, {clients} clients, each round",
                            ", ".join(f"{mine / theirs:.2f}" for mine, theirs in pairs),
                        )
                    )
                headlines.append(
                    report.headline(
                        f"mixed page reads per second, one {kind} process, {clients} clients",
                        f"{ours['rate']:,.0f}/s (p95 {ours['p95']:.2f} s)",
                        f"{daphne['rate']:,.0f}/s (p95 {daphne['p95']:.2f} s), one daphne process",
                        ratio,
                    )
                )
    rows.append(("load average (1/5/15 min) before; after each run", load_before + "; " + ", ".join(
        load.split(" / ")[0] for r in results.values() for load in r["loads"]
    )))  # fmt: skip
    text = report.table(rows)
    print(text)
    if args.no_write:
        return
    report.write_section(
        "pages",
        "Mixed page reads against the old commit"
        + ("".join(f", and daphne against {kind}" for kind in args.servers if kind != "daphne"))
        + " (tests/bench/pages.py)",
        text,
        notes=(
            f"PostgreSQL {pg_version}, Redis. One server process per run; each run "
            f"{args.warm_up:.0f} s of warm-up and {args.seconds:.0f} s measured. At each size "
            f"each server of ours runs {args.rounds} times, the two taking turns, and the old "
            "commit once among them; a rate is the median of its runs, p50 and p95 are of "
            "all their requests (the load after each run: in the order of the rows). Half the "
            "clients anonymous, half signed in as the demo member (sharing a few sessions), "
            "five languages; each holds one keep-alive connection and asks for its next page "
            "as soon as the last arrived, taking gzip. The mix: home, a centre, the centres "
            "to book, a booking search, the events, an event and, signed in, my bookings. "
            f"The old commit ({OLD_COMMIT}) runs from a `git worktree` of it, with its own "
            "database, migrations and seed, from the same virtualenv. Clients and server "
            "share the machine's cores; the load average is recorded because the machine is "
            "shared: compare only figures of the same run. Ours serves most of these reads "
            "from pages kept in the process's memory (cowork/config/page_cache.py) while "
            "nothing is written; the old commit renders every one. " + server_verdict(args, results)
        ),
        headlines=headlines,
    )


def server_verdict(args, results) -> str:
    """What the run says of a second server for plain HTTP, and what deploy/ runs."""
    deployed = (
        "deploy/ serves plain HTTP and websockets with daphne alone, as `make run` does: a "
        "second server for plain HTTP (nginx sending it everything but /ws/) is worth its "
        f"moving parts at {WINS_AT} times daphne's requests a second or more at every size."
    )
    others = [kind for kind in args.servers if kind != "daphne"]
    if not others or "daphne" not in args.servers:
        return deployed + " Only daphne was measured in this run."
    lines = []
    for kind in others:
        ratios = {
            clients: results["ours", kind, clients]["rate"]
            / results["ours", "daphne", clients]["rate"]
            for clients in args.clients
        }
        listed = ", ".join(f"{ratio:.2f} at {clients}" for clients, ratio in ratios.items())
        wins = all(ratio >= WINS_AT for ratio in ratios.values())
        lines.append(f"{kind} ÷ daphne: {listed} clients ({'a' if wins else 'no'} clear win)")
    return (
        "Our checkout is also served by uvicorn (httptools and uvloop, no websockets: "
        "`--http httptools --loop uvloop --ws none`), one process, on the same database, "
        "taking turns with daphne: their ratio is what the server alone is worth for these "
        f"reads. In this run {'; '.join(lines)}. {deployed} gunicorn is not measured: with "
        "one worker it is uvicorn under a manager."
    )


if __name__ == "__main__":
    main()
