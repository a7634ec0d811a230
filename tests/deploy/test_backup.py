"""deploy/backup-check: a dump of the database restores to the same rows, and one that lost
rows fails the check; either way the scratch database is gone afterwards."""

import datetime
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from cowork.models import DomainEvent
from cowork.services.booking import booking_create
from tests.deploy.envfile import ROOT
from tests.factories import ResourceFactory, next_weekday
from tests.servers import IN_CI, server_environment

BACKUP_CHECK = ROOT / "deploy" / "backup-check"
SCRATCH = re.compile(r"^5 drop (\S+)", re.MULTILINE)

on_postgresql = pytest.mark.skipif(
    django_settings.EMBEDDED,
    reason="backup-check dumps PostgreSQL; the embedded lane's database is a SQLite file, "
    "so these run on the PostgreSQL lane",
)


def _pg_dump() -> str:
    binary = shutil.which("pg_dump") or "/usr/bin/pg_dump"
    if not Path(binary).exists():
        message = "pg_dump not found: the backup check needs it (apt-get install postgresql-client)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return binary


def _backup_check(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BACKUP_CHECK), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _database_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone()[0] == 1


@pytest.fixture
def booked(space, member_user) -> int:
    """Three bookings made through the service and committed, each with its outbox event;
    the outbox's highest id."""
    desk = ResourceFactory(space=space)
    start = next_weekday(space)
    for hour in range(3):
        starts_at = start + datetime.timedelta(hours=hour)
        booking_create(
            resource=desk,
            member=member_user,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=1),
        )
    return DomainEvent.objects.order_by("-id").values_list("id", flat=True).first()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_backup_restores_to_the_same_rows_and_is_kept(booked, tmp_path):
    _pg_dump()
    kept = tmp_path / "nightly.dump"
    result = _backup_check("--output", str(kept), env=server_environment())
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    for line in ("1 snapshot:", "2 pg_dump --format=custom:", "3 pg_restore into", "4 compare:"):
        assert f"\n{line}" in out, out
    assert f"outbox max id {booked}," in out
    assert "backup check passed" in out
    assert not _database_exists(SCRATCH.search(out).group(1))
    # The dump is kept only now it has restored, in PostgreSQL's custom format, for its owner.
    assert kept.read_bytes().startswith(b"PGDMP")
    assert kept.stat().st_mode & 0o077 == 0
    assert not (tmp_path / "nightly.dump.partial").exists()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_dump_that_lost_the_outbox_fails_the_check_and_is_not_kept(booked, tmp_path):
    # A pg_dump that leaves out the outbox's rows, as a broken backup job might: the dump
    # still restores, and only the comparison can tell.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "pg_dump"
    wrapper.write_text(
        f'#!/bin/sh\nexec {_pg_dump()} --exclude-table-data={DomainEvent._meta.db_table} "$@"\n'
    )
    wrapper.chmod(0o755)
    env = server_environment()
    env["PATH"] = f"{bin_dir}:{env.get('PATH', '')}"
    kept = tmp_path / "nightly.dump"
    result = _backup_check("--output", str(kept), env=env)
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert "cowork_domainevent: 3 rows in the source, 0 in the copy" in out
    assert f"outbox max id: {booked} in the source, 0 in the copy" in out
    assert "backup check FAILED" in out
    assert not _database_exists(SCRATCH.search(out).group(1))
    assert not kept.exists()
    assert not (tmp_path / "nightly.dump.partial").exists()


def test_without_a_postgresql_database_the_check_refuses_instead_of_passing():
    env = server_environment()
    env.pop("DATABASE_URL", None)
    result = _backup_check(env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "DATABASE_URL is not set" in result.stdout
    assert "passed" not in result.stdout
