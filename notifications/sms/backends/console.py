"""An SMS backend that prints each message instead of sending it, for development."""

import sys
import threading
import uuid
from typing import TextIO

from notifications.sms.base import BaseSmsBackend, OutgoingSms, SentSms, sent_sms_for

# One lock for every instance: they all share sys.stdout, and blocks must not interleave.
_write_lock = threading.Lock()


class ConsoleBackend(BaseSmsBackend):
    """Write each SMS as a readable block to `stream`, by default the current sys.stdout."""

    def __init__(self, *, stream: TextIO | None = None) -> None:
        self._stream = stream

    def deliver(self, message: OutgoingSms) -> SentSms:
        sent = sent_sms_for(message=message, provider_id=f"console-{uuid.uuid4().hex}")
        # sys.stdout is looked up per send, so pytest's capsys and redirect_stdout see it.
        stream = self._stream or sys.stdout
        with _write_lock:
            stream.write(_render(message=message, sent=sent))
            stream.flush()
        return sent


def _render(*, message: OutgoingSms, sent: SentSms) -> str:
    """Lay out one SMS for a person reading a terminal."""
    if message.messaging_service_sid:
        sender = f"{message.messaging_service_sid} (messaging service)"
    else:
        sender = message.sender or "(default sender)"
    lines = [
        f"---------- SMS {sent.provider_id} ----------",
        f"To:       {message.to}",
        f"From:     {sender}",
        f"Segments: {sent.segments} ({sent.encoding}, {len(message.body)} characters)",
    ]
    if message.status_callback:
        lines.append(f"Callback: {message.status_callback}")
    if message.idempotency_key:
        lines.append(f"Key:      {message.idempotency_key}")
    lines += ["", message.body, "-" * 60, ""]
    return "\n".join(lines)
