"""Sending due SMS exactly once: claim, render, send, record — and recover what a crash left.

A row goes PENDING → SENDING in one conditional UPDATE (the claim), so two tasks, two
`qcluster` processes or a task run twice never send it twice. The body is rendered and kept
before the provider is called; a worker killed between claim and record leaves the row in
SENDING, and `recover_stale` asks the provider whether that body went to that number since
the claim: if it did the row becomes SENT, if not it is sent again. Nothing lost, nothing
twice — as far as the provider's log can tell, which is as far as anyone can.

Transient failures (rate limits, outages) retry with exponential back-off; permanent ones
(bad number, opted out) fail at once and fall back to e-mail when the person has one.

A message to a number we have never reached (`number_reached`) takes one of the SMS to
unverified numbers the centre may send in 24 hours (`Space.sms_unverified_daily_limit`),
within the network's hard cap (`SMS_UNVERIFIED_NETWORK_DAILY_LIMIT`); once either is spent
it is held back (CANCELLED, `unverified_cap`), essential or not, and the centre's hosts are
e-mailed once that day. This is what bounds SMS pumping: numbers typed by whoever fills a
public form cost at most the allowance, whatever the forms let through.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone, translation

from cowork.db import insert_unless_exists
from cowork.models import ACTIVE_STATUSES, Member, Registration, Space, SpaceRole
from cowork.services.locking import lock_named
from notifications.ical.site import site_url
from notifications.models import (
    SECRET_KINDS,
    InboundSms,
    Notification,
    SmsBudgetAlert,
    SmsOptOut,
    SmsUnverifiedCapAlert,
)
from notifications.quiet_hours import REMINDERS, send_time
from notifications.sms import (
    BaseSmsBackend,
    OutgoingSms,
    PermanentSmsError,
    TransientSmsError,
    UnknownOutcomeSmsError,
    get_backend,
    segment_count,
)
from notifications.sms.messages import facts_for, render_message

logger = logging.getLogger(__name__)

Status = Notification.Status
Kind = Notification.Kind

CLAIM_BATCH = 50
MAX_ATTEMPTS = 6
RETRY_BASE_SECONDS = 30
RETRY_CAP_SECONDS = 3600
# A provider's "slow down" is answered sooner than an outage: it clears in seconds.
RATE_LIMIT_RETRY_SECONDS = 2
# The window of the allowances of SMS to unverified numbers.
UNVERIFIED_WINDOW = datetime.timedelta(hours=24)


def notification_enqueue(
    *,
    key: str,
    kind: str,
    phone: str,
    language: str,
    due_at: datetime.datetime,
    space: Space | None = None,
    booking=None,
    registration=None,
    session=None,
    email: str = "",
    recipient_name: str = "",
    minutes_before: int | None = None,
    essential: bool = True,
    body: str = "",
) -> Notification | None:
    """Make the row of one SMS due at `due_at`; None if a row with `key` exists already.

    `key` names the message for good (e.g. "booking:12:confirmed"), so the relay handing
    over the same domain event twice makes one row. Sending happens in `dispatch_due`.
    """
    notification = Notification(
        key=key,
        kind=kind,
        phone=phone,
        language=language,
        due_at=due_at,
        next_attempt_at=due_at,
        space=space,
        booking=booking,
        registration=registration,
        session=session,
        email=email or "",
        recipient_name=recipient_name[:200],
        minutes_before=minutes_before,
        essential=essential,
        body=body,
    )
    return notification if insert_unless_exists(notification) else None


def dispatch_soon() -> None:
    """Ask a task worker to send what is due, once the current transaction commits."""
    transaction.on_commit(_enqueue_dispatch, robust=True)


def _enqueue_dispatch() -> None:
    from django_q.tasks import async_task

    # Outside a transaction django-q2's ORM broker first closes this thread's connections,
    # which in a request hands its pooled connection back mid-relay, to be waited for
    # again behind every other request. Inside one it leaves them alone.
    with transaction.atomic():
        async_task("notifications.tasks.send_due_sms_task", task_name="send due SMS", group="sms")


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
    budget = _BudgetBook(now)
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
    pk: int, *, claimed_at: datetime.datetime, backend: BaseSmsBackend, budget: "_BudgetBook"
) -> str:
    """Send one row this worker claimed at `claimed_at`; return the DispatchResult count it
    adds to.

    Every write is conditional on that claim (`_ours`): if recovery settled the row and
    another worker claimed it meanwhile, nothing here touches it again.
    """
    notification = Notification.objects.select_related(
        "space", "booking__resource", "registration__event", "session"
    ).get(pk=pk)
    if notification.status != Status.SENDING or notification.claimed_at != claimed_at:
        return "skipped"
    now = claimed_at
    why_not = _why_not_send(notification, now=now)
    if why_not:
        _finish(notification, Status.CANCELLED, error_code=why_not)
        return "cancelled"
    if SmsOptOut.objects.filter(phone=notification.phone).exists():
        _fail(notification, code="opted_out", message="The person replied STOP.")
        return "failed"
    if not notification.essential and budget.spent(notification.space):
        _finish(notification, Status.CANCELLED, error_code="budget")
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
        _finish(notification, Status.CANCELLED, error_code="quiet_hours")
        return "cancelled"
    if when > now:
        _put_back(notification, at=when, error_code="quiet_hours", count_attempt=False)
        return "retried"

    try:
        body = notification.body or render_message(
            kind=notification.kind, language=notification.language, facts=facts_for(notification)
        )
    except ValueError as exc:  # a template too long for its budget: no retry will fit it
        _fail(notification, code="render_error", message=str(exc))
        return "failed"
    spent = _take_unverified_allowance(notification)
    if spent:
        _finish(notification, Status.CANCELLED, error_code="unverified_cap", message=spent)
        email_instead(notification)
        _alert_hosts_of_unverified_cap(space, spent)
        return "cancelled"
    segments = segment_count(body)[0]
    # Kept before sending, so that recovery after a crash can look for exactly this text;
    # and the claim renewed, because a long batch can outlast SMS_STALE_AFTER_SECONDS, and
    # recovery must not hand a row on that is about to be sent here. Recovery settles a
    # row only under the claim it read, so a renewed row is safe from it, and a row it
    # settled first is not sent here.
    renewed_at = max(timezone.now(), claimed_at)
    if not _ours(notification).update(body=body, segments=segments, claimed_at=renewed_at):
        return "skipped"
    notification.claimed_at = renewed_at
    message = OutgoingSms(
        to=notification.phone,
        body=body,
        sender=space.sms_sender_id if space else "",
        messaging_service_sid=space.sms_messaging_service_sid if space else "",
        status_callback=status_callback_url(notification),
        idempotency_key=notification.key,
    )
    try:
        sent = backend.send(message)
    except PermanentSmsError as exc:
        _fail(notification, code=exc.code, message=exc.message)
        return "failed"
    except UnknownOutcomeSmsError as exc:
        # Maybe sent: the row stays SENDING, and recover_stale asks the provider's log once
        # the claim is stale, then marks it SENT or sends it again.
        _ours(notification).update(error_code=exc.code, error_message=exc.message[:300])
        return "unsettled"
    except TransientSmsError as exc:
        return _retry_later(notification, exc)
    _ours(notification).update(
        status=Status.SENT,
        provider_id=sent.provider_id,
        provider_status="sent",
        sent_at=timezone.now(),
        segments=sent.segments,
        error_code="",
        error_message="",
        body=_kept_body(notification, body),
    )
    budget.add(space, sent.segments)
    return "sent"


def number_reached(phone: str) -> bool:
    """Whether `phone` is known to reach a person: a member's, one a host registered someone
    with (the host spoke to them), one that texted us, or one an SMS was delivered to.

    "Sent" is not enough: it says only that the provider took the message.
    """
    return (
        Member.objects.filter(phone=phone).exists()
        or Notification.objects.filter(phone=phone, status=Status.DELIVERED).exists()
        or InboundSms.objects.filter(phone=phone).exists()
        or Registration.objects.filter(
            participant__phone=phone, registered_by__isnull=False
        ).exists()
    )


def _take_unverified_allowance(notification: Notification) -> str:
    """ "" if the message may go: to a number reached before, already counted (a retry), or
    counted now; else why it may not, in words for the row's error detail.

    Counting and taking run under one lock, in a transaction of their own, so workers
    sending at once cannot each take the last one; the row is marked only under the claim
    this worker holds.
    """
    if notification.unverified_at is not None or number_reached(notification.phone):
        return ""
    space = notification.space
    now = timezone.now()
    with transaction.atomic():
        _lock_unverified_allowance()
        counted = Notification.objects.filter(unverified_at__gt=now - UNVERIFIED_WINDOW)
        network_cap = settings.SMS_UNVERIFIED_NETWORK_DAILY_LIMIT
        if counted.count() >= network_cap:
            return f"The network's {network_cap} SMS a day to unverified numbers are spent."
        if space is not None and (
            counted.filter(space=space).count() >= space.sms_unverified_daily_limit
        ):
            return (
                f"The centre's {space.sms_unverified_daily_limit} SMS a day "
                "to unverified numbers are spent."
            )
        # If recovery took the row meanwhile, nothing is marked, and the send below finds
        # the claim gone too.
        _ours(notification).update(unverified_at=now)
    return ""


def _lock_unverified_allowance() -> None:
    """Serialize the allowance across workers; SQLite's IMMEDIATE transactions already do."""
    lock_named("SMS to unverified numbers")


def _alert_hosts_of_unverified_cap(space: Space | None, why: str) -> None:
    """E-mail the centre's hosts, once a day (the centre's), that SMS are held back."""
    if space is None:
        return
    day = timezone.now().astimezone(space.zone).date()
    if not insert_unless_exists(SmsUnverifiedCapAlert(space=space, day=day)):
        return  # told already today
    _email_hosts(
        space,
        f"{space.name}: SMS to new numbers held back",
        f"{why} Further SMS to numbers never reached before (no delivered SMS, no reply, "
        "not a member's phone) are held back for now, confirmations included. "
        "Registrations stand, and people see their place on their registration page; "
        "the live dashboard lists who was not texted. If these registrations are genuine, "
        "raise the centre's allowance in the admin.",
    )


def _email_hosts(space: Space, subject: str, body: str) -> None:
    hosts = SpaceRole.objects.filter(space=space, role=SpaceRole.Role.HOST).exclude(user__email="")
    recipients = [role.user.email for role in hosts.select_related("user")]
    if recipients:
        send_mail(subject, body, None, recipients, fail_silently=True)


def _ours(notification: Notification):
    """The row, while it is still under the claim this worker holds."""
    return Notification.objects.filter(
        pk=notification.pk, status=Status.SENDING, claimed_at=notification.claimed_at
    )


def _kept_body(notification: Notification, body):
    """What the row keeps of its text once it is out: a code or a link is a secret."""
    return "" if notification.kind in SECRET_KINDS else body


def _starts_at(notification: Notification) -> datetime.datetime | None:
    """When what the message is about starts, if it is about something."""
    if notification.booking is not None:
        return notification.booking.starts_at
    if notification.session is not None:
        return notification.session.starts_at
    if notification.registration is not None:
        return notification.registration.event.starts_at
    return None


def _why_not_send(notification: Notification, *, now) -> str:
    """A reason the message makes no sense any more, or "" to send it."""
    booking, registration = notification.booking, notification.registration
    if notification.kind in REMINDERS and _starts_at(notification) <= now:
        return "too_late"
    if notification.kind == Kind.BOOKING_REMINDER and booking.status not in ACTIVE_STATUSES:
        return "booking_inactive"
    if notification.kind == Kind.EVENT_REMINDER and (
        registration.status != registration.Status.CONFIRMED
        or registration.event.status != registration.event.Status.SCHEDULED
    ):
        return "registration_inactive"
    return ""


def _finish(notification: Notification, status: str, *, error_code: str = "", message="") -> None:
    _ours(notification).update(
        status=status,
        error_code=error_code,
        error_message=message[:300],
        failed_at=timezone.now() if status == Status.FAILED else None,
        body=_kept_body(notification, F("body")),
    )


def _fail(notification: Notification, *, code: str, message: str) -> None:
    _finish(notification, Status.FAILED, error_code=code, message=message)
    email_instead(notification)


def _retry_later(notification: Notification, exc: TransientSmsError) -> str:
    if notification.attempts >= MAX_ATTEMPTS:
        _fail(notification, code="gave_up", message=f"{exc.code}: {exc.message}")
        return "failed"
    if exc.code == "rate_limited":
        delay = RATE_LIMIT_RETRY_SECONDS * notification.attempts
    else:
        delay = min(RETRY_BASE_SECONDS * 2 ** (notification.attempts - 1), RETRY_CAP_SECONDS)
    _put_back(
        notification,
        at=timezone.now() + datetime.timedelta(seconds=delay),
        error_code=exc.code,
        message=exc.message,
    )
    return "retried"


def _put_back(
    notification: Notification,
    *,
    at: datetime.datetime,
    error_code: str,
    message: str = "",
    count_attempt: bool = True,
) -> None:
    """Return a claimed row to PENDING, due again `at`."""
    _ours(notification).update(
        status=Status.PENDING,
        next_attempt_at=at,
        error_code=error_code,
        error_message=message[:300],
        attempts=F("attempts") if count_attempt else F("attempts") - 1,
    )


def email_instead(notification: Notification) -> bool:
    """E-mail the message to a person who has an address, once; True if it went out."""
    if not notification.email or notification.kind == Kind.SIGN_IN_CODE:
        return False
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    body = notification.body or render_message(
        kind=notification.kind, language=notification.language, facts=facts_for(notification)
    )
    with translation.override(notification.language):
        subject = str(Notification.Kind(notification.kind).label)
    try:
        send_mail(subject, body, None, [notification.email])
    except Exception:
        logger.warning("E-mail instead of SMS %s failed", notification.pk, exc_info=True)
        return False
    return True


def status_callback_url(notification: Notification) -> str:
    """Where the provider reports on this message; the id ties a report to its row even if
    the worker died before it learned the provider's id."""
    return f"{site_url()}{reverse('notifications:sms-status')}?n={notification.pk}"


def recover_stale(
    *, now: datetime.datetime | None = None, backend: BaseSmsBackend | None = None
) -> int:
    """Settle rows a dead worker left SENDING: SENT if the provider has them, else PENDING."""
    now = now or timezone.now()
    backend = backend or get_backend()
    settled = 0
    stale_after = datetime.timedelta(seconds=settings.SMS_STALE_AFTER_SECONDS)
    stale = Notification.objects.filter(status=Status.SENDING, claimed_at__lt=now - stale_after)
    for notification in stale:
        claimed_at, body, phone = notification.claimed_at, notification.body, notification.phone
        try:
            found = backend.find_sent(to=phone, body=body, since=claimed_at) if body else None
        except TransientSmsError:
            # The provider's log cannot be read now: the row stays for the next run, since
            # sending it again unasked could send it twice.
            logger.warning("Could not settle SMS %s yet", notification.pk, exc_info=True)
            continue
        still_ours = Q(pk=notification.pk, status=Status.SENDING, claimed_at=claimed_at)
        if found is not None:
            changed = Notification.objects.filter(still_ours).update(
                status=Status.SENT,
                provider_id=found.provider_id,
                provider_status="sent",
                sent_at=now,
                segments=found.segments,
                body=_kept_body(notification, body),
            )
        else:
            # next_attempt_at already lies before the claim: the row is due again at once.
            changed = Notification.objects.filter(still_ours).update(status=Status.PENDING)
        settled += changed
    return settled


# Delivery reports ------------------------------------------------------------------------

# Provider statuses in the order a message moves through them; a report never moves a
# message back ("sent" arriving after "delivered" changes nothing).
_PROVIDER_RANK = {
    "accepted": 1,
    "scheduled": 1,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "undelivered": 4,
    "failed": 4,
    "delivered": 5,
    "read": 6,
}


def notification_record_status(
    *,
    provider_id: str,
    provider_status: str,
    error_code: str = "",
    notification_id: int | None = None,
) -> bool:
    """Record a delivery report; True if it changed anything.

    The row is found by the provider's id, or by our id from the callback URL when the
    worker died before it could store the provider's id.
    """
    rank = _PROVIDER_RANK.get(provider_status)
    if rank is None or not provider_id:
        return False
    with transaction.atomic():
        rows = Notification.objects.select_for_update()
        notification = rows.filter(provider_id=provider_id).first()
        if notification is None and notification_id is not None:
            notification = rows.filter(pk=notification_id, provider_id="").first()
        if notification is None:
            return False
        if _PROVIDER_RANK.get(notification.provider_status, 0) >= rank:
            return False
        now = timezone.now()
        notification.provider_id = provider_id
        notification.provider_status = provider_status
        fields = ["provider_id", "provider_status"]
        if notification.sent_at is None:
            # A report for a row whose worker died before recording the send: the provider
            # took it, so its segments count against the month's budget.
            notification.sent_at = now
            notification.body = _kept_body(notification, notification.body)
            fields += ["sent_at", "body"]
        if provider_status in {"delivered", "read"}:
            notification.status, notification.delivered_at = Status.DELIVERED, now
            fields += ["status", "delivered_at"]
        elif provider_status in {"undelivered", "failed"}:
            notification.status, notification.failed_at = Status.FAILED, now
            notification.error_code = f"undelivered_{error_code}" if error_code else "undelivered"
            fields += ["status", "failed_at", "error_code"]
        elif notification.status in {Status.PENDING, Status.SENDING}:
            notification.status = Status.SENT
            fields += ["status"]
        notification.save(update_fields=fields)
    if notification.status == Status.FAILED:
        email_instead(notification)
    return True


# The monthly budget ----------------------------------------------------------------------


class _BudgetBook:
    """Segments each centre spent this month, read once per dispatch run and kept up."""

    def __init__(self, now: datetime.datetime) -> None:
        self._now = now
        self._used: dict[int, int] = {}

    def spent(self, space: Space | None) -> bool:
        if space is None:
            return False
        if space.pk not in self._used:
            self._used[space.pk] = segments_used_this_month(space=space, now=self._now)
        return self._used[space.pk] >= space.sms_monthly_budget

    def add(self, space: Space | None, segments: int) -> None:
        if space is not None and space.pk in self._used:
            self._used[space.pk] += segments

    def alert_hosts(self, space: Space) -> None:
        month = month_start(space=space, now=self._now)
        if not insert_unless_exists(SmsBudgetAlert(space=space, month=month.date())):
            return  # told already this month
        _email_hosts(
            space,
            f"{space.name}: SMS budget reached",
            f"{space.name} has sent {space.sms_monthly_budget} SMS segments this month. "
            "Reminders stop until the month ends or the budget is raised; confirmations "
            "and cancellations still go out.",
        )


def month_start(*, space: Space, now: datetime.datetime) -> datetime.datetime:
    local = now.astimezone(space.zone)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def segments_used_this_month(*, space: Space, now: datetime.datetime) -> int:
    """Segments of SMS sent for `space` since the first of its local month."""
    used = Notification.objects.filter(
        space=space, sent_at__gte=month_start(space=space, now=now)
    ).aggregate(total=Sum("segments"))["total"]
    return used or 0


def budget_reached(*, space: Space, now: datetime.datetime | None = None) -> bool:
    return segments_used_this_month(space=space, now=now or timezone.now()) >= (
        space.sms_monthly_budget
    )
