"""The port through which accounts send a secret (a code, an invitation link) by SMS.

A secret cannot ride on a domain event: the outbox keeps its payload for good, and the
relay runs after commit, when the digits are gone. So the domain hands the message to a
sender that another app registers at start-up (notifications, in its `AppConfig.ready()`),
inside the caller's transaction: the message's row commits with the code it carries, or
neither does, and it is sent after commit. The domain never imports who sends it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from cowork.models import Space


@dataclass(frozen=True)
class SecretSms:
    """One SMS carrying a secret. `kind` is a `CodePurpose` value, or "invitation"."""

    key: str  # names the message for good, so it is made once
    kind: str
    phone: str
    language: str
    space: Space | None
    code: str = ""
    token: str = ""
    role: str = ""  # an invitation to work at the centre: host or staff


INVITATION = "invitation"

SecretSender = Callable[[SecretSms], None]
_sender: list[SecretSender] = []


def secret_sender_register(sender: SecretSender) -> None:
    """Make `sender` the one that sends secrets; a second registration replaces the first."""
    _sender[:] = [sender]


def secret_sms_send(message: SecretSms) -> None:
    """Hand `message` to the registered sender; call inside the transaction that made the
    secret, so that both commit or neither does."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("secret_sms_send() must run inside transaction.atomic().")
    if not _sender:
        raise RuntimeError("No sender of SMS is registered: is the notifications app installed?")
    _sender[0](message)
