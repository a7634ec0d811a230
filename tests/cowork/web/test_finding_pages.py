"""Finding a centre and coming back to it: the home page's search, a centre's day for
everyone, My bookings' calendar file, ticket and "book the same again", equipment by number,
and a free desk booked from its QR code."""

import datetime
import re

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cowork.models import Booking, BookingStatus, Resource
from cowork.services.booking import booking_check_in_now
from cowork.web.offline import KEEP_HEADER
from tests.cowork.web.conftest import booked, local
from tests.factories import MemberFactory, ResourceFactory, RoomFactory, SpaceFactory
from tests.notifications.ical.validator import libical_available, libical_errors

pytestmark = pytest.mark.django_db


def _pin(monkeypatch, moment):
    monkeypatch.setattr(timezone, "now", lambda: moment)


# --- The home page ------------------------------------------------------------------------


def test_home_search_by_words_country_and_city_is_a_plain_get_form(client):
    SpaceFactory(name="Ganja Youth House", city="Ganja")
    SpaceFactory(name="Shaki Centre", city="Shaki")
    SpaceFactory(name="Kokand Coworking", city="Kokand", country="UZ", time_zone="Asia/Tashkent")
    page = client.get(reverse("home"), {"q": "youth", "country": "AZ"})
    html = page.content.decode()
    assert page.status_code == 200
    assert '<form method="get" class="centre-search"' in html
    assert "Ganja Youth House" in html and "Shaki Centre" not in html
    assert "1 centre found" in html
    assert '<option value="AZ" selected>' in html
    # The city list offers the chosen country's cities only.
    assert "<option>Shaki</option>" in html and "Kokand</option>" not in html
    assert "Kokand Coworking" not in client.get(reverse("home"), {"city": "Ganja"}).content.decode()


def test_home_refuses_an_unknown_country_with_a_message_and_lists_everyone(client):
    SpaceFactory(name="Ganja Youth House", city="Ganja")
    page = client.get(reverse("home"), {"country": "XX"})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'role="alert"' in html and "Country" in html
    assert "Ganja Youth House" in html


def test_home_says_how_many_desks_are_free_now_in_words(client, monkeypatch):
    space = SpaceFactory(name="Ganja Youth House")
    for n in (1, 2):
        ResourceFactory(space=space, name=f"Desk {n}")
    monday_ten = datetime.datetime(2027, 3, 1, 10, 0, tzinfo=space.zone)
    _pin(monkeypatch, monday_ten)
    html = client.get(reverse("home")).content.decode()
    assert "Free now: 2 desks · 0 rooms" in html
    with translation.override("ru"):
        client.cookies["django_language"] = "ru"
        html = client.get(reverse("home")).content.decode()
    assert "Свободно сейчас" in html


# --- A centre's page ----------------------------------------------------------------------


def test_centre_page_shows_its_day_to_everyone_without_names(client, monkeypatch):
    space = SpaceFactory(address="Javad khan 12")
    desk = ResourceFactory(space=space, name="Desk 12")
    room = RoomFactory(space=space, name="Hall")
    holder = MemberFactory(user__first_name="Nigar", user__last_name="Aliyeva").user
    monday = datetime.date(2027, 3, 1)
    booked(room, holder, monday, "10:00", "12:00", made="08:00", purpose="Secret strategy meeting")
    _pin(monkeypatch, local(space, monday, "10:20"))
    html = client.get(reverse("space-detail", args=[space.slug])).content.decode()
    assert "Free now and later today" in html
    assert re.search(r"Hall</strong>:\s*taken now; free later today: <time[^>]*>12:15</time>", html)
    assert re.search(rf"{desk.name}</strong>:\s*free now until 18:00", html)
    assert "1 of 1 desk free now." in html
    assert "Nigar" not in html and "Aliyeva" not in html and "Secret strategy" not in html
    assert "https://www.openstreetmap.org/search?query=Javad%20khan%2012%2C%20Ganja" in html
    assert 'href="geo:0,0?q=Javad%20khan%2012%2C%20Ganja%2C%20Azerbaijan"' in html


def test_centre_page_lists_equipment_by_kind_and_number(client):
    space = SpaceFactory()
    for n in (1, 10, 2):
        ResourceFactory(
            space=space, name=f"Laptop {n}", kind=Resource.Kind.EQUIPMENT, equipment_type="laptop"
        )
    html = client.get(reverse("space-detail", args=[space.slug])).content.decode()
    assert "Laptop × 3" in html and "Laptop 10" not in html


# --- My bookings --------------------------------------------------------------------------


def test_each_booking_has_its_calendar_file_read_by_two_parsers(member_client, my_booking):
    page = member_client.get(reverse("web:my-bookings")).content.decode()
    url = reverse("notifications:booking-ics", args=[my_booking.pk])
    assert f'href="{url}" download' in page
    response = member_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f'filename="booking-{my_booking.pk}.ics"' in response["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert event["SUMMARY"] == "Desk 01"
    assert event.decoded("DTSTART") == my_booking.starts_at
    assert event.decoded("DTEND") == my_booking.ends_at
    if libical_available():
        assert libical_errors(response.content) == []


def test_nobody_else_gets_a_members_calendar_file(client, my_booking, other_member):
    url = reverse("notifications:booking-ics", args=[my_booking.pk])
    assert client.get(url).status_code == 302  # signed out: to sign in
    client.force_login(other_member)
    assert client.get(url).status_code == 404


def test_book_the_same_again_opens_the_form_prefilled_on_the_next_day_it_fits(
    member_client, my_booking, space, desk, day, monkeypatch
):
    # The day after the booking, at 11:00: 10:00 has passed, so the next weekday.
    _pin(monkeypatch, local(space, day, "11:00") + datetime.timedelta(days=1))
    html = member_client.get(reverse("web:my-bookings")).content.decode()
    following = day + datetime.timedelta(days=2)
    while following.weekday() >= 5:
        following += datetime.timedelta(days=1)
    url = reverse("web:booking-confirm", args=[space.slug, desk.pk])
    query = f"date={following.isoformat()}&amp;start=10%3A00&amp;end=12%3A00"
    assert f'href="{url}?{query}"' in html
    form = member_client.get(url, {"date": following.isoformat(), "start": "10:00", "end": "12:00"})
    assert form.status_code == 200
    assert "Confirm booking" in form.content.decode()


def test_the_ticket_shows_the_places_qr_code_and_is_the_members_own(
    member_client, my_booking, desk, other_member, client
):
    html = member_client.get(reverse("web:my-bookings")).content.decode()
    ticket = reverse("web:booking-ticket", args=[my_booking.pk])
    assert f'href="{ticket}"' in html
    response = member_client.get(ticket)
    # Kept by the service worker for the door, where the mobile data may not be.
    assert response[KEEP_HEADER] == "personal"
    page = response.content.decode()
    assert 'class="qr-code"' in page
    assert f"http://testserver{reverse('web:qr-check-in', args=[desk.pk])}" in page
    client.force_login(other_member)
    assert client.get(ticket).status_code == 404


# --- Equipment by number ------------------------------------------------------------------


def test_a_room_is_booked_with_two_laptops_chosen_by_number(member_client, space, day):
    room = RoomFactory(space=space, name="Hall")
    for n in range(1, 18):
        ResourceFactory(
            space=space, name=f"Laptop {n}", kind=Resource.Kind.EQUIPMENT, equipment_type="laptop"
        )
    url = reverse("web:booking-confirm", args=[space.slug, room.pk])
    window = {"date": day.isoformat(), "start": "10:00", "end": "12:00"}
    html = member_client.get(url, window).content.decode()
    assert 'type="checkbox" name="equipment"' not in html
    assert html.count('name="equipment-laptop-laptop"') == 1
    assert "17 free" in html
    response = member_client.post(url, {**window, "equipment-laptop-laptop": "2"})
    assert response.status_code == 302
    names = sorted(Booking.objects.values_list("resource__name", flat=True))
    assert names == ["Hall", "Laptop 1", "Laptop 2"]


def test_more_laptops_than_the_centre_has_is_a_form_error(member_client, space, day):
    room = RoomFactory(space=space, name="Hall")
    ResourceFactory(
        space=space, name="Laptop 1", kind=Resource.Kind.EQUIPMENT, equipment_type="laptop"
    )
    url = reverse("web:booking-confirm", args=[space.slug, room.pk])
    window = {"date": day.isoformat(), "start": "10:00", "end": "12:00"}
    response = member_client.post(url, {**window, "equipment-laptop-laptop": "3"})
    assert response.status_code == 400
    html = response.content.decode()
    # The confirm step again, the number refused beside its field; the window kept.
    assert "Confirm booking" in html and 'class="field-error"' in html
    assert re.search(r'name="equipment-laptop-laptop"[^>]*value="3"', html)
    assert not Booking.objects.exists()


# --- A free desk's QR code ----------------------------------------------------------------


def test_scanning_a_free_desk_offers_to_book_it_until_closing_and_check_in(
    member_client, member, space, desk, day, monkeypatch
):
    _pin(monkeypatch, local(space, day, "15:10"))
    url = reverse("web:qr-check-in", args=[desk.pk])
    html = member_client.get(url).content.decode()
    assert "Book it now until 18:00 and check in" in html
    response = member_client.post(url, {"action": "book"})
    assert response.status_code == 200
    assert "You are checked in at Desk 01 until 18:00." in response.content.decode()
    booking = Booking.objects.get(booked_by=member)
    assert booking.status == BookingStatus.CHECKED_IN
    assert booking.starts_at == local(space, day, "15:00")
    # A second scan says so instead of offering anything.
    again = member_client.get(url).content.decode()
    assert "You are checked in at Desk 01 until 18:00." in again
    second = member_client.post(url, {"action": "book"})
    assert second.status_code == 422
    assert "You are already checked in at Desk 01 until 18:00." in second.content.decode()
    assert Booking.objects.count() == 1


def test_scanning_a_taken_desk_offers_no_booking(
    member_client, space, desk, other_member, day, monkeypatch
):
    booked(desk, other_member, day, "15:00", "17:00")
    _pin(monkeypatch, local(space, day, "15:10"))
    url = reverse("web:qr-check-in", args=[desk.pk])
    html = member_client.get(url).content.decode()
    assert "Book it now" not in html
    response = member_client.post(url, {"action": "book"})
    assert response.status_code == 422
    assert "Desk 01 is not free now." in response.content.decode()
    assert Booking.objects.count() == 1


def test_already_checked_in_elsewhere_does_not_stop_a_second_desk(
    member_client, member, space, desk, other_desk, day, monkeypatch
):
    moment = local(space, day, "11:00")
    booking_check_in_now(resource=other_desk, member=member, now=moment)
    _pin(monkeypatch, moment)
    html = member_client.get(reverse("web:qr-check-in", args=[desk.pk])).content.decode()
    assert "Book it now until 18:00 and check in" in html


def test_book_the_same_again_brings_as_many_laptops_as_last_time(member_client, space, day):
    room = RoomFactory(space=space, name="Hall")
    for n in (1, 2, 3):
        ResourceFactory(
            space=space, name=f"Laptop {n}", kind=Resource.Kind.EQUIPMENT, equipment_type="laptop"
        )
    url = reverse("web:booking-confirm", args=[space.slug, room.pk])
    window = {"date": day.isoformat(), "start": "10:00", "end": "12:00"}
    member_client.post(url, {**window, "equipment-laptop-laptop": "2"})
    html = member_client.get(reverse("web:my-bookings")).content.decode()
    links = re.findall(rf'href="{url}\?([^"]+)"', html)
    assert len(links) == 1  # the room's; the laptops go with it
    assert links[0].endswith("&amp;equipment-laptop-laptop=2")
    again = member_client.get(f"{url}?{links[0].replace('&amp;', '&')}").content.decode()
    assert re.search(r'name="equipment-laptop-laptop"[^>]*value="2"', again)
