"""Watching what the database refused, for tests of claims that must never fail."""

import contextlib

from django.db import connection


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
