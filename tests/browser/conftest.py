"""Browser tests: the real server (daphne) in a child process, driven by a real Chromium.

Every test in this folder is marked `browser`. Without Chromium or axe-core the tests are
skipped with one message; in CI they fail instead, so CI never turns a missing browser
into a green run of skips.
"""

import datetime
import io
import os
import re
import shutil
import subprocess
import sys
import warnings
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone, translation
from playwright.sync_api import Browser, Page, expect, sync_playwright

from cowork.management.commands.seed_demo import DEMO_PASSWORDS, NETWORKS
from cowork.models import Space
from tests.server_forks import ServerForks
from tests.servers import DaphneServer, python_environment, server_environment
from tests.snapshots import seeded

HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = HERE / "artifacts"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
# Loopback answers in milliseconds; a step that takes longer is stuck, not slow.
STEP_TIMEOUT_MS = 10_000

FAILED_CALL = pytest.StashKey[bool]()
SERVER = pytest.StashKey["DaphneServer"]()

AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target, html: n.html})),
  }));
}"""
BLOCKING_IMPACTS = ("serious", "critical")
# Chromium reports a blocked script or style on the console; the event catches the rest
# (a report-only policy, a violation in a frame) and says so on the console too.
CSP_WATCH = """document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} blocked `
    + `${event.blockedURI || "inline code"} at ${event.sourceFile}:${event.lineNumber}`);
});"""


def _missing_tools() -> tuple[str, str]:
    """What the browser tests lack, and how to install it; empty strings when nothing."""
    missing, remedies = [], []
    if shutil.which(CHROMIUM) is None:
        missing.append(f"Chromium not found at {CHROMIUM}")
        remedies.append("install it with: apt-get install chromium, or set CHROMIUM_PATH")
    if not AXE_JS.is_file():
        missing.append(f"axe-core not found at {AXE_JS.relative_to(django_settings.BASE_DIR)}")
        remedies.append("install it with: npm ci --prefix tests/browser")
    return "; ".join(missing), "; ".join(remedies)


MISSING, REMEDY = _missing_tools()


def _in_this_folder(item: pytest.Item) -> bool:
    return item.path.is_relative_to(HERE)


def pytest_collection_modifyitems(items):
    # A skip mark, rather than a skip in a fixture, folds into one summary line per module
    # and skips before any server starts. CI gets no mark: chromium_executable fails there.
    skip = None
    if MISSING and not IN_CI:
        skip = pytest.mark.skip(reason=f"{MISSING}: browser tests skipped ({REMEDY})")
    for item in items:
        if _in_this_folder(item):
            item.add_marker(pytest.mark.browser)
            if skip is not None:
                item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember a failed test for the screenshot, and attach what the server said."""
    report = yield
    if report.when == "call" and report.failed and _in_this_folder(item):
        item.stash[FAILED_CALL] = True
        server = item.stash.get(SERVER, None)
        if server is not None:
            report.sections.append(("daphne output (last lines)", server.output()))
    return report


# --- Browser ----------------------------------------------------------------------------


@pytest.fixture(scope="package", autouse=True)
def chromium_executable() -> str:
    """Chromium's path. In CI missing tools fail every test here: never a run of skips."""
    if MISSING:
        pytest.fail(f"{MISSING}: CI must run the browser tests ({REMEDY})", pytrace=False)
    return shutil.which(CHROMIUM)


@pytest.fixture(scope="package")
def browser(chromium_executable) -> Iterator[Browser]:
    # Package scope, not session: while Playwright's sync API is started it keeps an
    # asyncio loop running in this thread, which would break every async test run after
    # this folder. Torn down with the package (tests/browser/__init__.py makes the folder
    # one), the loop is gone before the rest of the suite runs.
    with pytest.MonkeyPatch.context() as patch:
        # The same running loop makes Django refuse the test's own ORM calls (seeding,
        # the flush after each test) with SynchronousOnlyOperation, though they are plain
        # sync calls on this thread. Allowed only while Playwright runs.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield chromium
            finally:
                chromium.close()


class AxeLedger:
    """Which pages show a document that axe has not checked yet, and what the
    Content-Security-Policy refused on any of them."""

    def __init__(self):
        self._unchecked: dict[Page, str] = {}
        self.csp_violations: list[str] = []

    def watch(self, page: Page) -> None:
        # "load" fires once per new document, never for a jump to #fragment; it is emitted
        # before wait_for_load_state("load") returns, so axe_check always sees it first.
        page.on("load", lambda loaded: self._unchecked.__setitem__(loaded, loaded.url))
        page.on("console", lambda message: self._note_csp(page, message))

    def _note_csp(self, page: Page, message) -> None:
        text = message.text
        if message.type == "error" and (
            "Content Security Policy" in text or text.startswith("CSP violation")
        ):
            self.csp_violations.append(f"{page.url}: {text}")

    def fail_on_csp_violations(self) -> None:
        if self.csp_violations:
            pytest.fail(
                "The Content-Security-Policy refused something a page needs:\n"
                + "\n".join(self.csp_violations),
                pytrace=False,
            )

    def checked(self, page: Page) -> None:
        self._unchecked.pop(page, None)

    def unchecked_urls(self) -> list[str]:
        return list(self._unchecked.values())


@pytest.fixture
def axe_ledger() -> AxeLedger:
    return AxeLedger()


def _open_page(browser: Browser, request, ledger: AxeLedger, **context_options) -> Iterator[Page]:
    context = browser.new_context(**context_options)
    context.set_default_timeout(STEP_TIMEOUT_MS)
    # A person who chose English in the switcher: the demo's host and member saved
    # Ukrainian, which pages follow otherwise. A test of languages sets or clears it.
    context.add_cookies(
        [{"name": "django_language", "value": "en", "domain": "127.0.0.1", "path": "/"}]
    )
    # Init scripts run in every document before its own, and no Content-Security-Policy
    # applies to them: axe is there when axe_check runs, and CSP violations are heard.
    context.add_init_script(script=CSP_WATCH)
    context.add_init_script(path=AXE_JS)
    page = context.new_page()
    ledger.watch(page)
    try:
        yield page
        failed = request.node.stash.get(FAILED_CALL, False)
        if not failed:
            ledger.fail_on_csp_violations()
        if not failed and (unchecked := ledger.unchecked_urls()):
            pytest.fail(
                f"These pages were visited but never checked with axe_check: {unchecked}",
                pytrace=False,
            )
    finally:
        if request.node.stash.get(FAILED_CALL, False):
            _save_screenshot(page, request.node.nodeid)
        context.close()


def _save_screenshot(page: Page, nodeid: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid) + ".png")
    try:
        page.screenshot(path=path, full_page=True)
    except Exception as exc:  # a lost screenshot must not hide the test's own failure
        warnings.warn(f"No screenshot of the failed test {nodeid}: {exc}", stacklevel=1)


@pytest.fixture
def page(browser, request, axe_ledger) -> Iterator[Page]:
    """A fresh page at desktop size, in its own context: no cookies from another test."""
    yield from _open_page(browser, request, axe_ledger)


@pytest.fixture
def phone_page(browser, request, axe_ledger) -> Iterator[Page]:
    """A fresh page the size of a phone (390×844 CSS pixels, touch, mobile viewport)."""
    yield from _open_page(browser, request, axe_ledger, **PHONE)


@pytest.fixture
def axe_check(axe_ledger) -> Callable[[Page], None]:
    """Call with a page after each navigation: fails on serious or critical violations, and
    on anything the Content-Security-Policy refused so far.

    Waits for the page's load event first, so stylesheets count (colour contrast).
    """

    def check(page: Page) -> None:
        page.wait_for_load_state("load")
        axe_ledger.fail_on_csp_violations()
        violations = page.evaluate(AXE_RUN)
        axe_ledger.checked(page)
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            pytest.fail(_describe_violations(page.url, blocking), pytrace=False)

    return check


def _describe_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core: {len(violations)} serious or critical violation(s) on {url}"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:3]:
            target = " ".join(str(selector) for selector in node["target"])
            lines.append(f"    {target}    {node['html'][:160]}")
        if len(violation["nodes"]) > 3:
            lines.append(f"    … and {len(violation['nodes']) - 3} more")
    return "\n".join(lines)


# --- Server -----------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _static_collecting(tmp_path_factory) -> Iterator[tuple[subprocess.Popen, Path] | None]:
    """collectstatic for the PostgreSQL lane, started before the test database is made:
    it needs no database, and runs on the other core while the migrations run on one."""
    if django_settings.EMBEDDED:
        yield None
        return
    static_root = tmp_path_factory.mktemp("static")
    env = python_environment(STATIC_ROOT=str(static_root))
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process, static_root
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()


@pytest.fixture(scope="package")
def collected_static(_static_collecting) -> Path | None:
    """On the PostgreSQL lane the server serves hashed names from a manifest, as in production."""
    if _static_collecting is None:
        return None
    process, static_root = _static_collecting
    output, _ = process.communicate()
    if process.returncode:
        pytest.fail(f"collectstatic failed:\n{output}", pytrace=False)
    return static_root


class NextServer:
    """Starts each test's server while the test before it runs.

    Each server is a fork of one process that has cowork loaded (tests.server_forks): a
    server of its own for every test, without starting Python and Django every time. The
    next one has served nothing when it is taken.
    """

    def __init__(self, env: dict[str, str]):
        self._env = env
        self._forks = ServerForks(env, str(django_settings.BASE_DIR))
        self._next: DaphneServer | None = None

    def _start(self) -> DaphneServer:
        forks = self._forks if self._forks.available else None
        return DaphneServer(self._env, wait=False, forks=forks)

    def take(self) -> DaphneServer:
        server, self._next = self._next or self._start(), None
        server.wait_until_listening()
        self._next = self._start()
        return server

    def close(self) -> None:
        if self._next is not None:
            self._next.stop()
        self._forks.close()


@pytest.fixture(scope="package")
def next_server(django_db_setup, collected_static) -> Iterator[NextServer]:
    servers = NextServer(
        server_environment(
            static_root=collected_static, DJANGO_SETTINGS_MODULE="tests.browser.server_settings"
        )
    )
    try:
        yield servers
    finally:
        servers.close()  # before pytest-django drops the test database


@pytest.fixture
def live_server_url(transactional_db, next_server, request) -> Iterator[str]:
    """URL of a daphne child process serving this test's database.

    transactional_db: what the test writes is committed, so the server, another process
    on its own connection, sees it. One server per test, so no server-side state outlives
    the test that made it, and the server is gone before the flush and before
    pytest-django drops the test database.
    """
    server = next_server.take()
    request.node.stash[SERVER] = server
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def demo_centres(transactional_db) -> Callable[..., None]:
    """Call with slugs of demo centres to load them, committed, with every demo person
    (seed_demo.DEMO_PASSWORDS). A test loads the centres it visits, not all 26: the whole
    network takes seconds to load and to flush again, in every test."""

    def load(*slugs: str) -> None:
        seeded(("demo", frozenset(slugs), _demo_days()), lambda: _seed_demo(only=list(slugs)))

    return load


@pytest.fixture
def kramatorsk(demo_centres) -> Space:
    """The demo's Kramatorsk centre, loaded as seed_demo makes it."""
    demo_centres("kramatorsk-it")
    return Space.objects.get(slug="kramatorsk-it")


@pytest.fixture
def demo_network(transactional_db) -> None:
    """The whole demo network, committed: 26 centres; for a test that needs every one."""
    seeded(("demo", None, _demo_days()), _seed_demo)


def _seed_demo(**options) -> None:
    call_command("seed_demo", no_history=True, verbosity=0, stdout=io.StringIO(), **options)


def _demo_days() -> tuple[datetime.date, ...]:
    """Today in each of the demo's time zones: its round-table is set for the next Thursday."""
    now = timezone.now()
    return tuple(now.astimezone(zoneinfo.ZoneInfo(zone.time_zone)).date() for zone in NETWORKS)


def sign_in(page: Page, base: str, username: str, axe_check, *, password: str = "") -> None:
    """Signs `username` in on the sign-in page, with a demo person's password unless one is
    given, and checks the page for accessibility before and after."""
    page.goto(f"{base}/login/")
    axe_check(page)
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password or DEMO_PASSWORDS[username])
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    axe_check(page)


def send_a_code(page: Page, axe_check, *, phone_field: str, phone: str, then: str) -> None:
    """Types `phone` into the field labelled `phone_field`, asks for a code by SMS, and
    waits for the page headed `then`, which it checks for accessibility."""
    page.get_by_label(phone_field, exact=True).fill(phone)
    page.get_by_role("button", name="Send me a code", exact=True).click()
    expect(page.get_by_role("heading", name=then)).to_be_visible()
    axe_check(page)


def gettext_in(language: str, text: str, **values) -> str:
    """`text` as the pages put it in `language`, `values` in its placeholders: what a test
    looks for on a page in that language."""
    with translation.override(language):
        translated = translation.gettext(text)
    return translated % values if values else translated


def gettexts_in(language: str, *messages: str) -> list[str]:
    """Each of `messages` as the pages put it in `language`."""
    return [gettext_in(language, message) for message in messages]


def set_language_cookie(page: Page, base: str, language: str) -> None:
    """The browser asks the site at `base` for `language`, by the cookie its switch sets."""
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])


def switch_language(page: Page, code: str) -> None:
    """Chooses the language `code` with the header's switch, and waits for the page in it."""
    open_menu(page)
    page.locator("#language-select").select_option(code)
    page.locator(".language-form button").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def fits_the_screen(page: Page) -> None:
    """No sideways scrolling of the page itself (a plan or table may scroll in its frame)."""
    width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width <= client_width, f"{page.url} is {width}px wide on {client_width}px"


def open_menu(page: Page) -> None:
    """On a phone the header's links and language form sit in its menu: open it if shut."""
    menu = page.locator("details.site-menu")
    if menu.count() and not page.locator("#language-select").is_visible():
        menu.locator("summary").click()
