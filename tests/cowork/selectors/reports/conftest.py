"""The hand-built network of `network.py`, and a network admin to read its reports."""

import pytest

# The network (the fixture `network`), built once for each module that asks for it.
from tests.cowork.selectors.reports.network import network_built_once, network_copy  # noqa: F401
from tests.factories import network_admin


@pytest.fixture
def admin():
    return network_admin()
