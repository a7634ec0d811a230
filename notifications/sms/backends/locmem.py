"""An SMS backend that keeps messages in memory, for tests, like Django's mail.outbox."""

import datetime
import itertools
import threading

from notifications.sms.base import BaseSmsBackend, OutgoingSms, SentSms, sent_sms_for

# Every SentSms the LocmemBackend accepted, oldest first. Tests clear it with outbox.clear().
outbox: list[SentSms] = []

_lock = threading.Lock()
_numbers = itertools.count(1)
_sent_by_idempotency_key: dict[str, SentSms] = {}


class LocmemBackend(BaseSmsBackend):
    """Append each SMS to the module-level `outbox`; provider ids are `locmem-<n>`.

    A message whose idempotency_key was already sent returns the SentSms of that first send
    and appends nothing, as a provider deduplicating retries would. Keys are remembered only
    while that SentSms is still in `outbox`, so clearing the outbox forgets them too.
    """

    def deliver(self, message: OutgoingSms) -> SentSms:
        # One lock around look-up and append: two threads retrying one key must not both send.
        with _lock:
            key = message.idempotency_key
            earlier = _sent_by_idempotency_key.get(key) if key else None
            if earlier is not None and any(sent is earlier for sent in outbox):
                return earlier
            sent = sent_sms_for(message=message, provider_id=f"locmem-{next(_numbers)}")
            outbox.append(sent)
            if key:
                _sent_by_idempotency_key[key] = sent
            return sent

    def find_sent(self, *, to: str, body: str, since: datetime.datetime) -> SentSms | None:
        with _lock:
            return next((s for s in reversed(outbox) if s.to == to and s.body == body), None)
