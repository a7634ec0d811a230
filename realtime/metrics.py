"""Open websockets of this process, per space, and the frames sent to them, for /metrics.

Registered from `RealtimeConfig.ready()`. The count is per process: each daphne process has
its own hub and its own sockets, and Prometheus scrapes each process as its own target.
"""

from collections import Counter
from collections.abc import Iterable

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from realtime import hub as hub_module

NETWORK = "network"


def open_sockets_by_space() -> dict[str, int]:
    """Sockets joined to the hubs of this process: by space id, and "network" for the map.

    The only reader of the hub's insides outside hub.py; it runs on the thread serving
    /metrics while the event loop changes the rooms, so it takes copies (each `list()` of a
    dict is one step under the GIL) and reads nothing else.
    """
    counts: Counter[str] = Counter()
    for hub in list(hub_module._hubs.values()):
        loop = getattr(hub, "loop", None)
        if loop is not None and loop.is_closed():
            continue  # a test's finished loop; its sockets are gone
        for room in list(hub.rooms.values()):
            key = NETWORK if room.space_id is None else str(room.space_id)
            counts[key] += len(room.sockets)
    return dict(counts)


def websocket_metrics() -> Iterable[GaugeMetricFamily]:
    gauge = GaugeMetricFamily(
        "cowork_websockets_open",
        "Live-occupancy websockets open in this process, by space (or the network map).",
        labels=["space"],
    )
    for space, count in sorted(open_sockets_by_space().items()):
        gauge.add_metric([space], count)
    yield gauge


def frame_metrics() -> Iterable[CounterMetricFamily]:
    frames = hub_module.FRAMES
    counter = CounterMetricFamily(
        "cowork_websocket_frames",
        "Live frames this process sent: written at once to the socket (the fast path), "
        "queued behind Twisted's buffer, or sent through Channels.",
        labels=["path"],
    )
    counter.add_metric(["at_once"], frames.at_once)
    counter.add_metric(["queued"], frames.queued)
    counter.add_metric(["through_channels"], frames.through_channels)
    yield counter
