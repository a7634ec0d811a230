"""Repeated bookings through the API."""

import datetime

import pytest

from cowork.models import Booking, BookingStatus, Series
from tests import factories
from tests.cowork.api.conftest import at, booked, iso

pytestmark = pytest.mark.django_db

WEEKLY_THREE = "FREQ=WEEKLY;COUNT=3"


def _series(api, resource, day, *, rrule=WEEKLY_THREE, mode="all_or_nothing", **extra):
    return api.post(
        "/series",
        {
            "resource": resource.pk,
            "first_starts_at": iso(at(resource.space, day, "10:00")),
            "duration_minutes": 90,
            "rrule": rrule,
            "mode": mode,
            **extra,
        },
    )


def _block(resource, member, day):
    return booked(resource, member, day)


def test_series_books_every_occurrence(api_as, member, room, monday):
    response = _series(api_as(member), room, monday, purpose="English club")
    assert response.status_code == 201
    body = response.json()
    assert body["refused"] == []
    assert [b["starts_at"] for b in body["bookings"]] == [
        f"{monday + datetime.timedelta(weeks=week)}T10:00:00+04:00" for week in range(3)
    ]
    assert body["series"]["rrule"] == WEEKLY_THREE
    assert body["series"]["first_starts_at"] == f"{monday}T10:00:00+04:00"
    assert body["series"]["duration_minutes"] == 90
    assert {b["series"] for b in body["bookings"]} == {body["series"]["id"]}


def test_all_or_nothing_refuses_the_lot_naming_the_taken_occurrence(
    api_as, member, other_member, room, monday
):
    second = monday + datetime.timedelta(weeks=1)
    _block(room, other_member, second)
    response = _series(api_as(member), room, monday)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    (refused,) = error["details"]["refused"]
    assert refused["starts_at"] == f"{second}T10:00:00+04:00"
    assert refused["code"] == "conflict"
    assert "Aysel" not in response.content.decode()
    assert not Series.objects.exists()
    assert Booking.objects.filter(booked_by=member).count() == 0


def test_all_or_nothing_broken_rule_is_422(api_as, member, room, monday):
    # Daily from Monday for six days reaches Saturday, when the centre is closed.
    response = _series(api_as(member), room, monday, rrule="FREQ=DAILY;COUNT=6")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "series_refused"
    assert [item["code"] for item in error["details"]["refused"]] == ["outside_opening_hours"]


def test_skip_conflicts_keeps_the_rest(api_as, member, other_member, room, monday):
    second = monday + datetime.timedelta(weeks=1)
    _block(room, other_member, second)
    response = _series(api_as(member), room, monday, mode="skip_conflicts")
    assert response.status_code == 201
    body = response.json()
    assert len(body["bookings"]) == 2
    assert body["refused"] == [
        {
            "starts_at": f"{second}T10:00:00+04:00",
            "ends_at": f"{second}T11:30:00+04:00",
            "code": "conflict",
            "message": body["refused"][0]["message"],
        }
    ]


def test_bad_rule_is_400(api_as, member, room, monday):
    response = _series(api_as(member), room, monday, rrule="FREQ=WEEKLY")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unbounded_rrule"


def test_unknown_mode_is_a_schema_error(api_as, member, room, monday):
    response = _series(api_as(member), room, monday, mode="best_effort")
    assert response.status_code == 422
    assert response.json()["error"]["details"]["fields"][0]["loc"] == ["body", "payload", "mode"]


def test_get_series_with_its_bookings(api_as, member, other_member, room, monday):
    series_id = _series(api_as(member), room, monday).json()["series"]["id"]
    response = api_as(member).get(f"/series/{series_id}")
    assert response.status_code == 200
    assert len(response.json()["bookings"]) == 3
    assert api_as(other_member).get(f"/series/{series_id}").status_code == 404


def test_cancel_rest_cancels_from_a_moment_on(api_as, member, room, monday):
    api = api_as(member)
    series_id = _series(api, room, monday).json()["series"]["id"]
    second = monday + datetime.timedelta(weeks=1)
    response = api.post(
        f"/series/{series_id}/cancel-rest",
        {"from": iso(at(room.space, second, "00:00")), "reason": "Course ends early"},
    )
    assert response.status_code == 200
    assert len(response.json()["bookings"]) == 2
    statuses = list(
        Booking.objects.filter(series_id=series_id)
        .order_by("starts_at")
        .values_list("status", flat=True)
    )
    assert statuses == [BookingStatus.CONFIRMED, BookingStatus.CANCELLED, BookingStatus.CANCELLED]


def test_cancel_rest_needs_an_aware_from(api_as, member, room, monday):
    api = api_as(member)
    series_id = _series(api, room, monday).json()["series"]["id"]
    response = api.post(f"/series/{series_id}/cancel-rest", {"from": f"{monday}T00:00:00"})
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "naive_datetime",
        "message": "from has no time zone offset; send e.g. 2027-03-01T10:00:00+04:00.",
        "details": {"field": "from"},
    }


def test_a_series_brings_its_equipment_to_every_date_as_one_booking_each(
    api_as, member, other_member, room, space, monday
):
    laptops = [
        factories.ResourceFactory(
            space=space, name=f"Laptop {n}", kind="equipment", equipment_type="laptop"
        )
        for n in (1, 2)
    ]
    second = monday + datetime.timedelta(weeks=1)
    _block(laptops[1], other_member, second)
    response = _series(
        api_as(member),
        room,
        monday,
        mode="skip_conflicts",
        equipment=[laptop.pk for laptop in laptops],
    )
    assert response.status_code == 201
    body = response.json()
    # The room is each date's booking; a date whose second laptop is taken is skipped.
    assert [b["resource"]["id"] for b in body["bookings"]] == [room.pk, room.pk]
    assert [r["starts_at"] for r in body["refused"]] == [f"{second}T10:00:00+04:00"]
    series = Series.objects.get(pk=body["series"]["id"])
    assert sorted(series.bookings.values_list("resource__name", flat=True)) == sorted(
        [room.name, "Laptop 1", "Laptop 2"] * 2
    )


def test_a_series_with_another_centre_s_equipment_is_refused_and_books_nothing(
    api_as, member, room, monday
):
    elsewhere = factories.ResourceFactory(kind="equipment", equipment_type="laptop")
    response = _series(api_as(member), room, monday, equipment=[elsewhere.pk])
    assert response.status_code == 400
    assert response.json()["error"]["details"]["resources"] == [elsewhere.pk]
    assert not Series.objects.exists()
    assert not Booking.objects.filter(booked_by=member).exists()
