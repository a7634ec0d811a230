"""The booking page repeats a booking (every date shown first, then the free ones booked,
one notice for the lot), and its search offers only days and places that can be booked."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from cowork.models import Booking, Resource, Series
from cowork.services.booking import booking_create
from tests.cowork.web.conftest import booked, local
from tests.factories import ClosureFactory, MemberFactory, ResourceFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(space):
    return RoomFactory(space=space, name="Training room")


@pytest.fixture
def friday(space):
    day = timezone.now().astimezone(space.zone).date() + datetime.timedelta(days=2)
    while day.weekday() != 4:
        day += datetime.timedelta(days=1)
    return day


def _confirm(space, resource):
    return reverse("web:booking-confirm", args=[space.slug, resource.pk])


def _weekly(friday, **more):
    return {
        "date": friday.isoformat(),
        "start": "10:00",
        "end": "12:00",
        "repeat": "weekly",
        **more,
    }


def test_a_weekly_room_for_two_months_shows_every_date_then_books_the_free_ones(
    member_client, space, room, laptop, friday, member
):
    closed = friday + datetime.timedelta(weeks=2)
    ClosureFactory(space=space, starts_on=closed, ends_on=closed, reason="Novruz")
    taken = friday + datetime.timedelta(weeks=4)
    booked(room, MemberFactory().user, taken, "11:00", "13:00")
    # Eight Fridays, the last at most 57 days ahead: inside the 60-day window.
    until = friday + datetime.timedelta(weeks=7)
    # "1 laptop" with the room: equipment is chosen by number, the units by the service.
    choices = _weekly(
        friday, ends="until", until=until.isoformat(), **{"equipment-laptop-laptop": 1}
    )

    preview = member_client.post(_confirm(space, room), choices)

    assert preview.status_code == 200
    assert not Booking.objects.filter(booked_by=member).exists()
    dates = preview.context["preview"]
    assert len(dates) == 8
    codes = [item["occurrence"].code for item in dates]
    assert codes.count("") == 6 and codes[2] == "closed" and codes[4] == "conflict"
    html = preview.content.decode()
    assert "Novruz" in html and "Training room is taken" in html
    assert "Book the 6 free dates" in html and "Book none" in html

    made = member_client.post(_confirm(space, room), {**choices, "step": "book"})

    assert made.status_code == 302
    assert urlsplit(made["Location"]).path == reverse("web:my-bookings")
    series = Series.objects.get(booked_by=member)
    assert series.bookings.filter(resource=room).count() == 6
    assert series.bookings.filter(resource=laptop).count() == 6
    page = member_client.get(made["Location"]).content.decode()
    assert "Training room, Friday 10:00–12:00, every week: dates booked: 6, skipped: 2." in page
    assert "Skipped dates:" in page and "Novruz" in page


def test_a_repeat_needs_its_end_and_books_nothing_without_it(member_client, space, room, friday):
    response = member_client.post(_confirm(space, room), _weekly(friday, ends="until"))
    assert response.status_code == 400
    assert "Give the last date of the series." in response.content.decode()
    response = member_client.post(_confirm(space, room), _weekly(friday, ends="count", count=60))
    assert response.status_code == 400
    assert not Booking.objects.exists() and not Series.objects.exists()


def test_a_monthly_series_in_russian_speaks_russian(member_client, space, room, friday):
    member_client.cookies["django_language"] = "ru"
    choices = {**_weekly(friday, ends="count", count=2), "repeat": "monthly"}
    response = member_client.post(_confirm(space, room), choices, HTTP_ACCEPT_LANGUAGE="ru")
    html = response.content.decode()
    assert "Даты" in html and "Свободно:" in html


def test_the_date_input_offers_only_bookable_days(client, space, desk):
    today = timezone.now().astimezone(space.zone).date()
    html = client.get(reverse("web:booking-search", args=[space.slug])).content.decode()
    field = re.search(r'<input type="date" name="date"[^>]*>', html).group(0)
    assert f'min="{today.isoformat()}"' in field
    last = (timezone.now() + datetime.timedelta(days=space.max_days_ahead)).astimezone(space.zone)
    assert f'max="{last.date().isoformat()}"' in field


@pytest.mark.parametrize(
    ("days", "reason"),
    [(-3, "That day has passed."), (75, "Bookings open 60 days ahead")],
)
def test_a_day_that_cannot_be_booked_says_why_and_lists_nothing_free(
    client, space, desk, days, reason
):
    day = timezone.now().astimezone(space.zone).date() + datetime.timedelta(days=days)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    response = client.get(
        reverse("web:booking-search", args=[space.slug]),
        {"date": day.isoformat(), "start": "10:00", "end": "12:00", "kind": "desk"},
    )
    html = response.content.decode()
    assert reason in html
    assert "free" not in response.context or not response.context.get("free")
    assert "spot-free" not in html and "Choose Desk 01" not in html


def test_a_resource_with_a_shorter_window_is_not_listed_as_free(client, space, desk):
    ResourceFactory(space=space, name="Desk 09", max_days_ahead=5)
    day = timezone.now().astimezone(space.zone).date() + datetime.timedelta(days=20)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    response = client.get(
        reverse("web:booking-search", args=[space.slug]),
        {"date": day.isoformat(), "start": "10:00", "end": "12:00", "kind": "desk"},
    )
    assert [r.name for r in response.context["free"]] == ["Desk 01"]


def test_a_time_already_passed_today_shows_why_instead_of_free_desks(client, space, desk):
    now = datetime.datetime.combine(
        timezone.now().astimezone(space.zone).date(), datetime.time(0), tzinfo=space.zone
    )
    # 09:00 to 10:00 today: past once the grid slot it starts in is over (a booking may
    # start within the current slot, so "book now" works at 09:07), free before that.
    response = client.get(
        reverse("web:booking-search", args=[space.slug]),
        {"date": now.date().isoformat(), "start": "09:00", "end": "10:00", "kind": "desk"},
    )
    html = response.content.decode()
    local_now = timezone.now().astimezone(space.zone)
    if local_now.hour >= 10 and now.weekday() < 5:
        assert "Nothing can be booked at that time:" in html
        assert "That time has already passed." in html
    starts_slot_over = now.replace(hour=9) + datetime.timedelta(minutes=space.booking_grid_minutes)
    assert "Choose Desk 01" not in html or local_now < starts_slot_over


def _search(client, space, day, *, start="10:00", end="12:00", kind="desk"):
    return client.get(
        reverse("web:booking-search", args=[space.slug]),
        {"date": day.isoformat(), "start": start, "end": end, "kind": kind},
    )


def test_a_member_at_their_quota_is_told_why_instead_of_shown_free_desks(
    member_client, space, desk, member, day
):
    space.max_active_bookings = 1
    space.save()
    booked(desk, member, day, "15:00", "16:00")
    html = _search(member_client, space, day).content.decode()
    assert "You cannot book a place here at that time:" in html
    assert "You already hold 1 upcoming bookings here, the most allowed." in html
    assert "spot-free" not in html and "Choose Desk 01" not in html


def test_a_member_holding_a_desk_is_offered_no_second_one_but_a_room_and_a_host_a_desk(
    member_client, client, space, desk, other_desk, desk_booking, host, day
):
    room = RoomFactory(space=space, name="Hall")
    html = _search(member_client, space, day, start="11:00", end="13:00").content.decode()
    assert "one person, one desk" in html
    assert "Choose Desk 02" not in html
    rooms = _search(member_client, space, day, start="11:00", end="13:00", kind="room")
    assert [r.name for r in rooms.context["free"]] == [room.name]
    # A host books for the centre: the member's limits are not theirs.
    client.force_login(host)
    hosts = _search(client, space, day, start="11:00", end="13:00")
    assert [r.name for r in hosts.context["free"]] == ["Desk 02"]


def test_the_preview_names_a_holiday_and_the_equipment_in_the_reader_s_language(
    member_client, space, room, friday
):
    for n in (1, 2):
        ResourceFactory(
            space=space,
            kind="equipment",
            equipment_type="laptop",
            name=f"Laptop {n}",
            translations={"uk": {"name": f"Ноутбук {n}"}},
        )
    ClosureFactory(
        space=space,
        starts_on=friday + datetime.timedelta(weeks=1),
        ends_on=friday + datetime.timedelta(weeks=1),
        reason="Novruz",
        translations={"uk": {"reason": "Свято Новруз"}},
    )
    booking_create(
        resource=Resource.objects.get(space=space, name="Laptop 2"),
        member=MemberFactory().user,
        starts_at=local(space, friday + datetime.timedelta(weeks=2), "10:00"),
        ends_at=local(space, friday + datetime.timedelta(weeks=2), "11:00"),
    )
    member_client.cookies["django_language"] = "uk"
    page = member_client.get(_confirm(space, room), _weekly(friday)).content.decode()
    assert re.search(r'<label for="id_equipment-laptop-laptop">Ноутбук</label>', page)
    response = member_client.post(
        _confirm(space, room),
        _weekly(friday, ends="count", count="3", **{"equipment-laptop-laptop": 2}),
    )
    html = response.content.decode()
    assert "Свято Новруз" in html and "Novruz" not in html
    assert "Ноутбук 2" in html and "Laptop 2" not in html
