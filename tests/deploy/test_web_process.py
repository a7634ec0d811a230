"""The web process as deploy/Procfile starts it: daphne with the shipped options.

A client that reaches daphne without going through a trusted proxy can name any address in
X-Forwarded-For; the per-address limits must count the address it really comes from.
"""

import http.cookiejar
import re
import shlex
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings

from tests.deploy.envfile import ROOT
from tests.servers import DaphneServer, server_environment

SIGN_IN = "/signin/sms/"
LIMIT = 2


def _procfile_web_command() -> list[str]:
    """The Procfile's `web` line, listening on a free loopback port instead of 0.0.0.0:$PORT."""
    line = re.search(r"^web: (.+)$", (ROOT / "deploy" / "Procfile").read_text(), re.M).group(1)
    words = shlex.split(line)
    assert words[0] == "daphne"
    command = [sys.executable, "-m", "daphne", *words[1:]]
    command[command.index("--bind") + 1] = "127.0.0.1"
    command[command.index("--port") + 1] = "0"
    return command


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _ask_for_a_code(opener, base: str, *, forwarded_for: str, number: int) -> int:
    """The sign-in page's two steps, as a browser does them: the form, then the phone."""
    with opener.open(f"{base}{SIGN_IN}", timeout=10) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "phone": f"+99450{7000000 + number}"}
    ).encode()
    request = urllib.request.Request(
        f"{base}{SIGN_IN}", data=data, headers={"X-Forwarded-For": forwarded_for}
    )
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _asks_with_a_new_forwarded_address_each_time(base: str) -> list[int]:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
    )
    return [
        _ask_for_a_code(opener, base, forwarded_for=f"198.51.100.{n}", number=n)
        for n in range(LIMIT + 1)
    ]


@pytest.fixture(scope="module")
def _web_processes(request, django_db_setup):
    """The module's web processes, one for each environment, started when first asked for
    and stopped when the module ends. What a test leaves behind is in the database, which
    is emptied after each (the per-address counts are rows): the next test's requests find
    a process as fresh as a new one would be."""
    servers: dict[tuple, DaphneServer] = {}
    # Production settings serve hashed names from the manifest the release step writes.
    static_root = None if settings.EMBEDDED else request.getfixturevalue("collected_static")

    def start(**env: str) -> str:
        key = tuple(sorted(env.items()))
        if key not in servers:
            servers[key] = DaphneServer(
                server_environment(
                    static_root=static_root, SMS_SIGNIN_IP_HOURLY_LIMIT=str(LIMIT), **env
                ),
                command=_procfile_web_command(),
            )
        return servers[key].url

    try:
        yield start
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture
def web_process(transactional_db, _web_processes):
    return _web_processes


def test_a_forged_forwarded_for_does_not_escape_the_per_address_limit(web_process):
    # The proxy this installation trusts is elsewhere; this client reaches daphne directly.
    base = web_process(TRUSTED_PROXIES="192.0.2.1")
    statuses = _asks_with_a_new_forwarded_address_each_time(base)
    assert statuses == [302] * LIMIT + [429]


def test_addresses_named_by_a_trusted_proxy_are_counted_apart(web_process):
    # Loopback is trusted by default: here the test plays nginx, naming each client.
    base = web_process()
    assert _asks_with_a_new_forwarded_address_each_time(base) == [302] * (LIMIT + 1)


def test_the_web_process_does_not_name_its_server_software(web_process):
    base = web_process()
    with urllib.request.urlopen(f"{base}/healthz", timeout=10) as response:
        assert response.headers.get("Server") is None
