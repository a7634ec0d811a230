"""deploy/systemd: systemd accepts the units, and daphne serves the socket they hand it."""

import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.deploy.envfile import ROOT
from tests.servers import IN_CI, server_environment

UNITS = ROOT / "deploy" / "systemd"


def _unit(name: str) -> dict[str, list[str]]:
    """`Key` -> its values, in order, across sections (keys may repeat, like ExecStart)."""
    values: dict[str, list[str]] = {}
    for line in (UNITS / name).read_text().splitlines():
        if line and not line.startswith(("#", "[")) and "=" in line:
            key, value = line.split("=", 1)
            values.setdefault(key, []).append(value)
    return values


def test_systemd_accepts_every_unit(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        if IN_CI:
            pytest.fail("systemd-analyze not found")
        pytest.skip("systemd-analyze not found")
    # A root of the test's own: the units where systemd looks for them, stand-ins for the
    # programs they start and the file they read, and the system's own targets they name.
    (tmp_path / "etc/systemd").mkdir(parents=True)
    shutil.copytree(UNITS, tmp_path / "etc/systemd/system")
    shutil.copytree("/lib/systemd/system", tmp_path / "usr/lib/systemd/system", symlinks=True)
    (tmp_path / "etc/cowork").mkdir()
    (tmp_path / "etc/cowork/cowork.env").write_text("")
    bin_dir = tmp_path / "srv/cowork/.venv/bin"
    bin_dir.mkdir(parents=True)
    for program in ("python", "daphne"):
        (bin_dir / program).write_text("#!/bin/sh\n")
        (bin_dir / program).chmod(0o755)
    result = subprocess.run(
        [analyze, "verify", "--man=no", f"--root={tmp_path}",
         "cowork-daphne@1.socket", "cowork-daphne@1.service",
         "cowork-qcluster.service", "cowork-release.service"],
        capture_output=True, text=True,
    )  # fmt: skip
    # systemd reports unknown keys and bad values as warnings with exit code 0: any output
    # is a mistake.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_units_run_as_the_cowork_user_with_the_environment_file_and_restart():
    for name in ("cowork-daphne@.service", "cowork-qcluster.service", "cowork-release.service"):
        unit = _unit(name)
        assert unit["User"] == ["cowork"] and unit["Group"] == ["cowork"], name
        assert unit["EnvironmentFile"] == ["/etc/cowork/cowork.env"], name
        assert unit["WorkingDirectory"] == ["/srv/cowork"], name
    assert _unit("cowork-daphne@.service")["Restart"] == ["always"]
    assert _unit("cowork-qcluster.service")["Restart"] == ["always"]
    assert _unit("cowork-release.service")["Type"] == ["oneshot"]
    for name in ("cowork-daphne@.service", "cowork-qcluster.service"):
        assert "cowork-release.service" in _unit(name)["After"][0], name


def test_each_daphne_process_takes_its_socket_as_standard_input():
    service, sock = _unit("cowork-daphne@.service"), _unit("cowork-daphne@.socket")
    assert service["StandardInput"] == ["socket"]
    assert sock["Accept"] == ["no"]
    assert sock["ListenStream"] == ["127.0.0.1:800%i"]
    command = shlex.split(service["ExecStart"][0])
    assert command[command.index("--fd") + 1] == "0"
    # Proxy headers are the application's to judge (TRUSTED_PROXIES), never daphne's.
    assert "--proxy-headers" not in command and "--no-server-name" in command


def test_daphne_serves_a_listening_socket_handed_over_as_systemd_does():
    """What systemd does with StandardInput=socket: the listening socket is fd 0."""
    command = shlex.split(_unit("cowork-daphne@.service")["ExecStart"][0])
    assert Path(command[0]).name == "daphne"
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", *command[1:]],
        stdin=listener.fileno(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        env=server_environment(),
        text=True,
    )
    listener.close()
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    assert r.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert "Traceback" not in output, output


def test_the_task_cluster_conducts_its_own_stop_and_has_time_for_it(settings):
    unit = _unit("cowork-qcluster.service")
    # SIGTERM to the main process alone: sent to every process, the workers would die at
    # once instead of getting their grace.
    assert unit["KillMode"] == ["mixed"] and unit["KillSignal"] == ["SIGTERM"]
    assert int(unit["TimeoutStopSec"][0]) > settings.TASKS_STOP_GRACE_SECONDS + 5
