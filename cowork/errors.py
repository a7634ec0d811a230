"""Errors the domain raises. Each carries a stable code, a message for people, and details.

Interfaces map them to their own shape: the API to `{"error": {...}}` with `status`, web
pages to form errors. A service raises before it changes anything.
"""

from typing import Any


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.details: dict[str, Any] = details or {}


class InvalidInput(DomainError):
    """The request itself is malformed: a naive time, an unknown field value."""

    status = 400


class RuleViolation(DomainError):
    """Well-formed, but a rule of the space refuses it; `code` names the rule."""

    status = 422
    code = "rule_violation"


class Conflict(DomainError):
    """The resource is taken for (part of) that time."""

    status = 409
    code = "conflict"


class NotAllowed(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class TooManyAttempts(DomainError):
    """Over a limit on how often something may be tried; trying later works."""

    status = 429
    code = "too_many_attempts"


class Busy(DomainError):
    """Others are changing the same thing right now and we stopped waiting; try again."""

    status = 503
    code = "busy"
