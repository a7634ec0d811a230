"""A forked task worker never talks over the database session of the process it came from."""

import json
import os

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _in_child(work) -> dict:
    """Run `work()` in a forked child (as django-q2 runs its workers); return its result."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report and leave without running anything of pytest's
        try:
            os.close(read_end)
            os.write(write_end, json.dumps(work()).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        result = json.loads(pipe.read())
    os.waitpid(pid, 0)
    return result


def _session_id() -> int | str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]
        cursor.execute("SELECT 1")
    return id(connection.connection)


def test_a_forked_worker_opens_its_own_connection_and_leaves_the_parents_working():
    parent_session = _session_id()
    inherited = id(connection.connection)

    def child():
        return {"session": _session_id(), "connection": id(connection.connection)}

    seen = _in_child(child)
    assert seen["connection"] != inherited
    assert seen["session"] != parent_session
    # The parent's session is intact: nothing of it was closed or spoken over.
    assert _session_id() == parent_session
