"""Run every benchmark in tests/bench/ one after another and rebuild docs/benchmarks.md.

    .venv/bin/python tests/bench/bench.py [--quick] [--only booking,ical] [--report PATH]

Each benchmark runs as its own process, with the sizes its published figures were
measured at (or, with `--quick`, small ones that only check it works end to end), and
rewrites its own section and summary rows. A failing benchmark is reported and the
others still run; the exit status is non-zero if any failed. `--quick` writes to
var/benchmarks-quick.md unless `--report` says otherwise, so small-size figures never
replace the published ones.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench import report  # noqa: E402

# In the order of the summary table: (arguments at full size, arguments with --quick).
BENCHMARKS = {
    "booking": ([], ["--clients", "8", "--attempts", "300", "--desks", "10"]),
    "hotpath": ([], ["--clients", "8", "--attempts", "200", "--desks", "40", "--samples", "40"]),
    "fanout": ([], ["--clients", "200", "--updates", "5"]),
    "ical": (
        [],
        ["--events", "200", "--bookings", "50", "--runs", "3", "--conditional-runs", "50"],
    ),
    "reminders": ([], ["--reminders", "300"]),
    "availability": (
        [],
        ["--days", "60", "--ahead", "20", "--searches", "200", "--network-searches", "50"],
    ),
    "crash": ([], ["--clients", "20"]),
    # Bytes do not depend on size; one run of each page is the whole measurement.
    "pageweight": ([], []),
    "reports": ([], ["--quick"]),
    "pages": ([], ["--quick"]),
}
QUICK_REPORT = ROOT / "var" / "benchmarks-quick.md"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="Small sizes, written to var/benchmarks-quick.md"
    )
    parser.add_argument(
        "--only",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        default=list(BENCHMARKS),
        help=f"Comma-separated benchmarks to run, of {', '.join(BENCHMARKS)}",
    )
    parser.add_argument("--report", type=Path, help="Write here instead of docs/benchmarks.md")
    parser.add_argument(
        "--no-write", action="store_true", help="Print the figures, write no report"
    )
    args = parser.parse_args()
    unknown = [name for name in args.only if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    return args


def duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def main():
    args = parse_args()
    path = (args.report or (QUICK_REPORT if args.quick else report.BENCHMARKS)).resolve()
    # The children import report.py afresh; BENCH_REPORT is how they learn the path.
    env = {**os.environ, "BENCH_REPORT": str(path)}
    report.BENCHMARKS = path
    chosen = [name for name in BENCHMARKS if name in args.only]
    outcomes: dict[str, tuple[int, float]] = {}
    began = time.monotonic()
    for number, name in enumerate(chosen, start=1):
        full, quick = BENCHMARKS[name]
        command = [
            sys.executable,
            str(Path(__file__).with_name(f"{name}.py")),
            *(quick if args.quick else full),
            *(["--no-write"] if args.no_write else []),
        ]
        shown = " ".join([Path(sys.executable).name, *command[1:]])
        print(f"\n== [{number}/{len(chosen)}] {name}: {shown}", flush=True)
        started = time.monotonic()
        code = subprocess.call(command, cwd=ROOT, env=env)
        outcomes[name] = (code, time.monotonic() - started)
        print(
            f"== [{number}/{len(chosen)}] {name} "
            f"{'finished' if code == 0 else f'FAILED (exit {code})'} in "
            f"{duration(outcomes[name][1])}; {duration(time.monotonic() - began)} so far",
            flush=True,
        )

    if not args.no_write:
        report.rebuild()
        print(f"\nSummary in {path}:\n")
        print(report.summary_table(report.summary_rows(report.sections(path.read_text()))))
    failed = [name for name, (code, _seconds) in outcomes.items() if code]
    if failed:
        print(f"\nFailed: {', '.join(failed)}", file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
