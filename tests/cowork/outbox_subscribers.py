"""Subscribing a test's own handler to the outbox for a while."""

import contextlib
from collections.abc import Callable, Iterator

from cowork import outbox


@contextlib.contextmanager
def subscribed(kind: str, *handlers: Callable, lane: str = outbox.LIVE) -> Iterator[None]:
    """`handlers` take the events of `kind` in `lane` inside the block, and none after it:
    a subscription left behind would be handed the next test's events."""
    for handler in handlers:
        outbox.subscribe(kind, handler, lane=lane)
    try:
        yield
    finally:
        for handler in handlers:
            outbox.unsubscribe(kind, handler)
