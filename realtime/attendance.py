"""Live attendance at the door: who is in, as QR scans, host marks and walk-ins commit.

/ws/events/<id>/attendance/?session=<id> is for the event's centre's hosts and staff only
(the updates carry names). On connect it sends the session's snapshot; after each
attendance or registration change of the event, a fresh one. Every message is a whole
snapshot, so a lost one costs nothing the next does not put right, and a client that
reconnects starts from a snapshot again; no sequence numbers are needed.

Server to client: {"type": "attendance", "session", "registered", "present", "absent",
"people": [{"id", "name", "at"}]} (people in the order they came), {"type": "pong", "id"},
{"type": "error", "code"}. Client to server: {"type": "resync"}, {"type": "ping", "id"}.

An attendance change names its session: its snapshot is read and encoded once, here, and
each socket on that session forwards the text. A registration change touches the counts of
every session, so it only says so and each socket reads its own session again.
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.utils import timezone

from cowork.models import DomainEvent, DomainEventKind, EventSession
from cowork.selectors.access import user_works_at_space
from cowork.selectors.events import attendance_snapshot
from realtime import protocol, sending
from realtime.consumers import (
    CLOSE_FORBIDDEN,
    CLOSE_NOT_FOUND,
    CLOSE_UNAUTHENTICATED,
    ClientMessages,
    query_value,
)
from realtime.groups import attendance_group

ATTENDANCE_KINDS = (DomainEventKind.ATTENDANCE_MARKED, DomainEventKind.ATTENDANCE_UNMARKED)
REGISTRATION_KINDS = (
    DomainEventKind.REGISTRATION_CONFIRMED,
    DomainEventKind.REGISTRATION_PENDING,
    DomainEventKind.REGISTRATION_WAITLISTED,
    DomainEventKind.REGISTRATION_PROMOTED,
    DomainEventKind.REGISTRATION_CANCELLED,
)
KINDS = (*ATTENDANCE_KINDS, *REGISTRATION_KINDS)


def encoded_snapshot(session: EventSession) -> str:
    return protocol.encode({"type": "attendance", **attendance_snapshot(session=session)})


def publish_attendance(event: DomainEvent) -> None:
    """Relay subscriber: tell the sockets on the event's attendance what changed."""
    event_id = event.payload.get("event")
    if event_id is None:
        return
    message = {"type": "attendance.changed", "session": None, "text": ""}
    session_id = event.payload.get("session") if event.kind in ATTENDANCE_KINDS else None
    if session_id is not None:
        session = EventSession.objects.select_related("event").filter(pk=session_id).first()
        if session is None:
            return
        message.update(session=session.pk, text=encoded_snapshot(session))
    layer = get_channel_layer()

    async def send():
        await layer.group_send(attendance_group(event_id), message)

    sending.run(send)


def _session_for(user, event_id: int, session_id: str) -> tuple[EventSession | None, int]:
    """The session this socket may follow, or None and the close code saying why not."""
    if not session_id.isdigit():
        return None, CLOSE_NOT_FOUND
    session = (
        EventSession.objects.select_related("event__space")
        .filter(pk=int(session_id), event_id=event_id)
        .first()
    )
    if session is None:
        return None, CLOSE_NOT_FOUND
    if not user_works_at_space(user=user, space=session.event.space):
        return None, CLOSE_FORBIDDEN
    return session, 0


class AttendanceConsumer(ClientMessages, AsyncWebsocketConsumer):
    """/ws/events/<event_id>/attendance/?session=<id>: the session's snapshot, then fresh ones."""

    group: str | None = None
    session_id: int | None = None

    async def connect(self):
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        event_id = self.scope["url_route"]["kwargs"]["event_id"]
        session, refusal = await database_sync_to_async(_session_for)(
            user, event_id, query_value(self.scope, "session")
        )
        if session is None:
            await self.close(code=refusal)
            return
        self.session_id = session.pk
        self.group = attendance_group(event_id)
        # Joined before the snapshot is read, so no change falls between the two.
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_snapshot()

    async def disconnect(self, code):
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.group = None

    async def send_snapshot(self) -> None:
        session = await database_sync_to_async(
            lambda: EventSession.objects.select_related("event").filter(pk=self.session_id).first()
        )()
        if session is None:  # the event is gone
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.send(text_data=await database_sync_to_async(encoded_snapshot)(session))

    async def attendance_changed(self, message):
        if message["session"] == self.session_id and message["text"]:
            await self.send(text_data=message["text"])
        elif message["session"] is None:
            await self.send_snapshot()

    def pong(self, ping: dict) -> dict:
        return {**super().pong(ping), "time": timezone.now().isoformat()}
