"""A waitlist offer reaches the first in line once, in their language, with the link that
books; an offer that closed before its text went is not sent."""

import datetime
import re

import pytest

from cowork.models import ResourceWaitOffer
from cowork.services.booking import booking_cancel, booking_create
from cowork.services.waits import resource_wait_join, resource_wait_leave
from notifications.messaging.dispatch import dispatch_due
from notifications.models import Notification
from notifications.sms.segments import segment_count
from tests import factories

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def room(sms_space):
    return factories.RoomFactory(space=sms_space, name="Hall", translations={"ru": {"name": "Зал"}})


@pytest.fixture
def freed(room, sms_member, relay_now):
    """`sms_member` waits for the room; its holder cancels; the relay makes the offer."""
    start = factories.next_weekday(room.space)
    holder = factories.MemberFactory().user
    booking = booking_create(resource=room, member=holder, starts_at=start, ends_at=start + HOUR)
    wait = resource_wait_join(
        member=sms_member, space=room.space, resource=room, starts_at=start, ends_at=start + HOUR
    )
    booking_cancel(booking=booking, acting_user=holder)
    relay_now()
    return wait


def test_the_offer_is_texted_once_in_the_member_language_with_its_link(
    freed, locmem_sms, relay_now, settings
):
    relay_now()  # a second delivery makes no second row
    assert Notification.objects.filter(kind=Notification.Kind.WAIT_OFFER).count() == 1
    dispatch_due()
    (sms,) = locmem_sms
    offer = ResourceWaitOffer.objects.get()
    assert sms.to == "+994501112233"
    # The member reads Russian, and the room has a Russian name.
    assert "Зал" in sms.body and "Hall" not in sms.body and "свободно" in sms.body
    link = re.search(r"https?://\S+", sms.body).group(0)
    assert link == f"{settings.SITE_URL}/w/{offer.link_key()}/"
    assert segment_count(sms.body)[0] <= 2


def test_an_offer_withdrawn_before_it_was_sent_is_not_texted(freed, sms_member, locmem_sms):
    resource_wait_leave(wait=freed, acting_user=sms_member)
    dispatch_due()
    assert locmem_sms == []
    row = Notification.objects.get(kind=Notification.Kind.WAIT_OFFER)
    assert (row.status, row.error_code) == (Notification.Status.CANCELLED, "offer_closed")
