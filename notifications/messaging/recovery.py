"""Sends that did not settle: claims a dead worker left, and transient failures retried.

A worker killed between claim and record leaves the row in SENDING, and `recover_stale` asks
the provider whether that body went to that number since the claim: if it did the row
becomes SENT, if not it is sent again. Nothing lost, nothing twice — as far as the provider's
log can tell, which is as far as anyone can.

Transient failures (rate limits, outages) retry with exponential back-off up to
`MAX_ATTEMPTS`, then fail and fall back to e-mail when the person has one.
"""

import datetime
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from notifications.messaging.outcomes import fail, kept_body, put_back
from notifications.messaging.outgoing import get_channel_backend
from notifications.models import Channel, Notification
from notifications.sms import BaseSmsBackend, TransientSmsError, get_backend
from notifications.sms.costs import sms_cost

logger = logging.getLogger(__name__)

Status = Notification.Status

MAX_ATTEMPTS = 6
RETRY_BASE_SECONDS = 30
RETRY_CAP_SECONDS = 3600
# A provider's "slow down" is answered sooner than an outage: it clears in seconds.
RATE_LIMIT_RETRY_SECONDS = 2


def recover_stale(
    *, now: datetime.datetime | None = None, backend: BaseSmsBackend | None = None
) -> int:
    """Settle rows a dead worker left SENDING: SENT if the provider has them, else PENDING.

    On a channel whose provider keeps no log to ask (Telegram), a row is never sent again:
    it becomes FAILED with `outcome_unknown`, and nothing else is sent in its place.
    """
    now = now or timezone.now()
    backends = {"": backend or get_backend(), Channel.SMS: backend or get_backend()}
    settled = 0
    stale_after = datetime.timedelta(seconds=settings.SMS_STALE_AFTER_SECONDS)
    stale = Notification.objects.filter(status=Status.SENDING, claimed_at__lt=now - stale_after)
    for notification in stale:
        claimed_at, body, phone = notification.claimed_at, notification.body, notification.phone
        if notification.channel not in backends:
            backends[notification.channel] = get_channel_backend(notification.channel)
        backend = backends[notification.channel]
        still_ours = Q(pk=notification.pk, status=Status.SENDING, claimed_at=claimed_at)
        # SMS backends all can (those without a log answer None: send again).
        if not getattr(backend, "can_search_log", True):
            settled += Notification.objects.filter(still_ours).update(
                status=Status.FAILED, failed_at=now, error_code="outcome_unknown"
            )
            continue
        try:
            found = backend.find_sent(to=phone, body=body, since=claimed_at) if body else None
        except TransientSmsError:
            # The provider's log cannot be read now: the row stays for the next run, since
            # sending it again unasked could send it twice.
            logger.warning("Could not settle SMS %s yet", notification.pk, exc_info=True)
            continue
        if found is not None:
            changed = Notification.objects.filter(still_ours).update(
                status=Status.SENT,
                provider_id=found.provider_id,
                provider_status="sent",
                sent_at=now,
                segments=found.segments,
                cost=sms_cost(phone=phone, segments=found.segments),
                body=kept_body(notification, body),
            )
        else:
            # next_attempt_at already lies before the claim: the row is due again at once.
            changed = Notification.objects.filter(still_ours).update(status=Status.PENDING)
        settled += changed
    return settled


def retry_later(notification: Notification, exc: TransientSmsError) -> str:
    """Put a claimed row whose send failed for now back, with back-off, or give up on it;
    return the DispatchResult count it adds to."""
    if notification.attempts >= MAX_ATTEMPTS:
        fail(notification, code="gave_up", message=f"{exc.code}: {exc.message}")
        return "failed"
    if exc.code == "rate_limited":
        delay = RATE_LIMIT_RETRY_SECONDS * notification.attempts
    else:
        delay = min(RETRY_BASE_SECONDS * 2 ** (notification.attempts - 1), RETRY_CAP_SECONDS)
    put_back(
        notification,
        at=timezone.now() + datetime.timedelta(seconds=delay),
        error_code=exc.code,
        message=exc.message,
    )
    return "retried"
