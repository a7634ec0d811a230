import pytest_asyncio
from channels.db import database_sync_to_async
from django.db import connections


@pytest_asyncio.fixture(autouse=True)
async def _close_connections_of_the_sync_thread():
    """Close the connections the ORM opened in asgiref's sync thread during a test.

    With a persistent CONN_MAX_AGE they would outlive the test and keep PostgreSQL from
    dropping the test database at the end of the run.
    """
    yield
    await database_sync_to_async(connections.close_all)()
