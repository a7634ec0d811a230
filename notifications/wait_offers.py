"""The message of a waitlist offer: a room or desk someone waited for is free, with the link
to the page that books it in one step (`cowork.services.waits`).

Subscribed in NotificationsConfig.ready(); the relay may deliver the event twice, and the
row's key (`wait-offer:<offer>`) makes one message of it.
"""

from cowork import outbox
from cowork.models import DomainEvent, DomainEventKind, ResourceWaitOffer
from notifications.messaging.enqueue import dispatch_soon, notification_enqueue
from notifications.models import Notification
from notifications.quiet_hours import send_time
from notifications.sms.messages import sms_language


def subscribe() -> None:
    outbox.subscribe(DomainEventKind.WAIT_OFFERED, wait_offered, lane=outbox.TASKS)


def wait_offered(event: DomainEvent) -> None:
    offer = (
        ResourceWaitOffer.objects.select_related("wait__member__member", "wait__space", "resource")
        .filter(pk=event.payload.get("offer"))
        .first()
    )
    if offer is None or not offer.is_live(event.created_at):
        return
    wait, user = offer.wait, offer.wait.member
    member = getattr(user, "member", None)
    if member is None or not member.phone:
        return
    space = wait.space
    personal = (
        (member.quiet_from, member.quiet_until)
        if member.quiet_from is not None and member.quiet_until is not None
        else None
    )
    # An offer that quiet hours would hold past its expiry goes at once: later is useless.
    due_at = send_time(
        space,
        Notification.Kind.WAIT_OFFER,
        at=offer.offered_at,
        starts_at=offer.expires_at,
        personal=personal,
    )
    notification_enqueue(
        key=f"wait-offer:{offer.pk}",
        kind=Notification.Kind.WAIT_OFFER,
        phone=member.phone,
        language=sms_language(member.language, space.default_language),
        due_at=due_at,
        space=space,
        wait_offer=offer,
        email=user.email,
        recipient_name=user.get_full_name(),
    )
    dispatch_soon()
