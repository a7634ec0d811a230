"""Pages open in the signed-in person's saved language; a choice in the switcher wins."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ukrainian(client):
    """A person whose profile says Ukrainian, on a browser that has chosen nothing."""
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    member = MemberFactory(language="uk")
    return member


def _sign_in(client, member) -> None:
    response = client.post(
        reverse("login"),
        {"username": member.user.username, "password": "correct horse battery staple"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302


def test_a_signed_in_person_reads_pages_in_their_saved_language(client, ukrainian):
    _sign_in(client, ukrainian)
    page = client.get(reverse("web:my-bookings"), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert '<html lang="uk">' in html
    assert "Мої бронювання" in html
    assert page["Content-Language"] == "uk"


def test_the_language_switcher_wins_over_the_saved_language(client, ukrainian):
    _sign_in(client, ukrainian)
    response = client.post(
        reverse("set_language"), {"language": "ru", "next": reverse("web:my-bookings")}
    )
    assert response.status_code == 302
    html = client.get(reverse("web:my-bookings")).content.decode()
    assert '<html lang="ru">' in html


def test_a_session_from_before_reads_the_profile_once(client, ukrainian):
    client.force_login(ukrainian.user)
    session = client.session
    session.pop("member_language", None)
    session.save()
    client.get(reverse("home"))
    assert client.session["member_language"] == "uk"
    # Known now: a later page does not ask the profile again.
    ukrainian.language = "az"
    ukrainian.save(update_fields=["language"])
    assert '<html lang="uk">' in client.get(reverse("home")).content.decode()


def test_without_an_account_the_browser_language_applies(client):
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="ru">' in html


def test_a_person_without_a_profile_keeps_the_browser_language(client, admin_user):
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    client.force_login(admin_user)
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="az").content.decode()
    assert '<html lang="az">' in html
