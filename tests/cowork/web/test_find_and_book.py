import datetime
import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from cowork.models import Booking, BookingStatus, Resource
from tests.cowork.web.conftest import booked, local
from tests.factories import (
    MemberFactory,
    OrganizationFactory,
    ResourceFactory,
    RoomFactory,
    open_around_the_clock,
)

pytestmark = pytest.mark.django_db


def _search(client, space, **params):
    return client.get(reverse("web:booking-search", args=[space.slug]), params)


def _confirm_url(space, resource):
    return reverse("web:booking-confirm", args=[space.slug, resource.pk])


def _window(day, start="10:00", end="12:00"):
    return {"date": day.isoformat(), "start": start, "end": end}


def _plan_spot(html: str, name: str) -> str:
    """The SVG element of one resource on the floor plan."""
    match = re.search(
        rf'<(a|g) class="spot [^"]*"[^>]*aria-label="{re.escape(name)}:[^"]*"[^>]*>.*?</\1>',
        html,
        re.S,
    )
    assert match, f"{name} is not on the plan"
    return match.group(0)


def test_free_desks_are_links_on_the_floor_plan_and_in_the_list(client, space, desk, day):
    page = _search(client, space, **_window(day))
    assert page.status_code == 200
    html = page.content.decode()
    spot = _plan_spot(html, "Desk 01")
    assert spot.startswith('<a class="spot spot-free spot-kind-desk"')
    assert "Free" in spot
    assert f'href="{_confirm_url(space, desk)}?' in spot
    assert [r.name for r in page.context["free"]] == ["Desk 01"]


def test_booking_a_free_desk_from_the_page_creates_it_and_goes_to_my_bookings(
    member_client, space, desk, member, day
):
    response = member_client.post(_confirm_url(space, desk), _window(day))

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("web:my-bookings")
    booking = Booking.objects.get()
    assert booking.booked_by == member and booking.resource == desk
    assert booking.status == BookingStatus.CONFIRMED
    # The wall-clock times were read in the centre's zone, not the server's.
    assert booking.starts_at == local(space, day, "10:00")
    assert booking.ends_at == local(space, day, "12:00")
    my_page = member_client.get(response["Location"]).content.decode()
    assert "Desk 01 is booked." in my_page and ", 10:00</time>" in my_page


def test_taken_desk_shows_taken_and_booking_it_anyway_shows_the_conflict_and_changes_nothing(
    member_client, space, desk, other_member, day
):
    booked(desk, other_member, day, "11:00", "13:00")

    html = _search(member_client, space, **_window(day)).content.decode()
    spot = _plan_spot(html, "Desk 01")
    assert spot.startswith(
        '<g class="spot spot-taken spot-kind-desk" role="img" aria-label="Desk 01: Taken"'
    )
    assert "Taken" in spot and "href" not in spot

    response = member_client.post(_confirm_url(space, desk), _window(day))
    assert response.status_code == 409
    errors = response.context["form"].non_field_errors()
    # The date as English reads it (CLDR's medium date), the times on the 24-hour clock.
    taken = f"Desk 01 is taken from {day:%b} {day.day}, {day.year}, 11:00 to 13:00."
    assert errors == [taken]
    assert taken in response.content.decode()
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2027-03-01T10:00:00"},  # a naive timestamp
        {"start": "2027-03-01T10:00:00+04:00"},  # not a wall time on the grid either
        {"start": "10:07"},  # off the 15-minute grid
        {"start": "25:00"},
        {"date": "tomorrow"},
        {"date": "2027-02-30"},
        {"start": "12:00", "end": "10:00"},  # ends before it starts
        {"start": "07:00", "end": "08:00"},  # outside opening hours
    ],
)
def test_naive_or_garbage_times_in_the_query_string_are_form_errors(
    member_client, space, desk, day, params
):
    query = {**_window(day), **params}
    search = _search(member_client, space, **query)
    assert search.status_code == 400
    assert search.context["form"].errors
    assert 'class="field-error"' in search.content.decode() or "form-errors" in (
        search.content.decode()
    )

    confirm = member_client.get(_confirm_url(space, desk), query)
    assert confirm.status_code in (200, 400)
    posted = member_client.post(_confirm_url(space, desk), query)
    assert posted.status_code == 400
    assert Booking.objects.count() == 0


def test_an_unknown_kind_is_a_form_error(client, space, day):
    page = _search(client, space, **_window(day), kind="spaceship")
    assert page.status_code == 400
    assert "kind" in page.context["form"].errors


def test_a_day_the_centre_is_closed_says_so_instead_of_listing_places(client, space, desk, day):
    saturday = day + datetime.timedelta(days=(5 - day.weekday()) % 7)
    page = _search(client, space, **_window(saturday))
    assert page.status_code == 200
    assert "The centre is not open on that day." in page.content.decode()
    assert "free" not in page.context


def test_without_a_query_the_page_shows_today_in_the_centres_zone(client, space, desk):
    # Open now (after closing time the page offers the next day: tests/cowork/web/test_forms.py).
    open_around_the_clock(space)
    page = _search(client, space)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.is_valid()
    assert form.cleaned_data["date"] == timezone.now().astimezone(space.zone).date()


def test_filters_narrow_the_list_and_mark_the_rest_as_other(client, space, day):
    ResourceFactory(space=space, name="Desk 01", plan_x=20, plan_y=40, accessible=True)
    ResourceFactory(space=space, name="Desk 02", plan_x=110, plan_y=40)
    page = _search(client, space, **_window(day), accessible="on")
    assert [r.name for r in page.context["free"]] == ["Desk 01"]
    html = page.content.decode()
    spot = _plan_spot(html, "Desk 02")
    assert 'aria-label="Desk 02: Other — free, but not what you are looking for"' in spot
    assert ">Other</text>" in spot and "href" not in spot


def test_the_price_shows_before_confirming(client, space, day):
    room = RoomFactory(space=space, name="Hall", price_per_hour=Decimal("20.00"))
    outsider = MemberFactory().user
    client.force_login(outsider)
    page = client.get(_confirm_url(space, room), _window(day))
    assert page.status_code == 200
    assert page.context["price"] == "40.00 AZN"
    assert "40.00 AZN" in page.content.decode()
    assert Booking.objects.count() == 0

    partner = MemberFactory(organization=OrganizationFactory(is_partner=True)).user
    client.force_login(partner)
    page = client.get(_confirm_url(space, room), _window(day))
    assert "Free — partner NGO member" in page.content.decode()


def test_a_room_is_booked_with_a_number_of_projectors_all_together(
    member_client, space, member, day
):
    room = RoomFactory(space=space, name="Hall")
    projector = ResourceFactory(
        space=space, kind=Resource.Kind.EQUIPMENT, name="Projector", equipment_type="projector"
    )
    page = member_client.get(_confirm_url(space, room), _window(day))
    assert 'name="equipment-projector-projector"' in page.content.decode()

    response = member_client.post(
        _confirm_url(space, room), {**_window(day), "equipment-projector-projector": "1"}
    )
    assert response.status_code == 302
    bookings = list(Booking.objects.order_by("resource__kind"))
    assert {b.resource for b in bookings} == {room, projector}
    assert bookings[0].group is not None and bookings[0].group == bookings[1].group


def test_a_room_that_needs_approval_is_requested_as_pending(member_client, space, day):
    room = RoomFactory(space=space, name="Hall", needs_approval=True)
    response = member_client.post(_confirm_url(space, room), _window(day), follow=True)
    assert Booking.objects.get().status == BookingStatus.PENDING
    assert "a host of the centre will approve or decline it" in response.content.decode()
    assert "Pending approval" in response.content.decode()


def test_booking_needs_a_signed_in_member(client, space, desk, day):
    response = client.get(_confirm_url(space, desk), _window(day))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_a_resource_of_another_centre_is_not_found_here(member_client, space, day):
    elsewhere = ResourceFactory(name="Desk 09")
    response = member_client.get(_confirm_url(space, elsewhere), _window(day))
    assert response.status_code == 404


def test_centre_page_links_to_its_booking_page(client, space):
    html = client.get(reverse("space-detail", args=[space.slug])).content.decode()
    assert f'href="{reverse("web:booking-search", args=[space.slug])}"' in html
    assert "Book a desk or room" in html


def test_equipment_is_listed_without_a_floor_plan(client, space, day):
    ResourceFactory(
        space=space, kind=Resource.Kind.EQUIPMENT, name="Laptop 1", equipment_type="laptop"
    )
    page = _search(client, space, **_window(day), kind="equipment", equipment="laptop")
    assert page.status_code == 200
    assert [r.name for r in page.context["free"]] == ["Laptop 1"]
    assert 'class="floor-plan' not in page.content.decode()
