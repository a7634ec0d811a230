"""What pages cost on the wire, and the booking flow on a 2G link, measured in Chromium.

    .venv/bin/python tests/bench/pageweight.py [--no-write]

Serves the demo network (`seed_demo`) with daphne on the embedded default, as `make run`
does, and opens each page a member or participant sees in Debian's Chromium through
Playwright, counting the bytes that cross the wire (Chromium's encodedDataLength: headers
and bodies, compressed as sent):

- first visit: a fresh browser cache (the signed-in pages after signing in, then the cache
  cleared), so HTML, CSS, JS and images all count;
- repeat visit: the same page again with that cache.

The anchor is the same pages in the same run with compression refused
(`Accept-Encoding: identity`), which is what every page cost before it was compressed.
Then the booking flow — home, centre, search, choose a desk, confirm — on an emulated 2G
link (250 kbit/s down, 50 kbit/s up, 300 ms round trip; Chromium's own throttling), from a
cold cache, with seconds and bytes per step.
"""

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench import report  # noqa: E402
from tests.servers import daphne_on_a_free_port  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ASGI_APPLICATION = "cowork.config.asgi:application"
PHONE = {"width": 390, "height": 844}
CENTRE = "kramatorsk-it"
MEMBER = ("member", "cowork-member")
# Chromium's throttling, in bytes a second and milliseconds.
TWO_G = {"offline": False, "latency": 300, "downloadThroughput": 250_000 / 8}
TWO_G["uploadThroughput"] = 50_000 / 8
FIRST_VISIT_BUDGET = 15 * 1024
REPEAT_VISIT_BUDGET = 5 * 1024
FLOW_BUDGET_SECONDS = 6.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-write", action="store_true", help="Print, write no report")
    return parser.parse_args()


@contextmanager
def demo_server():
    """The demo network on the embedded default, served by daphne on a free port."""
    with tempfile.TemporaryDirectory(prefix="cowork-pageweight-") as var:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        }
        env.update(
            COWORK_VAR_DIR=var,
            DJANGO_SETTINGS_MODULE="cowork.config.settings",
            PYTHONUNBUFFERED="1",
        )
        python = sys.executable
        for command in (["migrate", "--noinput"], ["seed_demo"]):
            subprocess.run(
                [python, "manage.py", *command, "--verbosity", "0"],
                cwd=ROOT,
                env=env,
                check=True,
                stderr=subprocess.DEVNULL,
            )
        server = daphne_on_a_free_port(ASGI_APPLICATION, env=env, cwd=ROOT)
        try:
            url = ""
            for line in server.stdout:
                if "Listening on TCP address" in line:
                    url = "http://" + line.rsplit(" ", 1)[1].strip()
                    break
            if not url:
                raise RuntimeError("daphne did not start")
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)


class Wire:
    """Bytes Chromium received for a page, through the DevTools protocol."""

    def __init__(self, page):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.received = 0
        self.cdp.on("Network.loadingFinished", self._finished)

    def _finished(self, event):
        self.received += int(event.get("encodedDataLength", 0))

    def take(self) -> int:
        received, self.received = self.received, 0
        return received


def sign_in(page, base):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", MEMBER[0])
    page.fill("input[name=password]", MEMBER[1])
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    if "/login/" in page.url:
        raise RuntimeError("signing in failed")


def first_event(browser, base) -> str:
    """The URL of the first event the public list of events shows."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/events/")
    href = page.locator("main a[href^='/events/']").first.get_attribute("href")
    context.close()
    return base + href


def pages(base, day, event) -> list[tuple[str, str, bool]]:
    """(name, URL, signed in) of each page a member or participant sees."""
    return [
        ("home", f"{base}/", False),
        ("centre", f"{base}/centres/{CENTRE}/", False),
        ("centres to book", f"{base}/book/", False),
        ("booking search", f"{base}/centres/{CENTRE}/book/?date={day}&start=10:00&end=12:00", True),
        ("events", f"{base}/events/", False),
        ("event", event, False),
        ("sign in", f"{base}/login/", False),
        ("my bookings", f"{base}/bookings/", True),
    ]


def weigh(browser, base, day, event, *, compressed: bool) -> dict[str, tuple[int, int]]:
    """First-visit and repeat-visit bytes of each page, each page in a fresh context."""
    found = {}
    for name, url, signed_in in pages(base, day, event):
        headers = {} if compressed else {"Accept-Encoding": "identity"}
        context = browser.new_context(viewport=PHONE, extra_http_headers=headers)
        page = context.new_page()
        wire = Wire(page)
        if signed_in:
            sign_in(page, base)
        wire.cdp.send("Network.clearBrowserCache")
        wire.take()
        page.goto(url, wait_until="networkidle")
        if page.url != url:
            raise RuntimeError(f"{name}: {url} ended on {page.url}")
        first = wire.take()
        page.goto(url, wait_until="networkidle")
        repeat = wire.take()
        found[name] = (first, repeat)
        context.close()
    return found


def booking_flow(browser, base, day) -> list[tuple[str, float, int]]:
    """Seconds and bytes of each step of booking a desk, on 2G, from a cold cache."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    wire = Wire(page)
    sign_in(page, base)
    wire.cdp.send("Network.clearBrowserCache")
    wire.cdp.send("Network.emulateNetworkConditions", TWO_G)
    wire.take()
    steps = []

    def step(name, action):
        started = time.monotonic()
        action()
        page.wait_for_load_state("load")
        seconds = time.monotonic() - started
        # The last response's byte count may arrive just after "load".
        page.wait_for_load_state("networkidle")
        steps.append((name, seconds, wire.take()))

    step("home", lambda: page.goto(f"{base}/"))
    step("centre", lambda: page.goto(f"{base}/centres/{CENTRE}/"))
    step(
        "search",
        lambda: page.goto(f"{base}/centres/{CENTRE}/book/?date={day}&start=10:00&end=12:00"),
    )
    step("choose a desk", lambda: page.get_by_role("link", name="free, choose").first.click())
    step("confirm", lambda: page.locator("main form button[type=submit]").last.click())
    if "/bookings/" not in page.url:
        raise RuntimeError(f"the booking was not confirmed: ended on {page.url}")
    context.close()
    return steps


def kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


def main():
    args = parse_args()
    from playwright.sync_api import sync_playwright

    # A weekday two weeks ahead: inside every centre's advance window, and a working day.
    day = datetime.date.today() + datetime.timedelta(days=14)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    with demo_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            event = first_event(browser, base)
            ours = weigh(browser, base, day, event, compressed=True)
            anchor = weigh(browser, base, day, event, compressed=False)
            flow = booking_flow(browser, base, day)
        finally:
            browser.close()

    weights = ["| page | first visit | repeat visit | first visit uncompressed (anchor) |"]
    weights.append("| --- | --- | --- | --- |")
    for name, (first, repeat) in ours.items():
        weights.append(f"| {name} | {kb(first)} | {kb(repeat)} | {kb(anchor[name][0])} |")
    timings = ["| step on 2G | seconds | bytes |", "| --- | --- | --- |"]
    timings += [f"| {name} | {seconds:.2f} s | {kb(size)} |" for name, seconds, size in flow]
    flow_seconds = sum(seconds for _name, seconds, _size in flow)
    timings.append(f"| whole flow | {flow_seconds:.2f} s | {kb(sum(s for *_, s in flow))} |")
    heaviest = max(first for first, _repeat in ours.values())
    heaviest_repeat = max(repeat for _first, repeat in ours.values())
    heaviest_anchor = max(first for first, _repeat in anchor.values())
    text = "\n".join(weights) + "\n\n" + "\n".join(timings)
    print(text)
    if not args.no_write:
        report.write_section(
            "pageweight",
            "Page weight and the booking flow on 2G (tests/bench/pageweight.py)",
            text,
            notes=(
                "Bytes as Chromium received them (headers and bodies, compressed as sent), at "
                f"phone size. Budgets: first visit ≤ {kb(FIRST_VISIT_BUDGET)}, repeat visit ≤ "
                f"{kb(REPEAT_VISIT_BUDGET)}, the booking flow ≤ {FLOW_BUDGET_SECONDS:.0f} s "
                "on 2G (250 kbit/s down, 50 up, 300 ms round trip). The anchor is the same "
                "page in the same run with compression refused."
            ),
            headlines=[
                report.headline(
                    "heaviest first visit of a member's page",
                    kb(heaviest),
                    f"{kb(heaviest_anchor)} uncompressed",
                    heaviest / heaviest_anchor,
                ),
                report.headline(
                    "heaviest repeat visit",
                    kb(heaviest_repeat),
                    f"{kb(REPEAT_VISIT_BUDGET)} budget",
                    heaviest_repeat / REPEAT_VISIT_BUDGET,
                ),
                report.headline(
                    "booking flow on 2G (home, centre, search, desk, confirm)",
                    f"{flow_seconds:.1f} s",
                    f"{FLOW_BUDGET_SECONDS:.0f} s budget",
                    flow_seconds / FLOW_BUDGET_SECONDS,
                ),
            ],
        )
    over = heaviest > FIRST_VISIT_BUDGET or heaviest_repeat > REPEAT_VISIT_BUDGET
    sys.exit(1 if over or flow_seconds > FLOW_BUDGET_SECONDS else 0)


if __name__ == "__main__":
    main()
