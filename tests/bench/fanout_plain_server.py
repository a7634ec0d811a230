"""The "plain broadcast" anchor of tests/bench/fanout.py: the least Python can do.

A bare `websockets` server in a child process of its own: it holds every socket, sends a
small snapshot on connect, and on the parent's word writes one pre-encoded text to all
of them with `websockets.broadcast`. No framework, no channel layer, no per-socket task
on the send path.
"""

import asyncio
import time

SNAPSHOT = '{"type":"snapshot","seq":0}'


async def _main(conn) -> None:
    from websockets.asyncio.server import broadcast, serve

    clients: set = set()
    stop = asyncio.Event()

    async def handler(socket) -> None:
        await socket.send(SNAPSHOT)
        clients.add(socket)
        try:
            await socket.wait_closed()
        finally:
            clients.discard(socket)

    def on_command() -> None:
        command, *args = conn.recv()
        if command == "send":
            began = time.time()
            broadcast(clients, args[0])
            conn.send(("sent", len(clients), time.time() - began))
        elif command == "count":
            conn.send(("count", len(clients)))
        elif command == "stop":
            stop.set()

    # Same choices as the clients: no compression, no pings of its own during a run.
    async with serve(
        handler, "127.0.0.1", 0, compression=None, ping_interval=None, max_size=1024, backlog=1024
    ) as server:
        port = server.sockets[0].getsockname()[1]
        loop = asyncio.get_running_loop()
        loop.add_reader(conn.fileno(), on_command)
        conn.send(("listening", port))
        await stop.wait()
        loop.remove_reader(conn.fileno())


def serve_forever(conn) -> None:
    asyncio.run(_main(conn))
