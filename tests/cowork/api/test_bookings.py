"""Booking through the API: make, read, move, cancel, check in and out, and what it costs."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cowork.models import Booking, BookingStatus, Resource
from cowork.services.booking import booking_create
from tests.cowork.api.conftest import at, booked, iso, slot
from tests.factories import OrganizationFactory, ResourceFactory, RoomFactory

pytestmark = pytest.mark.django_db


def _book(api, resource, day, start="10:00", end="11:00", **extra):
    return api.post("/bookings", {**slot(resource, day, start, end), **extra})


def test_member_books_a_desk_and_sees_it_in_the_centres_time(api_as, member, desk, monday):
    response = _book(api_as(member), desk, monday, purpose="Grant report")
    assert response.status_code == 201
    (booking,) = response.json()["bookings"]
    saved = Booking.objects.get()
    assert booking["id"] == saved.pk
    assert booking["resource"] == {"id": desk.pk, "name": "Desk 01", "kind": "desk"}
    assert booking["space"]["time_zone"] == "Asia/Baku"
    assert booking["starts_at"] == f"{monday}T10:00:00+04:00"
    assert booking["ends_at"] == f"{monday}T11:00:00+04:00"
    assert booking["status"] == "confirmed"
    assert booking["purpose"] == "Grant report"
    assert Decimal(booking["price"]) == 0
    assert booking["mine"] is True
    assert booking["booked_by"] == "Leyla Mammadova"
    assert "+99450" not in response.content.decode()


def test_times_in_any_offset_are_the_same_instant(api_as, member, desk, monday):
    start = at(desk.space, monday, "10:00").astimezone(datetime.UTC)
    response = api_as(member).post(
        "/bookings",
        {
            "resource": desk.pk,
            "starts_at": start.isoformat().replace("+00:00", "Z"),
            "ends_at": (start + datetime.timedelta(hours=1)).isoformat(),
        },
    )
    assert response.status_code == 201
    assert response.json()["bookings"][0]["starts_at"] == f"{monday}T10:00:00+04:00"


def test_room_with_its_equipment_is_booked_together(api_as, member, room, monday):
    projector = ResourceFactory(
        space=room.space,
        name="Projector",
        kind=Resource.Kind.EQUIPMENT,
        equipment_type="projector",
        bookable_alone=False,
    )
    response = _book(api_as(member), room, monday, equipment=[projector.pk])
    assert response.status_code == 201
    bookings = response.json()["bookings"]
    assert [b["resource"]["id"] for b in bookings] == [room.pk, projector.pk]
    assert bookings[0]["group"] is not None
    assert bookings[0]["group"] == bookings[1]["group"]


def test_unknown_equipment_is_404_and_books_nothing(api_as, member, room, monday):
    response = _book(api_as(member), room, monday, equipment=[987654])
    assert response.status_code == 404
    assert response.json()["error"]["details"] == {"resources": [987654]}
    assert not Booking.objects.exists()


def test_room_that_needs_approval_is_pending(api_as, member, space, monday):
    hall = RoomFactory(space=space, needs_approval=True)
    response = _book(api_as(member), hall, monday)
    assert response.status_code == 201
    assert response.json()["bookings"][0]["status"] == "pending"


def test_host_books_for_a_member(api_as, host, member, desk, monday):
    response = _book(api_as(host), desk, monday, member=member.pk)
    assert response.status_code == 201
    booking = response.json()["bookings"][0]
    assert booking["mine"] is False
    assert booking["booked_by"] == "Leyla Mammadova"
    assert Booking.objects.get().booked_by == member


def test_host_booking_for_an_unknown_member_is_404(api_as, host, desk, monday):
    response = _book(api_as(host), desk, monday, member=987654)
    assert response.status_code == 404
    assert response.json()["error"]["details"] == {"member": 987654}


def test_list_shows_only_my_bookings_with_paging(api_as, member, other_member, desk, space, monday):
    mine = [
        booking_create(
            resource=desk,
            member=member,
            starts_at=at(space, monday, f"{hour}:00"),
            ends_at=at(space, monday, f"{hour}:30"),
        )
        for hour in (10, 11, 12)
    ]
    booked(desk, other_member, monday, "14:00", "15:00")
    api = api_as(member)
    response = api.get("/bookings")
    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert [b["id"] for b in response.json()["items"]] == [b.pk for b in mine]
    page = api.get("/bookings", {"limit": 2, "offset": 2}).json()
    assert [b["id"] for b in page["items"]] == [mine[2].pk]


def test_list_filters_by_window_and_status(api_as, member, desk, space, monday):
    early = booked(desk, member, monday)
    late = booked(desk, member, monday, "15:00", "16:00")
    api = api_as(member)
    api.post(f"/bookings/{early.pk}/cancel", {"reason": "ill"})
    after_noon = api.get("/bookings", {"from": iso(at(space, monday, "12:00"))}).json()
    assert [b["id"] for b in after_noon["items"]] == [late.pk]
    morning = api.get("/bookings", {"to": iso(at(space, monday, "12:00"))}).json()
    assert [b["id"] for b in morning["items"]] == [early.pk]
    cancelled = api.get("/bookings", {"status": ["cancelled"]}).json()
    assert [b["id"] for b in cancelled["items"]] == [early.pk]
    naive = api.get("/bookings", {"from": f"{monday}T12:00:00"})
    assert naive.status_code == 400
    assert naive.json()["error"]["details"] == {"field": "from"}


def test_host_lists_every_booking_of_their_centre_with_names(
    api_as, host, member, desk, space, monday
):
    booked(desk, member, monday)
    response = api_as(host).get("/bookings", {"space": space.pk})
    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert item["booked_by"] == "Leyla Mammadova"
    assert item["mine"] is False
    assert "+99450" not in response.content.decode()


def test_member_cannot_list_a_centres_bookings(api_as, member, space):
    response = api_as(member).get("/bookings", {"space": space.pk})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_get_one_booking(api_as, member, desk, space, monday):
    booking = booked(desk, member, monday)
    response = api_as(member).get(f"/bookings/{booking.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == booking.pk
    assert response.json()["sequence"] == 0


def test_patch_moves_and_extends_a_booking(api_as, member, desk, space, monday):
    booking = booked(desk, member, monday)
    api = api_as(member)
    extended = api.patch(f"/bookings/{booking.pk}", {"ends_at": iso(at(space, monday, "12:00"))})
    assert extended.status_code == 200
    assert extended.json()["starts_at"] == f"{monday}T10:00:00+04:00"
    assert extended.json()["ends_at"] == f"{monday}T12:00:00+04:00"
    moved = api.patch(
        f"/bookings/{booking.pk}",
        {"starts_at": iso(at(space, monday, "14:00")), "ends_at": iso(at(space, monday, "15:00"))},
    )
    assert moved.status_code == 200
    assert moved.json()["starts_at"] == f"{monday}T14:00:00+04:00"
    assert moved.json()["sequence"] == 2


def test_patch_with_nothing_to_change_is_400(api_as, member, desk, space, monday):
    booking = booked(desk, member, monday)
    response = api_as(member).patch(f"/bookings/{booking.pk}", {})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "nothing_to_change"


def test_patch_into_a_taken_slot_is_409(api_as, member, other_member, desk, space, monday):
    booking = booked(desk, member, monday)
    booked(desk, other_member, monday, "11:00", "12:00")
    response = api_as(member).patch(
        f"/bookings/{booking.pk}", {"ends_at": iso(at(space, monday, "11:30"))}
    )
    assert response.status_code == 409
    assert "held_by" not in response.json()["error"]["details"]["taken"]


def test_cancel_takes_the_equipment_booked_with_the_room(api_as, member, room, monday):
    laptop = ResourceFactory(
        space=room.space, name="Laptop", kind=Resource.Kind.EQUIPMENT, equipment_type="laptop"
    )
    api = api_as(member)
    made = _book(api, room, monday, equipment=[laptop.pk]).json()["bookings"]
    response = api.post(f"/bookings/{made[0]['id']}/cancel", {"reason": "Trainer is ill"})
    assert response.status_code == 200
    cancelled = response.json()["bookings"]
    assert {b["id"] for b in cancelled} == {b["id"] for b in made}
    assert {b["status"] for b in cancelled} == {"cancelled"}
    assert cancelled[0]["reason"] == "Trainer is ill"
    again = api.post(f"/bookings/{made[0]['id']}/cancel")
    assert again.status_code == 422
    assert again.json()["error"]["code"] == "wrong_status"


def test_cancel_needs_no_body(client, api_as, member, desk, space, monday):
    booking = booked(desk, member, monday)
    api = api_as(member)
    response = client.generic(
        "POST", f"/api/v1/bookings/{booking.pk}/cancel", b"", headers=api.headers
    )
    assert response.status_code == 200
    assert response.json()["bookings"][0]["status"] == "cancelled"


def test_check_in_and_out_during_the_booking(api_as, member, desk, space, monday, monkeypatch):
    booking = booked(desk, member, monday, "10:00", "12:00")
    api = api_as(member)
    too_early = api.post(f"/bookings/{booking.pk}/check-in")
    assert too_early.status_code == 422
    assert too_early.json()["error"]["code"] == "outside_check_in_window"

    monkeypatch.setattr(timezone, "now", lambda: at(space, monday, "09:55"))
    checked_in = api.post(f"/bookings/{booking.pk}/check-in")
    assert checked_in.status_code == 200
    assert checked_in.json()["status"] == "checked_in"
    assert checked_in.json()["checked_in_at"] == f"{monday}T09:55:00+04:00"

    monkeypatch.setattr(timezone, "now", lambda: at(space, monday, "11:00"))
    checked_out = api.post(f"/bookings/{booking.pk}/check-out")
    assert checked_out.status_code == 200
    assert checked_out.json()["status"] == BookingStatus.COMPLETED
    assert checked_out.json()["checked_out_at"] == f"{monday}T11:00:00+04:00"


def test_quote_of_a_free_desk(api_as, member, desk, space, monday):
    response = api_as(member).get("/bookings/quote", slot(desk, monday, "10:00", "12:00"))
    assert response.status_code == 200
    body = response.json()
    assert Decimal(body["amount"]) == 0
    assert body["currency"] == "AZN"
    assert body["free_reason"] == "free_resource"
    assert body["starts_at"] == f"{monday}T10:00:00+04:00"


def test_quote_of_a_paid_room_for_an_outside_renter_and_a_partner(
    api_as, member, other_member, space, monday
):
    hall = RoomFactory(space=space, price_per_hour=Decimal("25.00"))
    partner = OrganizationFactory(is_partner=True)
    other_member.member.organization = partner
    other_member.member.save()
    window = slot(hall, monday, "10:00", "11:30")
    paid = api_as(member).get("/bookings/quote", window).json()
    assert Decimal(paid["amount"]) == Decimal("37.50")
    assert paid["free_reason"] == ""
    free = api_as(other_member).get("/bookings/quote", window).json()
    assert Decimal(free["amount"]) == 0
    assert free["free_reason"] == "partner_ngo"


def test_quote_of_an_unknown_resource_is_404(api_as, member, space, monday):
    response = api_as(member).get(
        "/bookings/quote",
        {
            "resource": 987654,
            "starts_at": iso(at(space, monday, "10:00")),
            "ends_at": iso(at(space, monday, "11:00")),
        },
    )
    assert response.status_code == 404
