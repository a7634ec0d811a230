"""Fixtures for SMS tests: a fake Twilio on loopback and the in-memory outbox."""

import socket
from collections.abc import Iterator

import pytest

from notifications.sms import SentSms


@pytest.fixture
def refusing_base_url() -> Iterator[str]:
    """A loopback URL whose port refuses connections.

    The socket is bound but never listens, so the port cannot be taken by anything else
    and every connection to it is refused at once.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def sms_outbox(locmem_sms) -> list[SentSms]:
    """The LocmemBackend's outbox, empty, with SMS_BACKEND pointing at it: tests/conftest.py's
    locmem_sms, under the name these tests read it by."""
    return locmem_sms
