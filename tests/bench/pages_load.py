"""The page-read benchmark's two halves: a checkout of cowork served from one process on a
database of its own, and the crowd of keep-alive clients reading its pages.

A `Site` is one checkout (ours, or the old commit's in a temporary work tree) on its own
PostgreSQL database, migrated and seeded with the demo network by that checkout's own
commands, and served by one server process run from that checkout with the same Python.
`crowd` is asyncio and aiohttp in the benchmark's process: each client holds one
keep-alive connection and asks for its next page as soon as the last one arrived.
"""

import asyncio
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.servers import free_port

CENTRE = "kramatorsk-it"
MEMBER = ("member", "cowork-member")
LANGUAGES = ("en", "uk", "ru", "az", "uz")
# How many sessions the signed-in clients share: signing in hashes a password, which would
# cost more than the run measures if each of hundreds of clients did it.
SESSIONS = 8
ASGI_APPLICATION = "cowork.config.asgi:application"
# Run at start-up by each process of a site: the virtualenv's editable install of cowork
# finds packages in the checkout it was installed from, and would lend the old commit
# packages it did not have (cowork.templatetags); the tree on PYTHONPATH alone is served.
ONLY_THIS_TREE = """import sys
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
"""


@dataclass
class Site:
    """One checkout of cowork on its own database, ready to serve."""

    name: str
    tree: Path
    database_url: str
    var: Path
    redis_url: str
    env: dict = field(init=False)

    def __post_init__(self):
        keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}
        self.env = {key: value for key, value in os.environ.items() if key in keep}
        hooks = self.var / "python"
        hooks.mkdir(parents=True, exist_ok=True)
        (hooks / "sitecustomize.py").write_text(ONLY_THIS_TREE)
        self.env.update(
            # The checkout's own code first, whatever the shared virtualenv installed.
            PYTHONPATH=os.pathsep.join([str(self.tree), str(hooks)]),
            PYTHONUNBUFFERED="1",
            DJANGO_SETTINGS_MODULE="cowork.config.settings",
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            CHANNELS_PREFIX=f"pagereads-{os.getpid()}-{self.name}",
            SECRET_KEY="benchmark-only-key",
            COWORK_VAR_DIR=str(self.var),
            STATIC_ROOT=str(self.var / "static"),
            MEDIA_ROOT=str(self.var / "media"),
            LOG_LEVEL="WARNING",
            # Plain HTTP on loopback, as `manage.py serve` sets it.
            SITE_URL="http://127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            SECURE_HSTS_SECONDS="0",
        )

    def manage(self, *command: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=self.tree,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def prepare(self) -> None:
        """Translations, schema, the demo network and hashed static files, as a release
        of that checkout does them."""
        self.var.mkdir(parents=True, exist_ok=True)
        self.manage("compile_translations")
        self.manage("migrate", "--noinput", "--verbosity", "0")
        self.manage("seed_demo", "--verbosity", "0")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")


class Server:
    """One server process of a site on a free loopback port; stopped (only it) on exit."""

    def __init__(self, site: Site, command: list[str]):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        argv = [arg.format(port=port, python=sys.executable) for arg in command]
        self.process = subprocess.Popen(
            argv,
            cwd=site.tree,
            env=site.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.log: list[str] = []
        threading.Thread(target=lambda: self.log.extend(self.process.stdout), daemon=True).start()
        # A shared, busy machine can take most of a minute to import Django and start.
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{argv[2:4]} exited: {''.join(self.log[-20:])}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("the server did not answer within 120 s") from None
                time.sleep(0.3)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def page_mix(day: str, event: str) -> dict[str, list[tuple[str, str]]]:
    """(name, path) of what an anonymous visitor and a signed-in member read, in turn."""
    public = [
        ("home", "/"),
        ("centre", f"/centres/{CENTRE}/"),
        ("centres to book", "/book/"),
        ("booking search", f"/centres/{CENTRE}/book/?date={day}&start=10:00&end=12:00"),
        ("events", "/events/"),
        ("event", event),
    ]
    return {"anonymous": public, "signed in": [*public, ("my bookings", "/bookings/")]}


async def _sign_in(base: str) -> str:
    """A member's session id, signed in through the login form."""
    import aiohttp

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        async with session.get(f"{base}/login/") as response:
            page = await response.text()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        form = {"username": MEMBER[0], "password": MEMBER[1], "csrfmiddlewaretoken": token}
        async with session.post(f"{base}/login/", data=form, allow_redirects=False) as response:
            if response.status != 302:
                raise RuntimeError(f"signing in answered {response.status}")
        cookies = session.cookie_jar.filter_cookies(base)
        return cookies["sessionid"].value


def first_event(base: str) -> str:
    with urllib.request.urlopen(f"{base}/events/", timeout=30) as response:
        page = response.read().decode()
    return re.search(r'href="(/events/\d+/)"', page)[1]


@dataclass
class Outcome:
    seconds: float
    latencies: list[float]
    errors: int
    first_errors: list[str]


async def _crowd(base, clients, mix, sessions, warm_up, seconds, rng_seed) -> Outcome:
    import aiohttp

    rng = random.Random(rng_seed)
    latencies: list[float] = []
    first_errors: list[str] = []
    errors = 0
    loop = asyncio.get_running_loop()
    began = loop.time()
    counting_from, until = began + warm_up, began + warm_up + seconds

    async def client(number: int):
        nonlocal errors
        signed_in = number % 2 == 1
        pages = mix["signed in" if signed_in else "anonymous"]
        headers = {
            "Accept-Encoding": "gzip, deflate",
            "Accept-Language": LANGUAGES[number % len(LANGUAGES)],
        }
        if signed_in:
            headers["Cookie"] = f"sessionid={sessions[number % len(sessions)]}"
        turn = rng.randrange(len(pages))
        connector = aiohttp.TCPConnector(limit=1, force_close=False)
        timeout = aiohttp.ClientTimeout(total=120)
        jar = aiohttp.DummyCookieJar()
        # Pages are read as sent, gzipped: unpacking them would take the clients' share of
        # the cores the server needs.
        async with aiohttp.ClientSession(
            connector=connector,
            headers=headers,
            timeout=timeout,
            cookie_jar=jar,
            auto_decompress=False,
        ) as session:
            while loop.time() < until:
                name, path = pages[turn % len(pages)]
                turn += 1
                sent = loop.time()
                try:
                    async with session.get(base + path, allow_redirects=False) as response:
                        await response.read()
                        ok = response.status == 200
                        problem = f"{response.status} {name}"
                except (TimeoutError, aiohttp.ClientError) as error:
                    ok, problem = False, f"{type(error).__name__} {name}"
                done = loop.time()
                if counting_from <= sent and done <= until:
                    if ok:
                        latencies.append(done - sent)
                    else:
                        errors += 1
                        if len(first_errors) < 5:
                            first_errors.append(problem)

    await asyncio.gather(*(client(number) for number in range(clients)))
    return Outcome(seconds, sorted(latencies), errors, first_errors)


def crowd(base: str, clients: int, *, warm_up: float, seconds: float, day: str) -> Outcome:
    """`clients` keep-alive clients, half of them signed in, reading the page mix for
    `warm_up` + `seconds`; only requests sent and answered within the last `seconds` count."""

    async def run():
        sessions = [await _sign_in(base) for _ in range(SESSIONS)]
        mix = page_mix(day, first_event(base))
        return await _crowd(base, clients, mix, sessions, warm_up, seconds, rng_seed=clients)

    return asyncio.run(run())
