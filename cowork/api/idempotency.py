"""`Idempotency-Key` on every POST and PATCH of the API (cowork.services.idempotency).

The same key and body get the stored answer, marked `Idempotent-Replayed: true`; the same
key with another request gets 422. Two decorators of the NinjaAPI share the work, because
the key's owner is known only once ninja has authenticated the request, and the answer only
once it has rendered it: `claim_key`, around the operation (after authentication and
validation), opens a transaction and claims the key or returns the stored answer;
`answer_key`, around the whole view, stores the answer in that same transaction and ends
it. So the answer kept is the committed one, and a failure (5xx) keeps nothing. A request
without the header is not touched.
"""

import functools
from contextlib import ExitStack
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpResponse

from cowork.models import IdempotencyKey
from cowork.services.idempotency import (
    idempotency_key_answer,
    idempotency_key_claim,
    request_fingerprint,
)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
METHODS = frozenset({"POST", "PATCH"})


@dataclass
class _Keyed:
    key: str
    scope: ExitStack  # holds the transaction from the claim until the answer is stored
    claim: IdempotencyKey | None = None


def answer_key(run):
    """Around ninja's whole view: store the answer to a claimed key, then commit."""

    @functools.wraps(run)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or request.method not in METHODS:
            return run(request, *args, **kwargs)
        with ExitStack() as scope:
            keyed = request._cowork_idempotency = _Keyed(key=key, scope=scope)
            response = run(request, *args, **kwargs)
            if keyed.claim is not None:
                if response.status_code >= 500 or transaction.get_rollback():
                    # Not an answer to keep: undo the claim with the rest, so a retry runs.
                    transaction.set_rollback(True)
                else:
                    idempotency_key_answer(
                        record=keyed.claim,
                        status=response.status_code,
                        content_type=response["Content-Type"],
                        body=response.content.decode(),
                    )
        return response

    return wrapper


def claim_key(view_func):
    """Around the operation: claim the key in a new transaction, or give the stored answer."""

    @functools.wraps(view_func)
    def wrapper(request, *args, **kwargs):
        keyed = getattr(request, "_cowork_idempotency", None)
        if keyed is None:
            return view_func(request, *args, **kwargs)
        keyed.scope.enter_context(transaction.atomic())
        claim = idempotency_key_claim(
            user=request.auth,
            key=keyed.key,
            fingerprint=request_fingerprint(
                method=request.method, path=request.get_full_path(), body=request.body
            ),
        )
        if not claim.new:
            return _replay(claim.record)
        keyed.claim = claim.record
        return view_func(request, *args, **kwargs)

    return wrapper


def _replay(record: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(record.body, status=record.status, content_type=record.content_type)
    response[REPLAYED_HEADER] = "true"
    return response


KEY_PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": (
        "Makes a retry safe: a request repeated with the same key and body within 24 hours "
        f"gets the first answer again (with `{REPLAYED_HEADER}: true`) and does nothing "
        "twice; the same key with another request is refused with 422. A repeat sent while "
        "the first is still being handled waits for its answer. Keys are yours alone, e.g. "
        "a UUID."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}


def document_key(schema: dict) -> dict:
    """The OpenAPI `schema` with the header on every POST and PATCH operation."""
    for item in schema["paths"].values():
        for method, operation in item.items():
            if method.upper() in METHODS:
                operation.setdefault("parameters", []).append(KEY_PARAMETER)
    return schema
