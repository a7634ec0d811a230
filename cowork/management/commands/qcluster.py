"""django-q2's `qcluster`, with a stop that ends within seconds of SIGTERM or SIGINT.

django-q2 alone, told to stop, first finishes every task the cluster has taken: the running
ones and those queued inside it, one after another, each for up to Q_CLUSTER's timeout.
That is minutes, past the patience of systemd and Docker, whose SIGKILL then cuts
everything anyway. Here the running tasks get TASKS_STOP_GRACE_SECONDS to finish, then what
is left of the cluster is killed. Nothing is lost by it: a task the broker handed out and
that was never acknowledged is handed out again after Q_CLUSTER's `retry`, and every task
of ours may be cut short and run again (an SMS send cut after its claim is settled from the
provider's log by `notifications.messaging.recovery.recover_stale`).

This command replaces django-q2's own: cowork comes before django_q in INSTALLED_APPS.
"""

import contextlib
import logging
import os
import signal
import threading
from pathlib import Path

from django.conf import settings
from django_q.cluster import Cluster
from django_q.management.commands.qcluster import Command as DjangoQCommand

logger = logging.getLogger(__name__)


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, from /proc (Linux); none where there is no /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name in parentheses may hold spaces; the parent follows the state.
            parent = int(entry.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.parent.name))
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


class Command(DjangoQCommand):
    help = "Starts a task cluster; SIGTERM or SIGINT stops it within seconds."

    def handle(self, *args, **options):
        if options.get("run_once"):
            return super().handle(*args, **options)
        if options.get("cluster_name"):
            os.environ["Q_CLUSTER_NAME"] = options["cluster_name"]
        cluster = Cluster()
        stop_requested = threading.Event()

        def request_stop(signum, frame):
            stop_requested.set()
            if cluster.stop_event is not None:
                cluster.stop_event.set()

        # In place of django-q2's handlers, which wait for the cluster inside the handler.
        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        cluster.start()
        while not stop_requested.wait(0.5):
            if not cluster.sentinel.is_alive():
                return
        # A stop asked for while the cluster was starting could not reach it before.
        cluster.stop_event.set()
        cluster.sentinel.join(settings.TASKS_STOP_GRACE_SECONDS)
        if cluster.sentinel.is_alive():
            self._kill(cluster.sentinel.pid)
            cluster.sentinel.join()

    def _kill(self, sentinel_pid: int) -> None:
        # Children first found, then all at once: a sentinel killed first would leave its
        # workers to init, out of reach.
        processes = [sentinel_pid, *descendants(sentinel_pid)]
        logger.warning(
            "Tasks still running %s s after the stop: ending the cluster's %d processes; "
            "the broker hands their tasks out again.",
            settings.TASKS_STOP_GRACE_SECONDS,
            len(processes),
        )
        for pid in processes:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
