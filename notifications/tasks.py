"""django-q2 tasks of notifications: thin shims over `messaging`."""

import time

from notifications.donor_reports import donor_reports_send_due
from notifications.messaging.dispatch import CLAIM_BATCH, dispatch_due
from notifications.messaging.enqueue import dispatch_soon
from notifications.messaging.recovery import recover_stale

# A scheduled run stops well inside django-q2's 60 s task timeout; the next run goes on.
RUN_SECONDS = 45


def send_due_sms_task(*, run_seconds: float = RUN_SECONDS) -> int:
    """Settle rows dead workers left, then send what is due, batch by batch; return how many
    were claimed. When one batch was full, another worker is asked to help."""
    recover_stale()
    deadline = time.monotonic() + run_seconds
    claimed = 0
    asked_for_help = False
    while time.monotonic() < deadline:
        result = dispatch_due()
        claimed += result.claimed
        if result.claimed < CLAIM_BATCH:
            break
        if not asked_for_help:
            dispatch_soon()
            asked_for_help = True
    return claimed


def send_due_donor_reports_task() -> int:
    """Send again the donors' reports a mail server refused; return how many went."""
    return donor_reports_send_due()
