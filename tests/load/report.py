"""Shared by the benchmarks: percentiles, a markdown table, and docs/benchmarks.md sections."""

import os
import platform
import re
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"

HEADER = """# Benchmarks

Measured by the scripts in `tests/load/`, each of which rewrites its own section below.
Figures come from one machine; compare ratios measured in the same run, not absolute
numbers across machines.
"""


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


def write_section(key: str, title: str, body: str, *, notes: str = "") -> None:
    """Replace (or add) the section marked with `key` in docs/benchmarks.md."""
    text = BENCHMARKS.read_text() if BENCHMARKS.exists() else HEADER
    section = (
        f"<!-- {key}:start -->\n## {title}\n\nMachine: {machine()}.\n\n{body}\n\n"
        + (f"{notes}\n" if notes else "")
        + f"<!-- {key}:end -->"
    )
    pattern = re.compile(rf"<!-- {key}:start -->.*?<!-- {key}:end -->", re.S)
    text = (
        pattern.sub(lambda _match: section, text)
        if pattern.search(text)
        else (text.rstrip() + "\n\n" + section + "\n")
    )
    BENCHMARKS.parent.mkdir(exist_ok=True)
    BENCHMARKS.write_text(text)
