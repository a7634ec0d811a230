"""Shared by the benchmarks: percentiles, markdown tables, and docs/benchmarks.md.

docs/benchmarks.md is a title and header, one summary table, and one section per
benchmark between `<!-- key:start -->` and `<!-- key:end -->`. A benchmark rewrites only
its own section; each section carries its headline rows as JSON in a `<!-- key:headlines
... -->` comment, and the summary table is rebuilt from those of every section, so
re-running one benchmark keeps the other rows as they were measured.
"""

import json
import math
import os
import platform
import re
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# BENCH_REPORT points a trial run elsewhere, so small-size figures do not replace the
# published ones (tests/bench/bench.py --quick sets it).
BENCHMARKS = Path(os.environ.get("BENCH_REPORT") or ROOT / "docs" / "benchmarks.md")

# The summary lists the benchmarks in this order; any other section follows, as found.
ORDER = (
    "booking",
    "hotpath",
    "fanout",
    "ical",
    "reminders",
    "availability",
    "crash",
    "pageweight",
    "reports",
    "pages",
)

INTRO = """# Benchmarks

Headline figures of the scripts in `tests/bench/`, each against an anchor measured in the
same run on the same machine: compare the ratios, not absolute numbers across machines.
"""

HOW_TO_RUN = """Ratios are ours ÷ anchor: for times, below 1 beats the anchor; for rates, above 1
does.

`make bench` runs every benchmark one after another at full size (PostgreSQL on
127.0.0.1:5432 and Redis on 127.0.0.1:6379; give it a quiet machine) and rewrites this
file. `make bench BENCH_ARGS=--quick` runs small sizes to check that everything works and
writes to `var/benchmarks-quick.md` instead; `BENCH_ARGS="--only availability,ical"` picks
benchmarks. Each script also runs on its own (`.venv/bin/python tests/bench/<name>.py
--help`), rewriting its own section and its rows of the summary. The title, this header
and the summary are written by `tests/bench/report.py`; edit them there.
"""

SUMMARY = "summary"
SECTION = re.compile(r"<!-- (?P<key>[\w-]+):start -->.*?<!-- (?P=key):end -->", re.S)
HEADLINES = re.compile(r"<!-- (?P<key>[\w-]+):headlines\n(?P<rows>.*?)\n-->", re.S)


def percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return float("nan")
    rank = max(0, min(len(sorted_values) - 1, round(pct / 100 * (len(sorted_values) - 1))))
    return sorted_values[rank]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{memory_kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        memory = "unknown memory"
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def table(rows: list[tuple[str, str]]) -> str:
    lines = ["| figure | value |", "| --- | --- |"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


def headline(figure: str, ours: str, anchor: str, ratio: float | None) -> dict:
    """One row of the summary: what is measured, our value, the anchor's (with what it
    is), and ours ÷ anchor. The machine is added when the section is written."""
    known = ratio is not None and math.isfinite(ratio)
    return {
        "figure": figure,
        "ours": ours,
        "anchor": anchor,
        "ratio": float(f"{ratio:.4g}") if known else None,
    }


def ratio_text(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    # Two decimals hide a ratio of 0.004 (a hundredfold gap); keep two figures there.
    return f"{value:.2f}" if value >= 0.1 else f"{value:.2g}"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def summary_table(rows: list[dict]) -> str:
    lines = [
        "| figure | ours | anchor (same run) | ours ÷ anchor | machine |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {_cell(row['figure'])} | {_cell(row['ours'])} | {_cell(row['anchor'])} "
        f"| {ratio_text(row.get('ratio'))} | {_cell(row.get('machine', ''))} |"
        for row in rows
    ]
    return "\n".join(lines)


def _headlines_comment(key: str, rows: list[dict]) -> str:
    # One row a line, so a rerun's diff shows which rows changed. "-->" inside the JSON
    # would end the comment early; \u003e is the same JSON string.
    data = ",\n".join(json.dumps(row, ensure_ascii=False).replace(">", "\\u003e") for row in rows)
    return f"<!-- {key}:headlines\n[\n{data}\n]\n-->"


def sections(text: str) -> dict[str, str]:
    """The sections of a benchmarks file by key, in the order they appear."""
    return {
        match["key"]: match.group(0)
        for match in SECTION.finditer(text)
        if match["key"] != SUMMARY  # rebuilt from the sections, never kept
    }


def headlines_of(section: str) -> list[dict]:
    match = HEADLINES.search(section)
    return json.loads(match["rows"]) if match else []


def summary_rows(found: dict[str, str]) -> list[dict]:
    keys = [key for key in ORDER if key in found] + [key for key in found if key not in ORDER]
    return [row for key in keys for row in headlines_of(found[key])]


def render(found: dict[str, str]) -> str:
    """The whole file: title, summary table, header, then the sections as they are."""
    rows = summary_rows(found)
    summary = (
        summary_table(rows)
        if rows
        else "No headline figures yet: run `make bench` or one of the scripts."
    )
    parts = [
        INTRO.rstrip(),
        f"<!-- {SUMMARY}:start -->\n{summary}\n<!-- {SUMMARY}:end -->",
        HOW_TO_RUN.rstrip(),
        *(found[key] for key in found),
    ]
    return "\n\n".join(parts) + "\n"


def rebuild() -> None:
    """Rewrite the title, header and summary table from the sections already written."""
    text = BENCHMARKS.read_text() if BENCHMARKS.exists() else ""
    BENCHMARKS.parent.mkdir(parents=True, exist_ok=True)
    BENCHMARKS.write_text(render(sections(text)))


def write_section(
    key: str, title: str, body: str, *, notes: str = "", headlines: Iterable[dict] = ()
) -> None:
    """Replace (or add) the section marked with `key`, with its headline rows, and
    rebuild the summary table from every section's rows."""
    found = sections(BENCHMARKS.read_text() if BENCHMARKS.exists() else "")
    measured_on = machine()
    rows = [{**row, "machine": measured_on} for row in headlines]
    found[key] = (
        f"<!-- {key}:start -->\n## {title}\n\nMachine: {measured_on}.\n\n{body}\n\n"
        + (f"{notes}\n\n" if notes else "")
        + (f"{_headlines_comment(key, rows)}\n" if rows else "")
        + f"<!-- {key}:end -->"
    )
    BENCHMARKS.parent.mkdir(parents=True, exist_ok=True)
    BENCHMARKS.write_text(render(found))


def bench_centre(*, open_daily=None, **fields):
    """The benchmarks' centre: a Kramatorsk space of its own organization; `fields` add to
    or override its settings. `open_daily`, (opens, closes), opens it every day then."""
    from cowork.models import OpeningHours, Organization, Space

    organization = Organization.objects.create(name="Bench NGO", slug="bench", country="UA")
    defaults = {
        "name": "Bench centre",
        "slug": "bench-centre",
        "city": "Kramatorsk",
        "country": "UA",
        "time_zone": "Europe/Kyiv",
        "languages": ["uk"],
    }
    space = Space.objects.create(organization=organization, **{**defaults, **fields})
    if open_daily is not None:
        opens, closes = open_daily
        for weekday in range(7):
            OpeningHours.objects.create(space=space, weekday=weekday, opens=opens, closes=closes)
    return space
