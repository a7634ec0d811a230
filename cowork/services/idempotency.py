"""Idempotency keys: a request retried with its key gets the answer the first one got.

A client whose connection died after the commit cannot tell whether its booking was made;
retrying with the same `Idempotency-Key` returns the stored answer instead of booking again
(and hearing 409). Keys belong to one user and live for KEY_LIFETIME.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.errors import InvalidInput, RuleViolation
from cowork.models import IdempotencyKey

KEY_LIFETIME = datetime.timedelta(hours=24)
# Printable ASCII without spaces, which every HTTP stack carries unchanged; a UUID fits.
VALID_KEY = re.compile(r"[!-~]{1,255}")


@dataclass(frozen=True)
class Claim:
    record: IdempotencyKey
    # True: the request is to be answered and its answer stored; False: `record` holds
    # the answer already given, to be given again.
    new: bool


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    """What a key is bound to: the method, the path with its query, and the body."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def idempotency_key_claim(
    *, user, key: str, fingerprint: str, now: datetime.datetime | None = None
) -> Claim:
    """Claim `key` of `user` for a request, or find the answer the key already got.

    The caller must be inside `transaction.atomic()` and store the answer of a new claim
    with `idempotency_key_answer` before that transaction ends. A concurrent request with
    the same key meanwhile waits for the row (PostgreSQL's unique index; SQLite's single
    writer) and then finds the committed answer, never a half-done one; if the first
    request rolls back, the key is free again. A key older than KEY_LIFETIME counts as new.

    Raises InvalidInput for a malformed key, RuleViolation for a key already used for
    another request.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("idempotency_key_claim() must run inside transaction.atomic().")
    if not VALID_KEY.fullmatch(key):
        raise InvalidInput(
            _("An Idempotency-Key is 1 to 255 printable ASCII characters, without spaces."),
            code="bad_idempotency_key",
        )
    now = now or timezone.now()
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                user=user, key=key, fingerprint=fingerprint, created_at=now
            )
        return Claim(record, new=True)
    except IntegrityError:
        pass
    record = IdempotencyKey.objects.filter(user=user, key=key).first()
    if record is None:  # expired and purged in between: the key is free again
        return idempotency_key_claim(user=user, key=key, fingerprint=fingerprint, now=now)
    if record.created_at <= now - KEY_LIFETIME:
        # Conditional on the time read, so of two retries of an expired key one takes it
        # and the other waits for its answer.
        taken = IdempotencyKey.objects.filter(pk=record.pk, created_at=record.created_at).update(
            fingerprint=fingerprint, status=None, content_type="", body="", created_at=now
        )
        record.refresh_from_db()
        if taken:
            return Claim(record, new=True)
    if record.fingerprint != fingerprint:
        raise RuleViolation(
            _(
                "This Idempotency-Key was used for another request; send a new key with "
                "a new request."
            ),
            code="idempotency_key_reused",
        )
    return Claim(record, new=False)


def idempotency_key_answer(
    *, record: IdempotencyKey, status: int, content_type: str, body: str
) -> None:
    """Store the answer to a claimed key, in the transaction that claimed it."""
    record.status, record.content_type, record.body = status, content_type, body
    record.save(update_fields=["status", "content_type", "body"])


def idempotency_keys_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete keys past KEY_LIFETIME; return how many. Expired keys are ignored anyway."""
    now = now or timezone.now()
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lte=now - KEY_LIFETIME).delete()
    return deleted
