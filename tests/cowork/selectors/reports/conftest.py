"""The hand-built network of `network.py`, and a network admin to read its reports."""

import pytest

from tests.factories import network_admin


@pytest.fixture
def admin():
    return network_admin()
