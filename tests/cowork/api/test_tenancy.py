"""Hosts see and manage only their organization's centres; nobody's phone leaks."""

import json

import pytest

from cowork.models import BookingStatus
from tests.cowork.api.conftest import at, booked, iso, next_monday, slot
from tests.factories import ResourceFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def their_booking(other_space, other_member):
    """A booking at the other organization's centre."""
    room = RoomFactory(space=other_space, needs_approval=True)
    day = next_monday(other_space)
    return booked(room, other_member, day)


def test_host_of_another_organization_gets_404_on_its_bookings(api_as, host, their_booking):
    api = api_as(host)
    url = f"/bookings/{their_booking.pk}"
    assert api.get(url).status_code == 404
    assert api.post(f"{url}/cancel", {"reason": "x"}).status_code == 404
    assert api.post(f"{url}/check-in").status_code == 404
    day = next_monday(their_booking.space)
    moved = api.patch(url, {"ends_at": iso(at(their_booking.space, day, "12:00"))})
    assert moved.status_code == 404
    their_booking.refresh_from_db()
    assert their_booking.status == BookingStatus.PENDING


def test_host_of_another_organization_gets_403_listing_or_approving(api_as, host, their_booking):
    api = api_as(host)
    listed = api.get("/bookings", {"space": their_booking.space_id})
    assert listed.status_code == 403
    for action in ("approve", "decline"):
        response = api.post(f"/approvals/{their_booking.pk}/{action}", {"reason": "no"})
        assert response.status_code == 403
        assert response.json()["error"] == {
            "code": "forbidden",
            "message": "Only the centre's hosts approve or decline bookings.",
            "details": {},
        }
    their_booking.refresh_from_db()
    assert their_booking.status == BookingStatus.PENDING


def test_their_own_host_sees_and_approves_it(api_as, other_host, their_booking):
    api = api_as(other_host)
    assert api.get(f"/bookings/{their_booking.pk}").status_code == 200
    assert api.post(f"/approvals/{their_booking.pk}/approve", {}).status_code == 200


def test_host_manages_bookings_at_their_centre(api_as, host, member, desk, monday):
    booking = booked(desk, member, monday)
    response = api_as(host).post(f"/bookings/{booking.pk}/cancel", {"reason": "Flooded"})
    assert response.status_code == 200
    assert response.json()["bookings"][0]["cancelled_at"] is not None


def test_no_phone_number_appears_in_any_response(
    api_as, host, member, other_member, space, desk, monday
):
    """Every phone of every person, in every answer the host and the member get."""
    phones = {"+994501234567", "+994507654321", "+994551112233", "994501234567"}
    hall = RoomFactory(space=space, needs_approval=True)
    ResourceFactory(space=space, name="Desk 02")
    mine = booked(desk, member, monday)
    booked(hall, other_member, monday)
    window = {
        "starts_at": iso(at(space, monday, "09:00")),
        "ends_at": iso(at(space, monday, "18:00")),
    }
    answers = []
    for user in (member, host):
        api = api_as(user)
        answers += [
            api.get("/spaces"),
            api.get(f"/spaces/{space.pk}"),
            api.get(f"/spaces/{space.pk}/resources"),
            api.get("/availability", window),
            api.get("/bookings"),
            api.get(f"/bookings/{mine.pk}"),
            api.get("/approvals"),
            api.get("/bookings", {"space": space.pk}),
            api.post(
                "/bookings",
                {
                    "resource": desk.pk,
                    "starts_at": window["starts_at"],
                    "ends_at": window["ends_at"],
                },
            ),
        ]
    for answer in answers:
        text = answer.content.decode()
        json.loads(text)
        assert not any(phone in text for phone in phones), text


def test_member_sees_no_one_elses_name_at_a_centre_they_do_not_work_at(
    api_as, member, other_member, desk, monday
):
    # A member books the desk; a stranger who tries the same slot learns the time, not the name.
    booked(desk, other_member, monday)
    response = api_as(member).post("/bookings", slot(desk, monday))
    assert response.status_code == 409
    assert "Huseynova" not in response.content.decode()
