"""The live occupancy wire protocol. docs/realtime.md describes it for client authors.

Server to client, JSON text frames:
  snapshot   {"type": "snapshot", "seq": n, "space": {...}, "resources": [...], figures}
  delta      {"type": "delta", "seq": n, "event": kind, "resource": {...} | null, "figures": {...}}
  heartbeat  {"type": "heartbeat", "seq": n, "time": iso}   n: the last seq this process sent
  pong       {"type": "pong", "id": ...}
  error      {"type": "error", "code": ...}
Client to server: {"type": "resync"} for a fresh snapshot, {"type": "ping", "id": ...}.

`seq` numbers a space's updates 1, 2, 3… without gaps. A client applies a delta whose seq
is one more than the last it holds, ignores older ones, and asks for a snapshot when it
sees a gap or reconnects. Deltas carry the resource's whole state, so applying one twice
is harmless.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder

PROTOCOL_VERSION = 1
HEARTBEAT_SECONDS = 25


def encode(message: dict) -> str:
    return json.dumps(message, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False)


def snapshot(data: dict) -> dict:
    return {"type": "snapshot", "v": PROTOCOL_VERSION, **data}


def delta(*, seq: int, event: str, resource: dict | None, figures: dict) -> dict:
    return {"type": "delta", "seq": seq, "event": event, "resource": resource, "figures": figures}


def network_snapshot(centres: list[dict]) -> dict:
    return {"type": "snapshot", "v": PROTOCOL_VERSION, "centres": centres}


def network_delta(centre: dict) -> dict:
    return {"type": "centre", "seq": centre["seq"], "centre": centre}


def heartbeat(*, seq: int, time: str) -> dict:
    return {"type": "heartbeat", "seq": seq, "time": time}
