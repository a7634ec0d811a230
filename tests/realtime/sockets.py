"""What a browser on this site sends with a websocket: the page's origin, the host it asks,
and, signed in, its session cookie."""

from channels.db import database_sync_to_async
from django.test import Client

# A browser sends both: the page's origin, and the host it connects to.
SAME_SITE = [(b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:8000")]


def session_cookie(user) -> tuple[bytes, bytes]:
    """The cookie header of a browser signed in as `user`; it writes a session row."""
    client = Client()
    client.force_login(user)
    return b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()


@database_sync_to_async
def session_headers(user) -> list[tuple[bytes, bytes]]:
    """The headers of this site's page, signed in as `user`."""
    return [*SAME_SITE, session_cookie(user)]


async def receive_type(communicator, kind: str, timeout: float = 5) -> dict:
    """The next message of `kind` on the socket, passing over the others."""
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if message["type"] == kind:
            return message
