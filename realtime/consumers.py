"""Websocket consumers: authenticate, authorize through a selector, join, send."""

from channels.generic.websocket import JsonWebsocketConsumer
from django.utils import timezone

# Close codes in the application range (4000-4999), mirroring HTTP where one fits.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


class HeartbeatConsumer(JsonWebsocketConsumer):
    """Answers pings with the server time, so a tablet can tell a dead link from a quiet one."""

    def connect(self):
        if not self.scope["user"].is_authenticated:
            self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.accept()

    def receive_json(self, content, **kwargs):
        if not isinstance(content, dict) or content.get("type") != "ping":
            self.send_json({"type": "error", "code": "unknown_message"})
            return
        self.send_json(
            {"type": "pong", "id": content.get("id"), "server_time": timezone.now().isoformat()}
        )
