"""Wrong passwords lock password sign-in: for the account from any address, and for the
address whatever account it tries; the lock ends after the cool-off."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.db.models import F
from django.test import Client

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"  # UserFactory's
PAGES = ["/login/", "/admin/login/"]
PAUSED = "Signing in is paused"
_SECOND = datetime.timedelta(seconds=1)
_OVER_THE_LIMIT = django_settings.AXES_FAILURE_LIMIT + 1


@pytest.fixture
def person(db):
    # Staff, so the admin's sign-in would let them in too.
    return UserFactory(username="olena", is_staff=True)


def _sign_in(client: Client, page: str, username: str, password: str, address="198.51.100.1"):
    return client.post(page, {"username": username, "password": password}, REMOTE_ADDR=address)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _cool_off_passes():
    """Every try so far happened a whole cool-off ago, and a second more."""
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - django_settings.AXES_COOLOFF_TIME - _SECOND
    )


@pytest.mark.parametrize("page", PAGES)
def test_after_forty_wrong_passwords_the_right_one_is_refused_with_the_lock_out_page(person, page):
    client = Client()
    for _ in range(40):
        _sign_in(client, page, "olena", "wrong password")
    response = _sign_in(client, page, "olena", PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert PAUSED in text and "Please try again in 15 minutes." in text
    assert response["Retry-After"] == "900"
    assert "no-store" in response["Cache-Control"]
    assert not _signed_in(client)


@pytest.mark.parametrize("page", PAGES)
def test_after_the_cool_off_the_right_password_signs_in(person, page):
    client = Client()
    for _ in range(40):
        _sign_in(client, page, "olena", "wrong password")
    assert _sign_in(client, page, "olena", PASSWORD).status_code == 429
    _cool_off_passes()
    response = _sign_in(client, page, "olena", PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)


def test_a_few_mistakes_lock_nothing(person):
    client = Client()
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, "/login/", "olena", "wrong password")
    assert _sign_in(client, "/login/", "olena", PASSWORD).status_code == 302


def test_the_account_stays_locked_whatever_address_the_guesses_come_from(person):
    client = Client()
    for n in range(_OVER_THE_LIMIT):
        _sign_in(client, "/login/", "olena", "wrong password", address=f"198.51.100.{n}")
    response = _sign_in(client, "/login/", "olena", PASSWORD, address="192.0.2.77")
    assert response.status_code == 429 and not _signed_in(client)


def test_an_address_guessing_many_accounts_is_locked_for_every_account(person):
    client = Client()
    for n in range(_OVER_THE_LIMIT):
        _sign_in(client, "/login/", f"someone{n}", "wrong password")
    assert _sign_in(client, "/login/", "olena", PASSWORD).status_code == 429
    # The same person from another network is not held up by that address.
    elsewhere = Client()
    assert (
        _sign_in(elsewhere, "/login/", "olena", PASSWORD, address="192.0.2.77").status_code == 302
    )


def test_the_lock_out_page_speaks_the_visitors_language(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    for _ in range(_OVER_THE_LIMIT):
        _sign_in(client, "/login/", "olena", "wrong password")
    text = _sign_in(client, "/login/", "olena", PASSWORD).content.decode()
    assert "Вход приостановлен" in text and "Попробуйте снова через 15 минут." in text
