"""Fixtures shared by the notification tests: a centre with a desk and a member with a phone,
and the reports' hand-built network for the donor reports."""

import copy
import datetime
from collections.abc import Iterator

import pytest
from django.core import mail
from django.test import override_settings

from cowork import outbox
from tests import factories
from tests.cowork.selectors.reports.network import build_network, kept_for_the_module
from tests.notifications.sms.fake_twilio import FAKE_MESSAGING_SERVICE_SID, FakeTwilio
from tests.notifications.sms.inbound import TOKEN
from tests.sms_fixtures import desk, relay_now, sms_member, sms_space  # noqa: F401


@pytest.fixture(scope="module", name="network_of_the_module")
def network_built_once(django_db_setup, django_db_blocker):
    """The reports' network, built once for each module whose tests ask for it (the donor
    reports'), the calendar invites of its bookings sent and forgotten."""
    with (
        kept_for_the_module(django_db_blocker),
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
    ):
        built = build_network()
        outbox.relay_pending()
        mail.outbox = []
        yield built


@pytest.fixture
def network(network_of_the_module, db, locmem_mail):
    """The module's network, its objects copied for each test, with an empty mail outbox."""
    return copy.deepcopy(network_of_the_module)


@pytest.fixture
def inbound_token(settings):
    """The auth token the inbound webhook checks Twilio's signature with, as the tests sign."""
    settings.TWILIO_AUTH_TOKEN = TOKEN


@pytest.fixture
def locmem_mail(settings):
    """Django's locmem e-mail backend, its outbox empty."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    return mail.outbox


def in_days(space, days: int, hour: int) -> datetime.datetime:
    """A weekday `days` or more ahead at `hour`:00 in the space's zone (Mon–Fri open)."""
    return factories.next_weekday(space, weekday=1, at=datetime.time(hour, 0), weeks_ahead=days)


@pytest.fixture
def fake_twilio(settings) -> Iterator[FakeTwilio]:
    """A running FakeTwilio that the TwilioBackend in `settings` points at.

    Sends default to FAKE_MESSAGING_SERVICE_SID; TWILIO_FROM_NUMBER is unset.
    """
    with FakeTwilio() as server:
        settings.SMS_BACKEND = "notifications.sms.backends.twilio.TwilioBackend"
        settings.TWILIO_API_BASE_URL = server.base_url
        settings.TWILIO_ACCOUNT_SID = server.account_sid
        settings.TWILIO_AUTH_TOKEN = server.auth_token
        settings.TWILIO_MESSAGING_SERVICE_SID = FAKE_MESSAGING_SERVICE_SID
        settings.TWILIO_FROM_NUMBER = ""
        yield server
