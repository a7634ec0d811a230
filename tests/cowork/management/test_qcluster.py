"""`manage.py qcluster` stops when told to, even in the middle of a long task."""

import contextlib
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django_q.models import OrmQ
from django_q.tasks import async_task

from cowork.management.commands.qcluster import descendants
from tests.servers import SERVER_START_TIMEOUT, server_environment

# Far longer than any stop may take: a cluster that waited for it would be caught.
LONG_TASK_SECONDS = 300
# A generous bound, not a speed figure: the grace the running task gets, plus the time a
# busy machine needs to end a few processes.
STOP_BOUND_SECONDS = settings.TASKS_STOP_GRACE_SECONDS + 25
# A grace a test may give the cluster instead of production's (which tests/deploy holds
# against the stop timeouts): a task cut after it takes the same path, seconds sooner.
SHORT_GRACE_SECONDS = "1"


@pytest.fixture
def cluster(request, transactional_db):
    """A task cluster in a child process on the test's database, its log in a pipe; with
    the grace a test parametrizes it by, if any."""
    grace = getattr(request, "param", None)
    extra = {"TASKS_STOP_GRACE_SECONDS": grace} if grace else {}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=settings.BASE_DIR,
        env=server_environment(Q_LOG_LEVEL="INFO", **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    if process.poll() is None:
        # The cluster's own processes too: killed alone, the command would leave its
        # sentinel running on, reviving workers and polling the database for the rest of
        # the run, its connections keeping the test database from being dropped.
        for pid in [process.pid, *descendants(process.pid)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait()


def _wait_for_line(process, text: str) -> str:
    seen = []
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if text in line:
            return line
    pytest.fail(f"qcluster never logged {text!r}:\n{''.join(seen)}")


@pytest.mark.parametrize("cluster", [SHORT_GRACE_SECONDS], indirect=True)
def test_a_stopped_cluster_exits_without_waiting_for_its_long_task(cluster):
    async_task("time.sleep", LONG_TASK_SECONDS)
    _wait_for_line(cluster, "'time.sleep'")  # a worker is running it
    cluster.send_signal(signal.SIGTERM)
    try:
        cluster.wait(timeout=STOP_BOUND_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"qcluster still running {STOP_BOUND_SECONDS:.0f} s after SIGTERM")
    # The task was cut, not lost: never acknowledged, the broker hands it out again.
    assert OrmQ.objects.count() == 1


def test_an_idle_cluster_exits_on_sigint(cluster):
    _wait_for_line(cluster, "running.")
    cluster.send_signal(signal.SIGINT)
    assert cluster.wait(timeout=STOP_BOUND_SECONDS) == 0
