"""Run the web server (daphne) and one task worker (qcluster) together, as `make run` does.

Ctrl-C stops both. If either stops by itself, the other is stopped too and the exit code
says so, so a broken worker never hides behind a working web page.

Two things make it serve on any set-up without a step to remember: with production's
hashed static files (`DATABASE_URL` set) it collects them first, since every page names
them through the manifest; and without `SITE_URL` the links in SMS, e-mail and calendar
files name the address and port served here.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand

from cowork.management.commands.seed_demo import DEMO_PASSWORDS

ASGI = "cowork.config.asgi:application"
# Settings that are on in production and would lock a plain-HTTP site out of itself.
PLAIN_HTTP = ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")


class Command(BaseCommand):
    help = "Serve cowork with daphne and one qcluster worker; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))

    def handle(self, *args, host, port, **options):
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        collect_static_when_hashed()
        env = served_environment(os.environ, host=host, port=port)
        children = [
            subprocess.Popen(
                [python, "-m", "daphne", "-b", host, "-p", str(port), "--no-server-name", ASGI],
                cwd=settings.BASE_DIR,
                env=env,
            ),
            subprocess.Popen([python, manage, "qcluster"], cwd=settings.BASE_DIR, env=env),
        ]
        self._banner(host, port)

        def stop(*_args):
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGINT)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.3)
        finally:
            stop()
            deadline = time.monotonic() + 10
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
        codes = [child.returncode for child in children]
        if any(code not in (0, -signal.SIGINT, -signal.SIGTERM) for code in codes):
            sys.exit(1)

    def _banner(self, host, port):
        shown_host = _shown(host)
        lines = [
            "",
            f"  cowork is running at http://{shown_host}:{port}/",
            "",
            "  Demo logins (username / password):",
            f"    network admin   admin / {DEMO_PASSWORDS['admin']}",
            f"    host (Kramatorsk)  host / {DEMO_PASSWORDS['host']}",
            f"    host (Ganja)    host.ganja / {DEMO_PASSWORDS['host.ganja']}",
            f"    member          member / {DEMO_PASSWORDS['member']}",
            "",
            "  Press Ctrl-C to stop the web server and the task worker.",
            "",
        ]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))


def _shown(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::") else host


def served_environment(environ, *, host: str, port: int) -> dict[str, str]:
    """The environment of the server and the worker: `SITE_URL`, when unset, is the address
    served, so a link in an SMS sent by the worker opens this server. A site served over
    plain HTTP (as here, with production's settings from `DATABASE_URL`) neither redirects
    to HTTPS nor marks its cookies HTTPS-only, or nobody could open it or sign in; what the
    environment sets itself is kept."""
    env = dict(environ)
    if not env.get("SITE_URL"):
        env["SITE_URL"] = f"http://{_shown(host)}:{port}"
    if env["SITE_URL"].startswith("http://"):
        for name in PLAIN_HTTP:
            env.setdefault(name, "false")
        env.setdefault("SECURE_HSTS_SECONDS", "0")
    return env


def collect_static_when_hashed() -> bool:
    """Collect the static files when the storage serves hashed names from a manifest
    (production's), which has none until collected: every page would fail naming its
    stylesheet. The embedded default serves the apps' folders and needs nothing."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    return True
