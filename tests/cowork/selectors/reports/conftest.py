"""The hand-built network of `network.py`, and a network admin to read its reports."""

import pytest

from tests.cowork.selectors.reports.network import build_network
from tests.factories import network_admin


@pytest.fixture
def network():
    return build_network()


@pytest.fixture
def admin():
    return network_admin()
