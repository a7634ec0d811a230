"""Fixtures of the account and notification tests: a centre with a desk, a member with a phone;
and the code an SMS sent them gives."""

import re

import pytest

from tests import factories


@pytest.fixture
def sms_space(db):
    """A centre in Ganja with the default reminders (24 h and 1 h), texting at any hour."""
    return factories.SpaceFactory(name="Ganja Information Centre", languages=["az", "ru", "en"])


@pytest.fixture
def desk(sms_space):
    return factories.ResourceFactory(space=sms_space, name="Desk 4")


@pytest.fixture
def sms_member(db):
    return factories.MemberFactory(phone="+994501112233", language="ru").user


@pytest.fixture
def relay_now():
    """Hand the outbox to subscribers, as the after-commit relay does."""
    from cowork import outbox

    return outbox.relay_pending


def last_code(outbox) -> str:
    """The six-digit code in the last SMS of `outbox`."""
    return re.search(r"\b(\d{6})\b", outbox[-1].body).group(1)
