"""A reply by SMS shows on the host's live dashboard: the socket through the real ASGI app.

(What the reply does to the booking's reminders: test_inbound_bookings.py.)
"""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from cowork.config.asgi import application
from cowork.models import BookingStatus
from tests import factories
from tests.notifications.sms.inbound import message_text, post_signed
from tests.realtime.sockets import SAME_SITE, receive_type, session_cookie

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("inbound_token"),
]

PHONE = "+994501112277"


@database_sync_to_async
def _desk_booked_now():
    """A desk booked by a member from this quarter hour on, and the host's socket headers."""
    space = factories.SpaceFactory(name="Ganja centre", weekday_hours=False)
    factories.open_around_the_clock(space)
    desk = factories.ResourceFactory(space=space, name="Desk 4", plan_x=10, plan_y=10)
    member = factories.MemberFactory(phone=PHONE, language="en").user
    host = factories.HostFactory(space=space).user
    booking = factories.booked_from_this_quarter_hour(desk, member, hours=2, now=timezone.now())
    return space, desk, booking, [*SAME_SITE, session_cookie(host)]


@database_sync_to_async
def _reply_by_sms(body: str) -> str:
    return message_text(post_signed(Client(), phone=PHONE, body=body))


async def test_reply_c_frees_the_desk_on_the_hosts_live_dashboard():
    space, desk, booking, headers = await _desk_booked_now()
    communicator = WebsocketCommunicator(
        application, f"/ws/spaces/{space.pk}/occupancy/", headers=headers
    )
    connected, _ = await communicator.connect()
    assert connected
    snapshot = await receive_type(communicator, "snapshot")
    [before] = [r for r in snapshot["resources"] if r["id"] == desk.pk]
    assert before["state"] == "booked"

    asked = await _reply_by_sms("C")
    assert asked.startswith("Cancel Desk 4")
    answer = await _reply_by_sms("C")

    delta = await receive_type(communicator, "delta")
    assert delta["event"] == "booking.cancelled"
    assert delta["seq"] == snapshot["seq"] + 1
    assert (delta["resource"]["id"], delta["resource"]["state"]) == (desk.pk, "free")
    assert answer.startswith("Cancelled: Desk 4")
    await communicator.disconnect()

    @database_sync_to_async
    def status_after():
        booking.refresh_from_db()
        return booking.status

    assert await status_after() == BookingStatus.CANCELLED
