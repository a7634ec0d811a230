"""Sending due messages exactly once: claim, render, send, record.

A row goes PENDING → SENDING in one conditional UPDATE (the claim), so two tasks, two
`qcluster` processes or a task run twice never send it twice. The body is rendered and kept
before the provider is called, so that `recovery` can look for exactly that text when a
worker dies before it records the send. Permanent failures (bad number, opted out) fail at
once and fall back to e-mail when the person has one; transient ones go to `recovery`.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cowork.models import ACTIVE_STATUSES
from notifications.messaging.budget import (
    BudgetBook,
    alert_hosts_of_unverified_cap,
    take_unverified_allowance,
)
from notifications.messaging.channels import route
from notifications.messaging.delivery import status_callback_url
from notifications.messaging.outcomes import (
    email_instead,
    fail,
    finish,
    kept_body,
    put_back,
    still_claimed,
)
from notifications.messaging.recovery import retry_later
from notifications.messaging.routed import send_routed
from notifications.models import Channel, Notification, SmsOptOut
from notifications.quiet_hours import REMINDERS, send_time
from notifications.sms import (
    BaseSmsBackend,
    PermanentSmsError,
    TransientSmsError,
    UnknownOutcomeSmsError,
    get_backend,
    segment_count,
)
from notifications.sms.costs import sms_cost
from notifications.sms.messages import facts_for, host_waiting_count, render_message
from notifications.sms.senders import Sender, sender_for
from notifications.telegram.offer import with_telegram_offer

Status = Notification.Status
Kind = Notification.Kind

CLAIM_BATCH = 50


@dataclass
class DispatchResult:
    sent: int = 0
    failed: int = 0
    retried: int = 0  # back to PENDING for later: a transient error, or quiet hours
    unsettled: int = 0  # no answer from the provider: left for recover_stale to settle
    cancelled: int = 0
    skipped: int = 0  # the claim was settled by recovery meanwhile: someone else's now
    claimed: int = 0


def dispatch_due(
    *,
    now: datetime.datetime | None = None,
    limit: int = CLAIM_BATCH,
    backend: BaseSmsBackend | None = None,
) -> DispatchResult:
    """Claim up to `limit` due rows and send each; return what became of them."""
    now = now or timezone.now()
    backend = backend or get_backend()
    result = DispatchResult()
    budget = BudgetBook(now)
    for pk in _claim(now=now, limit=limit):
        result.claimed += 1
        outcome = _send_claimed(pk, claimed_at=now, backend=backend, budget=budget)
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def _claim(*, now: datetime.datetime, limit: int) -> list[int]:
    """Move up to `limit` due PENDING rows to SENDING; return the ids this call won.

    PostgreSQL skips rows another worker has locked; SQLite runs one writer at a time.
    Each row's UPDATE is still conditional on PENDING, so only a row this call moved is
    ever returned, whatever the isolation.
    """
    with transaction.atomic():
        due = Notification.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        due = due.order_by("next_attempt_at", "id").values_list("pk", flat=True)
        candidates = list(due[:limit])
        won = []
        for pk in candidates:
            moved = Notification.objects.filter(pk=pk, status=Status.PENDING).update(
                status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
            if moved:
                won.append(pk)
    return won


def _send_claimed(
    pk: int, *, claimed_at: datetime.datetime, backend: BaseSmsBackend, budget: BudgetBook
) -> str:
    """Send one row this worker claimed at `claimed_at`; return the DispatchResult count it
    adds to.

    Every write is conditional on that claim (`still_claimed`): if recovery settled the row
    and another worker claimed it meanwhile, nothing here touches it again.
    """
    notification = Notification.objects.select_related(
        "space", "booking__resource", "registration__event", "session", "wait_offer__resource"
    ).get(pk=pk)
    if notification.status != Status.SENDING or notification.claimed_at != claimed_at:
        return "skipped"
    now = claimed_at
    why_not = _why_not_send(notification, now=now)
    if why_not:
        finish(notification, Status.CANCELLED, error_code=why_not)
        return "cancelled"
    # The person's first usable channel from the row's own on; SMS's rules are SMS's alone.
    way = route(notification, now=now)
    sms = way.channel == Channel.SMS
    notification.channel = way.channel
    if sms and SmsOptOut.objects.filter(phone=notification.phone).exists():
        fail(notification, code="opted_out", message="The person replied STOP.")
        return "failed"
    if sms and not notification.essential and budget.spent(notification.space):
        finish(notification, Status.CANCELLED, error_code="budget")
        budget.alert_hosts(notification.space)
        return "cancelled"
    # Rows are made outside quiet hours, but a retry, a backlog or a recovery can bring one
    # due at night: it waits for the morning, or goes now if waiting would make it useless.
    space = notification.space
    when = (
        send_time(space, notification.kind, at=now, starts_at=_starts_at(notification))
        if space
        else now
    )
    if when is None:
        finish(notification, Status.CANCELLED, error_code="quiet_hours")
        return "cancelled"
    if when > now:
        put_back(notification, at=when, error_code="quiet_hours", count_attempt=False)
        return "retried"

    # An SMS is worded for its sender (a one-way sender is never asked for a reply) and in
    # plain Latin where the centre wants it; Telegram and WhatsApp take replies and any
    # letter.
    sender = sender_for(space=space, phone=notification.phone) if sms else Sender()
    try:
        body = notification.body or render_message(
            kind=notification.kind,
            language=notification.language,
            facts=facts_for(notification),
            two_way=sender.two_way,
            plain_latin=sms and bool(space and space.sms_transliterate),
        )
    except ValueError as exc:  # a template too long for its budget: no retry will fit it
        fail(notification, code="render_error", message=str(exc))
        return "failed"
    if sms and not notification.body:
        body = with_telegram_offer(
            body, notification, plain_latin=bool(space and space.sms_transliterate)
        )
    spent = take_unverified_allowance(notification) if sms else ""
    if spent:
        finish(notification, Status.CANCELLED, error_code="unverified_cap", message=spent)
        email_instead(notification)
        alert_hosts_of_unverified_cap(space, spent)
        return "cancelled"
    segments = segment_count(body)[0] if sms else 0
    # Kept before sending, so that recovery after a crash can look for exactly this text;
    # and the claim renewed, because a long batch can outlast SMS_STALE_AFTER_SECONDS, and
    # recovery must not hand a row on that is about to be sent here. Recovery settles a
    # row only under the claim it read, so a renewed row is safe from it, and a row it
    # settled first is not sent here.
    renewed_at = max(timezone.now(), claimed_at)
    renewed = still_claimed(notification).update(
        body=body, segments=segments, claimed_at=renewed_at, channel=way.channel
    )
    if not renewed:
        return "skipped"
    notification.claimed_at = renewed_at
    try:
        sent = send_routed(
            way,
            notification,
            body=body,
            status_callback=status_callback_url(notification),
            sms_backend=backend,
            sender=sender,
        )
    except PermanentSmsError as exc:
        fail(notification, code=exc.code, message=exc.message)
        return "failed"
    except UnknownOutcomeSmsError as exc:
        # Maybe sent: the row stays SENDING, and recover_stale asks the provider's log once
        # the claim is stale, then marks it SENT or sends it again.
        still_claimed(notification).update(error_code=exc.code, error_message=exc.message[:300])
        return "unsettled"
    except TransientSmsError as exc:
        return retry_later(notification, exc)
    # Telegram's answer is the message in the chat: delivered; it sends no later reports.
    delivered = way.channel == Channel.TELEGRAM
    sent_at = timezone.now()
    # Only an SMS is paid by the segment; Telegram and WhatsApp cost the budget nothing.
    cost = sms_cost(phone=notification.phone, segments=sent.segments) if sms else Decimal(0)
    still_claimed(notification).update(
        status=Status.DELIVERED if delivered else Status.SENT,
        delivered_at=sent_at if delivered else None,
        provider_id=sent.provider_id,
        provider_status="delivered" if delivered else "sent",
        sent_at=sent_at,
        segments=sent.segments,
        cost=cost,
        error_code="",
        error_message="",
        body=kept_body(notification, body),
    )
    budget.add(space, cost)
    return "sent"


def _starts_at(notification: Notification) -> datetime.datetime | None:
    """When what the message is about starts, if it is about something."""
    if notification.booking is not None:
        return notification.booking.starts_at
    if notification.session is not None:
        return notification.session.starts_at
    if notification.registration is not None:
        return notification.registration.event.starts_at
    if notification.wait_offer is not None:
        # An offer is worth a text only until it expires: quiet hours never hold it back.
        return notification.wait_offer.expires_at
    return None


def _why_not_send(notification: Notification, *, now) -> str:
    """A reason the message makes no sense any more, or "" to send it."""
    booking, registration = notification.booking, notification.registration
    if notification.kind == Kind.HOST_WAITING and not host_waiting_count(notification):
        return "nothing_waiting"  # decided meanwhile, by this host or another
    if notification.kind in REMINDERS and _starts_at(notification) <= now:
        return "too_late"
    if notification.kind == Kind.BOOKING_REMINDER and booking.status not in ACTIVE_STATUSES:
        return "booking_inactive"
    if notification.kind == Kind.EVENT_REMINDER and (
        registration.status != registration.Status.CONFIRMED
        or registration.event.status != registration.event.Status.SCHEDULED
    ):
        return "registration_inactive"
    # An offer nobody can accept any more (taken, withdrawn, expired) is not worth a text.
    if notification.kind == Kind.WAIT_OFFER and not notification.wait_offer.is_live(now):
        return "offer_closed"
    return ""
