import datetime

import pytest
from babel.dates import format_skeleton
from django.urls import reverse

from cowork.models import BookingStatus
from tests.cowork.web.conftest import booked
from tests.factories import HostFactory, RoomFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def _calendar(client, space, **params):
    return client.get(reverse("web:host-calendar", args=[space.slug]), params)


@pytest.fixture
def pending(space, member, day):
    room = RoomFactory(space=space, name="Hall", needs_approval=True)
    return booked(room, member, day, "14:00", "15:00")


def test_host_sees_the_day_as_resources_by_hour_with_names_and_status(
    host_client, space, desk_booking, day
):
    page = _calendar(host_client, space, date=day.isoformat(), view="day")
    assert page.status_code == 200
    grid = page.context["grid"]
    assert [column.name for column in grid.columns] == ["Desk 01"]
    assert grid.hours[0].label == "09:00" and grid.hours[-1].label == "17:00"
    (block,) = grid.blocks
    # 10:00 is the fifth 15-minute row after 09:00, below the header row.
    assert (block.row_start, block.row_end) == (2 + 4, 2 + 12)
    html = page.content.decode()
    assert "Nigar Aliyeva" in html and "Confirmed" in html and "10:00–12:00" in html


def test_week_view_lists_bookings_by_day_with_previous_and_next_links(
    host_client, space, desk_booking, day
):
    page = _calendar(host_client, space, date=day.isoformat(), view="week")
    assert page.status_code == 200
    days = page.context["week"]
    assert [entry.day.weekday() for entry in days] == list(range(7))
    (entry,) = [entry for entry in days if entry.bookings]
    assert entry.day == day
    previous_week = (day - datetime.timedelta(days=7)).isoformat()
    assert f"?date={previous_week}&amp;view=week" in page.content.decode()


def test_garbage_in_the_calendar_query_is_a_form_error(host_client, space):
    page = _calendar(host_client, space, date="2027-13-45", view="month")
    assert page.status_code == 400
    assert set(page.context["form"].errors) == {"date", "view"}


def test_calendar_is_refused_to_members_and_to_hosts_of_another_organization(client, space, member):
    client.force_login(member)
    assert _calendar(client, space).status_code in (403, 404)
    stranger = HostFactory(space=SpaceFactory()).user
    client.force_login(stranger)
    assert _calendar(client, space).status_code in (403, 404)


def test_calendar_asks_anonymous_visitors_to_sign_in(client, space):
    response = _calendar(client, space)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_host_approves_a_pending_booking_from_the_calendar(host_client, host, space, pending, day):
    page = _calendar(host_client, space, date=day.isoformat())
    assert page.context["pending"] == [pending]
    assert reverse("web:booking-approve", args=[space.slug, pending.pk]) in page.content.decode()

    response = host_client.post(
        reverse("web:booking-approve", args=[space.slug, pending.pk]),
        {"date": day.isoformat(), "view": "day"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?date={day.isoformat()}&view=day")
    pending.refresh_from_db()
    assert pending.status == BookingStatus.CONFIRMED and pending.decided_by == host
    page = host_client.get(response["Location"])
    assert "Approved: Hall for Nigar Aliyeva." in page.content.decode()
    assert page.context["pending"] == []
    assert "Approved: Hall" not in host_client.get(response["Location"]).content.decode()


def test_declining_needs_a_reason_and_then_declines(host_client, space, pending, day):
    url = reverse("web:booking-decline", args=[space.slug, pending.pk])
    response = host_client.post(url, {"date": day.isoformat(), "reason": "  "})
    assert response.status_code == 400
    assert "Say why the booking is declined." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == BookingStatus.PENDING

    response = host_client.post(url, {"date": day.isoformat(), "reason": "Room is being painted"})
    assert response.status_code == 302
    page = host_client.get(response["Location"]).content.decode()
    assert "Declined: Hall for Nigar Aliyeva." in page
    pending.refresh_from_db()
    assert pending.status == BookingStatus.DECLINED
    assert pending.reason == "Room is being painted"


def test_approving_twice_shows_the_refusal(host_client, space, pending):
    url = reverse("web:booking-approve", args=[space.slug, pending.pk])
    host_client.post(url)
    response = host_client.post(url)
    assert response.status_code == 422
    assert "cannot be approved" in response.content.decode()


def test_a_host_of_another_organization_cannot_approve(client, space, pending):
    stranger = HostFactory(space=SpaceFactory()).user
    client.force_login(stranger)
    response = client.post(reverse("web:booking-approve", args=[space.slug, pending.pk]))
    assert response.status_code in (403, 404)
    pending.refresh_from_db()
    assert pending.status == BookingStatus.PENDING


def test_calendar_link_takes_a_host_of_one_centre_straight_to_it(host_client, space):
    response = host_client.get(reverse("web:calendars"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:host-calendar", args=[space.slug])
    assert 'href="/calendar/"' in host_client.get(reverse("home")).content.decode()


def test_the_calendars_heading_puts_the_month_in_the_case_a_date_needs(host_client, space, day):
    host_client.cookies["django_language"] = "ru"
    html = _calendar(host_client, space, date=day.isoformat(), view="day").content.decode()
    # "9 декабря", never Django's calendar-heading "9 Декабрь".
    assert format_skeleton("MMMMd", day, locale="ru") in html
    assert f"{day.day} {MONTHS_NOMINATIVE_RU[day.month - 1]}" not in html


MONTHS_NOMINATIVE_RU = [
    "Январь",
    "Февраль",
    "Март",
    "Апрель",
    "Май",
    "Июнь",
    "Июль",
    "Август",
    "Сентябрь",
    "Октябрь",
    "Ноябрь",
    "Декабрь",
]
