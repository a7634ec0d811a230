"""Hosts hear that something waits for their decision: one short message, batched.

A booking request, a registration held for approval, a person asking to join a centre, or
a booking a member moved back to pending: each arrival asks for a notice to every host of
the centre's organization (`cowork.selectors.inbox.hosts_to_tell`), on their own channel
(Telegram, WhatsApp or SMS: `notifications.messaging`). The notice is debounced:

- the first arrival schedules one notice `NOTICE_DELAY` later, so a burst of requests (a
  course's registrations opening) makes one message, not one per request;
- while that notice has not gone, later arrivals add nothing: it counts, when it is sent,
  everything still waiting for the host (`host_inbox_summary`), and is dropped if nothing
  does any more (another host decided meanwhile);
- after a notice went, the next one goes no sooner than `NOTICE_GAP` after it, so a host
  gets at most one notice per `NOTICE_GAP`, and never one at night (quiet hours: theirs and
  the centre's).

Exactly once: the row that follows notice #n is keyed "host-waiting:<phone>:<n>", so two
workers handling two arrivals at once, or the relay handing one arrival over twice, make
one row (`insert_unless_exists`). An arrival already counted by a notice sent after it was
recorded schedules nothing more.
"""

import datetime

from django.utils import timezone

from cowork import outbox
from cowork.models import BookingStatus, DomainEvent, DomainEventKind, Space
from cowork.selectors.inbox import hosts_to_tell
from notifications.messaging.enqueue import dispatch_soon, notification_enqueue
from notifications.models import Notification
from notifications.quiet_hours import send_time
from notifications.sms.messages import sms_language

Kind, Status = Notification.Kind, Notification.Status

# Long enough to gather a burst of requests, short enough that a request for today is seen
# in time.
NOTICE_DELAY = datetime.timedelta(minutes=5)
# At most one notice per host in this time; the inbox and its count in the header say the
# rest.
NOTICE_GAP = datetime.timedelta(minutes=30)
NOT_GONE = (Status.PENDING, Status.SENDING)


def subscribe() -> None:
    for kind in (
        DomainEventKind.BOOKING_REQUESTED,
        DomainEventKind.BOOKING_MOVED,
        DomainEventKind.REGISTRATION_PENDING,
        DomainEventKind.MEMBERSHIP_REQUESTED,
    ):
        outbox.subscribe(kind, something_waits, lane=outbox.TASKS)


def something_waits(event: DomainEvent) -> None:
    """Schedule (or leave scheduled) a notice to each host of the centre concerned."""
    if event.kind == DomainEventKind.BOOKING_MOVED and (
        event.payload.get("status") != BookingStatus.PENDING
    ):
        return  # a move waits for nobody unless it made the booking a request again
    space = _space_of(event)
    if space is None:
        return
    scheduled = False
    for host in hosts_to_tell(space=space):
        scheduled |= _schedule(host, space=space, event=event)
    if scheduled:
        dispatch_soon()


def _space_of(event: DomainEvent) -> Space | None:
    if event.space_id is not None:
        return Space.objects.filter(pk=event.space_id).first()
    return Space.objects.filter(pk=event.payload.get("space")).first()


def _schedule(host, *, space: Space, event: DomainEvent) -> bool:
    member = host.member
    phone = member.phone
    last = Notification.objects.filter(phone=phone, kind=Kind.HOST_WAITING).order_by("-pk").first()
    if last is not None and (
        last.status in NOT_GONE or (last.claimed_at and last.claimed_at >= event.created_at)
    ):
        return False  # a notice still to go counts this arrival, or one sent after it did
    now = timezone.now()
    due = max(now, event.created_at + NOTICE_DELAY)
    if last is not None:
        due = max(due, (last.claimed_at or last.due_at) + NOTICE_GAP)
    personal = (member.quiet_from, member.quiet_until) if member.quiet_from else None
    due = send_time(space, Kind.HOST_WAITING, at=due, starts_at=None, personal=personal)
    made = notification_enqueue(
        key=f"host-waiting:{phone}:{last.pk if last else 0}",
        kind=Kind.HOST_WAITING,
        phone=phone,
        language=sms_language(member.language, space.default_language),
        due_at=due,
        space=space,
        email=host.email,
        recipient_name=host.get_full_name(),
    )
    return made is not None
