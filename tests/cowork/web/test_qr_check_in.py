import pytest
from django.urls import reverse
from django.utils import timezone

from cowork.models import BookingStatus
from tests.cowork.web.conftest import local

pytestmark = pytest.mark.django_db


def _url(resource):
    return reverse("web:qr-check-in", args=[resource.pk])


def test_scanning_signed_out_leads_to_sign_in_and_back(client, desk):
    response = client.get(_url(desk))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={_url(desk)}"


def test_the_page_shows_the_resource_and_a_big_check_in_button(
    member_client, my_booking, desk, space, day, monkeypatch
):
    monkeypatch.setattr(timezone, "now", lambda: local(space, day, "09:50"))
    page = member_client.get(_url(desk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Desk 01" in html and space.name in html
    assert 'class="primary huge">Check in</button>' in html


def test_check_in_within_the_window_works(member_client, my_booking, desk, space, day, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: local(space, day, "09:50"))
    response = member_client.post(_url(desk))
    assert response.status_code == 200
    assert "You are checked in at Desk 01 until 12:00." in response.content.decode()
    my_booking.refresh_from_db()
    assert my_booking.status == BookingStatus.CHECKED_IN


def test_check_in_outside_the_window_shows_the_message_and_changes_nothing(
    member_client, my_booking, desk
):
    response = member_client.post(_url(desk))
    assert response.status_code == 422
    assert "You have no booking of Desk 01 to check in to now." in response.content.decode()
    my_booking.refresh_from_db()
    assert my_booking.status == BookingStatus.CONFIRMED


def test_hosts_print_a_qr_code_per_resource_pointing_at_its_check_in_page(
    client, host, space, desk, other_desk
):
    client.force_login(host)
    page = client.get(reverse("web:qr-codes", args=[space.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('<svg viewBox="') == 2 and html.count('class="qr-code"') == 2
    assert f"http://testserver{_url(desk)}" in html
    assert "Desk 01" in html and "Desk 02" in html


def test_members_cannot_print_qr_codes(member_client, space, desk):
    response = member_client.get(reverse("web:qr-codes", args=[space.slug]))
    assert response.status_code in (403, 404)
