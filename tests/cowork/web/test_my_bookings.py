import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cowork.models import Booking, BookingStatus
from tests.cowork.web.conftest import booked, local
from tests.factories import HostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def their_booking(space, other_desk, other_member, day):
    return booked(other_desk, other_member, day, "10:00", "12:00")


def test_my_bookings_lists_mine_with_centre_local_time_status_and_price(
    member_client, my_booking, their_booking, space
):
    page = member_client.get(reverse("web:my-bookings"))
    assert page.status_code == 200
    assert [row.booking for row in page.context["upcoming"]] == [my_booking]
    html = page.content.decode()
    assert space.name in html and "Desk 01" in html and "Desk 02" not in html
    assert "10:00" in html and "12:00" in html  # Asia/Baku wall clock, not UTC (06:00)
    assert "status-confirmed" in html and "Confirmed" in html
    assert "Free" in html
    assert "Cancel…" in html
    assert reverse("web:booking-check-in", args=[my_booking.pk]) not in html  # not yet


def test_my_bookings_needs_sign_in(client):
    response = client.get(reverse("web:my-bookings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_member_cannot_cancel_or_check_in_someone_elses_booking(member_client, their_booking):
    for name in ("web:booking-cancel", "web:booking-check-in", "web:booking-check-out"):
        response = member_client.post(reverse(name, args=[their_booking.pk]))
        assert response.status_code == 404, name
    their_booking.refresh_from_db()
    assert their_booking.status == BookingStatus.CONFIRMED


def test_cancel_cancels_my_booking_with_the_reason(member_client, my_booking):
    response = member_client.post(
        reverse("web:booking-cancel", args=[my_booking.pk]), {"reason": "Ill"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"{reverse('web:my-bookings')}#booking-{my_booking.pk}"
    my_booking.refresh_from_db()
    assert my_booking.status == BookingStatus.CANCELLED and my_booking.reason == "Ill"
    assert "Your booking of Desk 01 is cancelled." in response.content.decode()
    assert "status-cancelled" in response.content.decode()
    # Said once: the page seen again later does not repeat it.
    again = member_client.get(reverse("web:my-bookings")).content.decode()
    assert "Your booking of Desk 01 is cancelled." not in again


def test_a_notice_about_someone_elses_booking_is_not_shown(member_client, their_booking):
    page = member_client.get(
        reverse("web:my-bookings"), {"done": "booked", "booking": their_booking.pk}
    )
    assert list(page.context["messages"]) == []
    assert "Desk 02" not in page.content.decode()


def test_cancelling_twice_is_a_form_error_and_changes_nothing(member_client, my_booking):
    url = reverse("web:booking-cancel", args=[my_booking.pk])
    member_client.post(url)
    response = member_client.post(url)
    assert response.status_code == 422
    assert "A booking that is cancelled cannot be cancelled." in response.content.decode()


def test_cancel_is_post_only(member_client, my_booking):
    response = member_client.get(reverse("web:booking-cancel", args=[my_booking.pk]))
    assert response.status_code == 405
    my_booking.refresh_from_db()
    assert my_booking.status == BookingStatus.CONFIRMED


def test_check_in_and_out_buttons_follow_the_window(
    member_client, my_booking, space, day, monkeypatch
):
    during = local(space, day, "10:05")
    monkeypatch.setattr(timezone, "now", lambda: during)
    html = member_client.get(reverse("web:my-bookings")).content.decode()
    assert reverse("web:booking-check-in", args=[my_booking.pk]) in html

    response = member_client.post(reverse("web:booking-check-in", args=[my_booking.pk]))
    assert response.status_code == 302
    my_booking.refresh_from_db()
    assert my_booking.status == BookingStatus.CHECKED_IN
    html = member_client.get(reverse("web:my-bookings")).content.decode()
    assert reverse("web:booking-check-out", args=[my_booking.pk]) in html
    assert "Checked in" in html

    member_client.post(reverse("web:booking-check-out", args=[my_booking.pk]))
    my_booking.refresh_from_db()
    assert my_booking.status == BookingStatus.COMPLETED


def test_checking_in_too_early_shows_the_window(member_client, my_booking):
    response = member_client.post(reverse("web:booking-check-in", args=[my_booking.pk]))
    assert response.status_code == 422
    assert "Check-in is open from" in response.content.decode()
    my_booking.refresh_from_db()
    assert my_booking.status == BookingStatus.CONFIRMED


def test_recent_bookings_are_listed_apart_from_upcoming(
    member_client, my_booking, space, day, monkeypatch
):
    later = local(space, day, "12:00") + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    page = member_client.get(reverse("web:my-bookings"))
    assert page.context["upcoming"] == []
    assert [row.booking for row in page.context["recent"]] == [my_booking]
    assert Booking.objects.count() == 1


def test_the_check_in_button_appears_when_check_in_opens_and_works_then(
    member_client, my_booking, monkeypatch
):
    opens = my_booking.check_in_opens_at
    button = reverse("web:booking-check-in", args=[my_booking.pk])
    monkeypatch.setattr(timezone, "now", lambda: opens - datetime.timedelta(seconds=1))
    assert button not in member_client.get(reverse("web:my-bookings")).content.decode()
    monkeypatch.setattr(timezone, "now", lambda: opens)
    assert button in member_client.get(reverse("web:my-bookings")).content.decode()
    assert member_client.post(button).status_code == 302
    my_booking.refresh_from_db()
    assert my_booking.status == BookingStatus.CHECKED_IN


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("en", "You are already checked in at Desk 01."),
        ("ru", "Вы уже отметились на месте Desk 01."),
        ("az", "Gəlişiniz artıq Desk 01 yerində qeyd olunub."),
        ("uk", "Ви вже відмітилися на місці Desk 01."),
        ("uz", "Siz allaqachon Desk 01 joyida kelishingizni belgilagansiz."),
    ],
)
def test_checking_in_at_a_second_desk_is_refused_in_the_members_language(
    member_client, my_booking, other_desk, member, space, day, monkeypatch, language, refusal
):
    from django.conf import settings

    # A host books the second desk: only a host may give one person two at once.
    second = booked(
        other_desk, member, day, "10:00", "12:00", acting_user=HostFactory(space=space).user
    )
    during = local(space, day, "10:05")
    monkeypatch.setattr(timezone, "now", lambda: during)
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    member_client.post(reverse("web:booking-check-in", args=[my_booking.pk]))
    response = member_client.post(reverse("web:booking-check-in", args=[second.pk]))
    assert response.status_code == 422
    assert refusal in response.content.decode()
    second.refresh_from_db()
    assert second.status == BookingStatus.CONFIRMED
