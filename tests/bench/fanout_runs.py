"""One measured run of tests/bench/fanout.py, and the report of its runs.

`measure` connects the clients, makes the updates happen and gathers when each client
received each one into an Outcome; the functions below turn Outcomes into the tables,
ratios and summary rows of docs/benchmarks.md.
"""

import math
import os
import sys
import time

from tests.bench import report
from tests.bench.fanout_servers import wait_until_quiet

SETTLE_LIMIT = 300  # seconds after the last update, at most, to wait for deliveries
GOAL_PLAIN_FACTOR = 2.0  # ours within 2× of plain broadcast …
GOAL_STOCK_FACTOR = 5.0  # … and at least 5× faster than stock Channels


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


def runs_text(results: dict[int, dict[str, Outcome]], publish_seconds: list[float]) -> str:
    """The section of docs/benchmarks.md: a table a client count, ratios, splits, the goal."""
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
    return "\n\n".join(sections)
