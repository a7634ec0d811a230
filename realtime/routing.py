"""Websocket routes, mounted under /ws/ by cowork.asgi."""

from django.urls import path

from realtime import consumers

websocket_urlpatterns = [
    path("ws/heartbeat/", consumers.HeartbeatConsumer.as_asgi()),
    path("ws/spaces/<int:space_id>/occupancy/", consumers.OccupancyConsumer.as_asgi()),
    path("ws/network/occupancy/", consumers.NetworkConsumer.as_asgi()),
]
