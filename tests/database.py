"""Watching what the database refused, for tests of claims that must never fail."""

import contextlib

from django.db import connection, transaction


@contextlib.contextmanager
def failed_statements():
    """The statements the database refused meanwhile: each one an error in its log and,
    outside a savepoint, an aborted transaction."""
    refused = []

    def watch(execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        except Exception as error:
            refused.append((sql, error))
            raise

    with connection.execute_wrapper(watch):
        yield refused


@contextlib.contextmanager
def rolled_back_afterwards(django_db_blocker):
    """A transaction around a group of tests, for data they share and only read.

    Made once inside it, the data is there for each test of the group; each test still runs
    in a transaction (a savepoint) of its own within it, and everything is rolled back when
    the group ends, so tests outside it never see the data."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
