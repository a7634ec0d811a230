"""The waitlist of rooms and desks: join, leave, the offer to the first in line when a
booking frees the resource, accept (a booking through `booking_create` and all its
checks), decline, and the sweep that passes expired offers on.

Every write takes the space's lock (`lock_space`), the one that serializes its bookings,
so "who is first" and "is it free" are read under the same lock that a booking takes;
each records a domain event. Offers are made from the task lane of the outbox
(`offer_freed_booking`, subscribed in `CoworkConfig.ready`), which may deliver an event
twice: an offer is made only where no open offer already covers the freed resource, and a
wait holds one open offer at most (a unique constraint), so the second delivery does
nothing.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.booking_rules import require_window
from cowork.errors import InvalidInput, NotAllowed, RuleViolation
from cowork.models import (
    ACTIVE_STATUSES,
    Booking,
    DomainEvent,
    DomainEventKind,
    Resource,
    Space,
)
from cowork.models.waits import (
    OFFER_MINUTES,
    OPEN_WAIT_STATUSES,
    OfferStatus,
    ResourceWait,
    ResourceWaitOffer,
    WaitStatus,
)
from cowork.selectors.access import user_works_at_space
from cowork.selectors.availability import free_resources
from cowork.services.booking import authorize_booking_for, booking_create
from cowork.services.locking import lock_space
from cowork.services.outbox import domain_event_record

WAITABLE_KINDS = (Resource.Kind.ROOM, Resource.Kind.DESK)
# A member may wait for this many windows at once: enough for a week of plans, not a net
# cast over every room of the network.
MAX_OPEN_WAITS = 10


def _record(kind: DomainEventKind, wait: ResourceWait, **extra) -> None:
    domain_event_record(
        kind=kind,
        aggregate=wait,
        space=wait.space,
        payload={
            "wait": wait.pk,
            "member": wait.member_id,
            "starts_at": wait.starts_at.isoformat(),
            "ends_at": wait.ends_at.isoformat(),
            "status": wait.status,
            **({"resource": wait.resource_id} if wait.resource_id else {}),
            **extra,
        },
    )


def resource_wait_join(
    *,
    member,
    space: Space,
    resource: Resource | None,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    now: datetime.datetime | None = None,
) -> ResourceWait:
    """Put `member` in line for `resource` (None: any desk of `space`) over the window.

    Refused when the window has begun, when what is waited for is free now (book it
    instead), when the member already waits for an overlapping window of the same thing, or
    holds `MAX_OPEN_WAITS` open waits.
    """
    now = now or timezone.now()
    require_window(starts_at, ends_at)
    if starts_at <= now:
        raise RuleViolation(_("That time has begun; choose a later one."), code="in_the_past")
    if resource is not None:
        if resource.space_id != space.pk or resource.kind not in WAITABLE_KINDS:
            raise InvalidInput(_("Choose a room or a desk of this centre."), code="not_waitable")
        if resource.out_of_service:
            raise RuleViolation(_("This room or desk is out of service."), code="out_of_service")
    authorize_booking_for(acting_user=member, member=member, space=space)
    with transaction.atomic():
        lock_space(space.pk)
        if _free_for(space=space, resource=resource, starts_at=starts_at, ends_at=ends_at):
            raise RuleViolation(_("It is free at that time: book it instead."), code="free_now")
        mine = ResourceWait.objects.filter(member=member, status__in=OPEN_WAIT_STATUSES)
        if mine.filter(
            space=space, resource=resource, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).exists():
            raise RuleViolation(
                _("You are already waiting for this at that time."), code="already_waiting"
            )
        if mine.filter(ends_at__gt=now).count() >= MAX_OPEN_WAITS:
            raise RuleViolation(
                _("You are waiting for %(count)s places already; leave one first.")
                % {"count": MAX_OPEN_WAITS},
                code="too_many_waits",
            )
        wait = ResourceWait.objects.create(
            space=space, resource=resource, member=member, starts_at=starts_at, ends_at=ends_at
        )
        _record(DomainEventKind.WAIT_JOINED, wait)
    return wait


def resource_wait_leave(
    *, wait: ResourceWait, acting_user, now: datetime.datetime | None = None
) -> ResourceWait:
    """Leave the line (the member, or someone who works at the centre); an open offer is
    withdrawn and passes to the next in line."""
    now = now or timezone.now()
    with transaction.atomic():
        lock_space(wait.space_id)
        wait = _fresh_wait(wait.pk)
        if acting_user != wait.member and not user_works_at_space(
            user=acting_user, space=wait.space
        ):
            raise NotAllowed(_("This place on the waitlist is not yours."))
        if not wait.is_open:
            raise RuleViolation(_("You are no longer on this waitlist."), code="not_waiting")
        offer = wait.offers.filter(status=OfferStatus.OPEN).select_related("resource").first()
        _close(wait, WaitStatus.LEFT, now=now)
        _record(DomainEventKind.WAIT_LEFT, wait, by=acting_user.pk)
        if offer is not None:
            _settle(offer, OfferStatus.WITHDRAWN, now=now)
            _offer_next(resource=offer.resource, freed_by_id=offer.freed_by_id, now=now)
    return wait


def resource_wait_accept(
    *, offer: ResourceWaitOffer, now: datetime.datetime | None = None
) -> Booking:
    """Book the offered resource for the waiting member, through the booking service and
    every check it makes; the wait is then booked. Whoever holds the offer's link may
    accept it, for the member it was made to (as a registration's link acts for its
    person)."""
    now = now or timezone.now()
    with transaction.atomic():
        lock_space(offer.wait.space_id)
        offer = _fresh_offer(offer.pk)
        _require_live(offer, now=now)
        wait = offer.wait
        booking = booking_create(
            resource=offer.resource,
            member=wait.member,
            starts_at=wait.starts_at,
            ends_at=wait.ends_at,
            purpose=_("From the waitlist"),
            now=now,
        )
        _settle(offer, OfferStatus.ACCEPTED, now=now)
        wait.booking = booking
        _close(wait, WaitStatus.BOOKED, now=now, extra=["booking"])
        _record(
            DomainEventKind.WAIT_ACCEPTED,
            wait,
            offer=offer.pk,
            booking=booking.pk,
            resource=offer.resource_id,
        )
    return booking


def resource_wait_decline(
    *, offer: ResourceWaitOffer, now: datetime.datetime | None = None
) -> ResourceWaitOffer:
    """Say no to the offer: the member leaves this line and the resource passes on."""
    now = now or timezone.now()
    with transaction.atomic():
        lock_space(offer.wait.space_id)
        offer = _fresh_offer(offer.pk)
        _require_live(offer, now=now)
        _settle(offer, OfferStatus.DECLINED, now=now)
        _close(offer.wait, WaitStatus.DECLINED, now=now)
        _record(DomainEventKind.WAIT_DECLINED, offer.wait, offer=offer.pk)
        _offer_next(resource=offer.resource, freed_by_id=offer.freed_by_id, now=now)
    return offer


def resource_wait_offers_expire(*, now: datetime.datetime | None = None) -> int:
    """Close the offers whose time ran out and pass each resource to the next in line;
    the number closed. A schedule runs it every minute; two runs at once close each offer
    once (the status is re-read under the space's lock)."""
    now = now or timezone.now()
    expired = 0
    due = ResourceWaitOffer.objects.filter(status=OfferStatus.OPEN, expires_at__lte=now)
    for offer_id, space_id in due.values_list("pk", "wait__space_id")[:200]:
        with transaction.atomic():
            lock_space(space_id)
            offer = _fresh_offer(offer_id)
            if offer.status != OfferStatus.OPEN or offer.expires_at > now:
                continue
            _settle(offer, OfferStatus.EXPIRED, now=now)
            _close(offer.wait, WaitStatus.MISSED, now=now)
            _record(DomainEventKind.WAIT_OFFER_EXPIRED, offer.wait, offer=offer.pk)
            _offer_next(resource=offer.resource, freed_by_id=offer.freed_by_id, now=now)
            expired += 1
    return expired


def offer_freed_booking(event: DomainEvent) -> None:
    """Task-lane subscriber: a booking that held a resource was cancelled, released or
    declined; offer the resource to the first in line whose window it frees."""
    booking = (
        Booking.objects.select_related("resource__space")
        .filter(pk=event.payload.get("booking"))
        .first()
    )
    if booking is None or booking.status in ACTIVE_STATUSES:
        return
    if booking.resource.kind not in WAITABLE_KINDS:
        return
    with transaction.atomic():
        lock_space(booking.space_id)
        _offer_next(resource=booking.resource, freed_by_id=booking.pk, now=timezone.now())


# Under the space's lock ------------------------------------------------------------------


def _offer_next(
    *, resource: Resource, freed_by_id: int | None, now: datetime.datetime
) -> ResourceWaitOffer | None:
    """Offer `resource` to the first open wait it can serve that holds no offer, unless an
    open offer of the resource already covers that wait's window (a second delivery)."""
    if resource.out_of_service:
        return None
    candidates = (
        ResourceWait.objects.filter(
            space_id=resource.space_id, status=WaitStatus.WAITING, starts_at__gt=now
        )
        .filter(
            Q(resource=resource) | Q(resource__isnull=True)
            if _is_desk(resource)
            else Q(resource=resource)
        )
        .select_related("space", "member")
        .order_by("created_at", "id")
    )
    open_offers = list(
        ResourceWaitOffer.objects.filter(resource=resource, status=OfferStatus.OPEN).values_list(
            "wait__starts_at", "wait__ends_at"
        )
    )
    for wait in candidates:
        if any(s < wait.ends_at and e > wait.starts_at for s, e in open_offers):
            continue
        if not _resource_free(resource, starts_at=wait.starts_at, ends_at=wait.ends_at):
            continue
        offer = ResourceWaitOffer.objects.create(
            wait=wait,
            resource=resource,
            freed_by_id=freed_by_id,
            offered_at=now,
            expires_at=min(now + datetime.timedelta(minutes=OFFER_MINUTES), wait.starts_at),
        )
        wait.status = WaitStatus.OFFERED
        wait.save(update_fields=["status"])
        _record(
            DomainEventKind.WAIT_OFFERED,
            wait,
            offer=offer.pk,
            resource=resource.pk,
            expires_at=offer.expires_at.isoformat(),
        )
        return offer
    return None


def _is_desk(resource: Resource) -> bool:
    return resource.kind == Resource.Kind.DESK


def _resource_free(resource: Resource, *, starts_at, ends_at) -> bool:
    return not Booking.objects.filter(
        resource=resource,
        status__in=ACTIVE_STATUSES,
        starts_at__lt=ends_at,
        blocked_until__gt=starts_at,
    ).exists()


def _free_for(*, space: Space, resource: Resource | None, starts_at, ends_at) -> bool:
    if resource is not None:
        return _resource_free(resource, starts_at=starts_at, ends_at=ends_at)
    return bool(
        free_resources(space=space, kind=Resource.Kind.DESK, starts_at=starts_at, ends_at=ends_at)
    )


def _require_live(offer: ResourceWaitOffer, *, now) -> None:
    if offer.status == OfferStatus.OPEN and now >= offer.expires_at:
        raise RuleViolation(
            _("This offer has expired; it has passed to the next in line."), code="offer_expired"
        )
    if offer.status != OfferStatus.OPEN:
        raise RuleViolation(_("This offer is no longer open."), code="offer_closed")


def _settle(offer: ResourceWaitOffer, status: str, *, now) -> None:
    offer.status = status
    offer.decided_at = now
    offer.save(update_fields=["status", "decided_at"])


def _close(wait: ResourceWait, status: str, *, now, extra=()) -> None:
    wait.status = status
    wait.closed_at = now
    wait.save(update_fields=["status", "closed_at", *extra])


def _fresh_wait(pk: int) -> ResourceWait:
    return ResourceWait.objects.select_related("space", "member", "resource").get(pk=pk)


def _fresh_offer(pk: int) -> ResourceWaitOffer:
    return ResourceWaitOffer.objects.select_related(
        "wait__space", "wait__member", "resource__space"
    ).get(pk=pk)
