"""A destructive command asks once more: the first C asks, only a second C within minutes
acts, on whatever channel either came.

A mistyped letter once cancelled a room and its equipment. Now "C" answers "Cancel Desk 05,
Mon 7 Dec 10:00–13:00? Send C again within 10 minutes", and keeps that question in a
`PendingCommand` row for the phone, naming the booking or registration asked about; a
second C (or a Telegram button press) about the same thing within the time takes the row
and acts. Called inside the transaction that records the inbound message.
"""

import datetime

from notifications.models import PendingCommand

ASK_AGAIN_MINUTES = 10


def second_time(*, phone: str, action: str, target: str, now: datetime.datetime) -> bool:
    """True if this is the second ask of `action` on `target` in time (the ask is taken);
    else keep this ask, replacing any other of the phone, and answer False."""
    taken, _ = PendingCommand.objects.filter(
        phone=phone, action=action, target=target, expires_at__gt=now
    ).delete()
    if taken:
        return True
    PendingCommand.objects.update_or_create(
        phone=phone,
        defaults={
            "action": action,
            "target": target,
            "expires_at": now + datetime.timedelta(minutes=ASK_AGAIN_MINUTES),
        },
    )
    return False
