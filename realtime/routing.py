"""Websocket routes, mounted under /ws/ by cowork.config.asgi."""

from django.urls import path, re_path

from realtime import consumers
from realtime.attendance import AttendanceConsumer

websocket_urlpatterns = [
    path("ws/heartbeat/", consumers.HeartbeatConsumer.as_asgi()),
    path("ws/spaces/<int:space_id>/occupancy/", consumers.OccupancyConsumer.as_asgi()),
    path("ws/network/occupancy/", consumers.NetworkConsumer.as_asgi()),
    path("ws/events/<int:event_id>/attendance/", AttendanceConsumer.as_asgi()),
    # Last: channels' URLRouter raises for a path no route matches, which the server logs as
    # an error with a traceback and answers with a 500, for any stray or mistyped socket.
    re_path(r"", consumers.NoSuchPath.as_asgi()),
]
