"""Run the web server (daphne) and one task worker (qcluster) together, as `make run` does.

Ctrl-C stops both. If either stops by itself, the other is stopped too and the exit code
says so, so a broken worker never hides behind a working web page.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from cowork.management.commands.seed_demo import DEMO_PASSWORDS

ASGI = "cowork.config.asgi:application"


class Command(BaseCommand):
    help = "Serve cowork with daphne and one qcluster worker; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))

    def handle(self, *args, host, port, **options):
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        children = [
            subprocess.Popen(
                [python, "-m", "daphne", "-b", host, "-p", str(port), "--no-server-name", ASGI],
                cwd=settings.BASE_DIR,
            ),
            subprocess.Popen([python, manage, "qcluster"], cwd=settings.BASE_DIR),
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
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
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
