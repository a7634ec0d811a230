"""send_sms and get_backend: the one interface the rest of the project uses."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from notifications.sms import get_backend, send_sms
from notifications.sms.backends.console import ConsoleBackend
from notifications.sms.backends.locmem import LocmemBackend


def test_get_backend_returns_the_configured_class(settings):
    settings.SMS_BACKEND = "notifications.sms.backends.locmem.LocmemBackend"

    assert isinstance(get_backend(), LocmemBackend)


def test_get_backend_follows_override_settings():
    with override_settings(SMS_BACKEND="notifications.sms.backends.console.ConsoleBackend"):
        assert isinstance(get_backend(), ConsoleBackend)
    with override_settings(SMS_BACKEND="notifications.sms.backends.locmem.LocmemBackend"):
        assert isinstance(get_backend(), LocmemBackend)


def test_get_backend_takes_an_explicit_path(settings):
    settings.SMS_BACKEND = "notifications.sms.backends.console.ConsoleBackend"

    assert isinstance(
        get_backend(path="notifications.sms.backends.locmem.LocmemBackend"), LocmemBackend
    )


@pytest.mark.parametrize(
    "path", ["notifications.sms.backends.nowhere.Backend", "notifications.sms.send_sms"]
)
def test_misconfigured_backend_path_is_a_configuration_error(settings, path):
    settings.SMS_BACKEND = path

    with pytest.raises(ImproperlyConfigured):
        get_backend()


def test_send_sms_goes_through_the_configured_backend(sms_outbox):
    sent = send_sms(to="+998901234567", body="Joyingiz tasdiqlandi, oʻrtoq!")

    assert sms_outbox == [sent]
    assert sent.encoding == "UCS-2"
