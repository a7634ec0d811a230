"""Log records in production: one JSON object a line, a request id, no phone number in full.

Wired in `cowork/config/settings.py`'s LOGGING. The embedded default keeps the readable console
format; both formats get the request id and the phone mask, because a developer's console
is pasted into issues too.
"""

import contextvars
import datetime
import json
import logging
import re

from cowork.phones import mask_phone_for_staff

# Set by `cowork.config.middleware.RequestIdMiddleware` for the duration of one request. A
# context variable follows the request across the threads and tasks of ASGI (asgiref
# copies the context into the thread that runs a sync view), where a thread-local would not.
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "cowork_request_id", default=None
)

# E.164: a plus, a first digit that is not 0, at most 15 digits. Eight is the shortest
# number worth masking; shorter runs after a plus are not phone numbers in our data. The
# lookarounds keep a longer run of digits (an id) from being half-masked.
E164 = re.compile(r"(?<![\w+])\+[1-9]\d{7,14}(?!\d)")


def mask_phones(text: str) -> str:
    return E164.sub(lambda match: mask_phone_for_staff(match.group()), text)


class RequestIdFilter(logging.Filter):
    """Put the current request's id on every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class PhoneMaskFilter(logging.Filter):
    """Mask E.164 numbers in the message and its arguments, before any handler formats them.

    The message is rendered here, once, and the record keeps only the masked text: an
    argument can be any object whose str() holds a number (a Notification, a dict).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the logging call's bug; leave it be
            return True
        masked = mask_phones(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        return True


class PhoneMaskingFormatter(logging.Formatter):
    """The console format, the request id appended when there is one, and numbers masked
    in tracebacks too (a filter cannot reach them)."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if rid := getattr(record, "request_id", None):
            first, newline, rest = text.partition("\n")
            text = f"{first} [request {rid}]{newline}{rest}"
        return mask_phones(text)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: what log shippers (journald, Docker, Loki) parse without rules."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return mask_phones(json.dumps(entry, ensure_ascii=False, default=str))
