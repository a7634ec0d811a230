"""Error pages speak the visitor's language and offer a way back; none changes anything."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import permission_denied, server_error

from cowork.models import Booking

pytestmark = pytest.mark.django_db


def _speaking(client: Client, language: str) -> Client:
    client.cookies["django_language"] = language
    return client


def test_an_unknown_address_is_a_404_in_the_visitors_language_with_ways_back(client):
    page = _speaking(client, "uk").get("/no-such-page/")
    assert page.status_code == 404
    html = page.content.decode()
    assert '<html lang="uk">' in html
    assert "Сторінку не знайдено" in html
    assert f'href="{reverse("home")}"' in html and f'href="{reverse("web:events")}"' in html
    assert "Not Found" not in html


def test_a_centre_that_does_not_exist_is_the_same_404(client):
    page = _speaking(client, "az").get(reverse("space-detail", args=["nowhere"]))
    assert page.status_code == 404
    assert "Səhifə tapılmadı" in page.content.decode()


def test_a_member_on_a_hosts_page_is_told_why_in_their_language(client, member, space):
    client.force_login(member)
    page = _speaking(client, "ru").get(reverse("web:live-dashboard", args=[space.slug]))
    assert page.status_code == 403
    html = page.content.decode()
    assert "Вам нельзя открыть эту страницу" in html
    # The view's own reason, and the way to ask for access.
    assert "ведущему вашего центра" in html
    assert f'href="{reverse("web:my-bookings")}"' in html


def test_a_stranger_refused_a_page_is_offered_to_sign_in_and_come_back(rf):
    request = rf.get("/centres/somewhere/members/")
    request.user = AnonymousUser()
    with translation.override("uk"):
        page = permission_denied(request, PermissionDenied())
    assert page.status_code == 403
    html = page.content.decode()
    assert "Спершу увійдіть" in html
    assert f'href="{reverse("login")}?next=/centres/somewhere/members/"' in html


def test_a_form_without_its_token_says_it_expired_and_changes_nothing(member, desk, space, day):
    client = _speaking(Client(enforce_csrf_checks=True), "uk")
    client.force_login(member)
    before = Booking.objects.count()
    page = client.post(
        reverse("web:booking-confirm", args=[space.slug, desk.pk]), {"date": day.isoformat()}
    )
    assert page.status_code == 403
    html = page.content.decode()
    assert "Форма застаріла" in html and "Нічого не змінено" in html
    assert "CSRF" not in html
    assert Booking.objects.count() == before


@pytest.mark.parametrize(
    ("language", "heading"),
    [("az", "Bizim tərəfdə nəsə səhv getdi"), ("uz", "Bizning tomonda nimadir notoʻgʻri ketdi")],
)
def test_the_server_error_page_speaks_the_language_and_reads_no_database(
    language, heading, django_assert_num_queries
):
    request = RequestFactory().get("/")
    with translation.override(language), django_assert_num_queries(0):
        page = server_error(request)
    assert page.status_code == 500
    html = page.content.decode()
    assert heading in html and f'<html lang="{language}">' in html
    assert f'href="{reverse("home")}"' in html
