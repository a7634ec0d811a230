"""Every failure comes back as {"error": {"code", "message", "details"}} with its status."""

import datetime
import logging

import pytest

from cowork.services.api_tokens import api_token_create, api_token_revoke
from cowork.services.booking import booking_create
from tests.cowork.api.conftest import Api, at, booked, iso, slot

pytestmark = pytest.mark.django_db


def _error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    return body["error"]


def test_naive_datetime_is_refused_with_400_not_guessed(api_as, member, desk, monday):
    naive = f"{monday.isoformat()}T10:00:00"
    response = api_as(member).post(
        "/bookings",
        {"resource": desk.pk, "starts_at": naive, "ends_at": iso(at(desk.space, monday, "11:00"))},
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "naive_datetime",
            "message": "starts_at has no time zone offset; send e.g. 2027-03-01T10:00:00+04:00.",
            "details": {"field": "starts_at"},
        }
    }
    assert not desk.bookings.exists()


def test_naive_datetime_in_a_query_is_refused_too(api_as, member, space, monday):
    response = api_as(member).get(
        "/availability",
        {"starts_at": f"{monday}T10:00:00", "ends_at": iso(at(space, monday, "11:00"))},
    )
    assert response.status_code == 400
    assert _error_of(response)["code"] == "naive_datetime"
    assert response.json()["error"]["details"] == {"field": "starts_at"}


UNAUTHENTICATED = {
    "error": {
        "code": "unauthenticated",
        "message": "Sign in, or send a valid token as 'Authorization: Bearer <key>'.",
        "details": {},
    }
}


def test_no_token_is_401(anonymous):
    response = anonymous.get("/bookings")
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer cwk_not-a-real-key", "Bearer ", "Basic dXNlcjpwYXNz", "cwk_without_scheme"],
)
def test_garbage_token_is_401(client, member, header):
    response = client.get("/api/v1/bookings", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_bad_token_is_401_even_with_a_signed_in_session(client, member):
    client.force_login(member)
    response = client.get("/api/v1/bookings", headers={"Authorization": "Bearer cwk_nope"})
    assert response.status_code == 401


def test_revoked_token_is_401(client, member):
    token, key = api_token_create(user=member, name="script")
    api = Api(client, key)
    assert api.get("/bookings").status_code == 200
    api_token_revoke(token=token)
    response = api.get("/bookings")
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_token_of_a_deactivated_user_is_401(client, member):
    _token, key = api_token_create(user=member, name="script")
    member.is_active = False
    member.save()
    assert Api(client, key).get("/bookings").status_code == 401


def test_booking_for_someone_else_is_403_for_a_member(api_as, member, other_member, desk, monday):
    response = api_as(member).post(
        "/bookings",
        {
            "resource": desk.pk,
            "starts_at": iso(at(desk.space, monday, "10:00")),
            "ends_at": iso(at(desk.space, monday, "11:00")),
            "member": other_member.pk,
        },
    )
    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "code": "forbidden",
            "message": "Only the centre's hosts and staff book for someone else.",
            "details": {},
        }
    }
    assert not desk.bookings.exists()


def test_unknown_booking_is_404(api_as, member):
    response = api_as(member).get("/bookings/987654")
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "not_found",
            "message": "No such booking.",
            "details": {"booking": 987654},
        }
    }


def test_someone_elses_booking_reads_exactly_like_an_unknown_one(
    api_as, member, other_member, desk, monday
):
    theirs = booked(desk, other_member, monday)
    response = api_as(member).get(f"/bookings/{theirs.pk}")
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "not_found",
            "message": "No such booking.",
            "details": {"booking": theirs.pk},
        }
    }
    for action in ("cancel", "check-in", "check-out"):
        assert api_as(member).post(f"/bookings/{theirs.pk}/{action}").status_code == 404
    moved = api_as(member).patch(
        f"/bookings/{theirs.pk}", {"ends_at": iso(at(desk.space, monday, "12:00"))}
    )
    assert moved.status_code == 404


def test_conflict_names_the_taken_slot_but_not_the_holder_to_a_stranger(
    api_as, member, other_member, desk, monday
):
    space = desk.space
    booked(desk, other_member, monday, "10:00", "12:00")
    response = api_as(member).post("/bookings", slot(desk, monday, "11:00", "13:00"))
    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "conflict",
            "message": f"Desk 01 is taken from {monday:%b} {monday.day}, {monday.year}, 10:00"
            " to 12:00.",
            "details": {
                "resource": desk.pk,
                "taken": {
                    "starts_at": iso(at(space, monday, "10:00")),
                    "ends_at": iso(at(space, monday, "12:00")),
                },
            },
        }
    }
    text = response.content.decode()
    assert "Aysel" not in text and "Huseynova" not in text


def test_conflict_names_the_holder_to_a_host_of_the_centre(
    api_as, host, other_member, desk, monday
):
    theirs = booked(desk, other_member, monday, "10:00", "12:00")
    response = api_as(host).post("/bookings", slot(desk, monday, "11:00", "13:00"))
    assert response.status_code == 409
    taken = response.json()["error"]["details"]["taken"]
    assert taken["held_by"] == "Aysel Huseynova"
    assert taken["booking"] == theirs.pk


def test_rule_violation_is_422_naming_the_rule(api_as, member, desk, monday):
    response = api_as(member).post("/bookings", slot(desk, monday, "10:07", "11:00"))
    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "code": "off_grid",
            "message": "Bookings start and end on a 15-minute grid of local time.",
            "details": {
                "grid_minutes": 15,
                "violations": [
                    {
                        "code": "off_grid",
                        "message": "Bookings start and end on a 15-minute grid of local time.",
                    }
                ],
            },
        }
    }


def test_schema_violation_is_422_listing_the_fields(api_as, member, desk, monday):
    response = api_as(member).post(
        "/bookings",
        {"resource": "desk one", "ends_at": iso(at(desk.space, monday, "11:00"))},
    )
    assert response.status_code == 422
    error = _error_of(response)
    assert error["code"] == "validation_error"
    assert error["message"] == "The request does not match the schema."
    fields = {tuple(field["loc"]): field for field in error["details"]["fields"]}
    assert set(fields) == {
        ("body", "payload", "resource"),
        ("body", "payload", "starts_at"),
    }
    assert fields[("body", "payload", "starts_at")]["type"] == "missing"
    assert all(set(field) == {"loc", "message", "type"} for field in fields.values())


def test_malformed_json_is_400(client, member):
    _token, key = api_token_create(user=member, name="tests")
    response = client.post(
        "/api/v1/bookings",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 400
    assert _error_of(response)["code"] == "bad_request"


def test_wrong_method_is_405_in_the_same_shape(api_as, member):
    response = api_as(member).delete("/bookings/1")
    assert response.status_code == 405
    error = _error_of(response)
    assert error["code"] == "method_not_allowed"
    assert error["message"] == "DELETE is not allowed here."
    assert sorted(error["details"]["allowed"]) == ["GET", "PATCH"]
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH"}


def test_unknown_endpoint_is_404_in_the_same_shape(api_as, member):
    response = api_as(member).get("/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "not_found",
            "message": "No such endpoint.",
            "details": {"path": "/api/v1/no-such-thing"},
        }
    }


def test_out_of_range_id_is_a_schema_error_not_a_crash(api_as, member):
    response = api_as(member).get(f"/bookings/{2**70}")
    assert response.status_code == 422
    assert _error_of(response)["code"] == "validation_error"


def _offset(moment, hours: int, minutes: int = 0) -> str:
    """The same instant written with a UTC offset of hours:minutes (negative hours: west)."""
    sign = -1 if hours < 0 else 1
    delta = sign * datetime.timedelta(hours=abs(hours), minutes=minutes)
    return moment.astimezone(datetime.timezone(delta)).isoformat()


def _refused_offset(response, field: str) -> None:
    assert response.status_code == 422, response.content
    error = _error_of(response)
    assert error["code"] == "validation_error"
    [refusal] = error["details"]["fields"]
    assert refusal["loc"][-1] == field
    assert refusal["type"] == "offset_out_of_range"
    assert "±15:59" in refusal["message"]


def test_offset_beyond_any_zone_in_a_body_is_422_naming_the_field(api_as, member, desk, monday):
    start, end = at(desk.space, monday, "10:00"), at(desk.space, monday, "11:00")
    response = api_as(member).post(
        "/bookings", {"resource": desk.pk, "starts_at": _offset(start, 20), "ends_at": iso(end)}
    )
    _refused_offset(response, "starts_at")
    assert not desk.bookings.exists()


def test_offset_beyond_any_zone_in_a_patch_is_422_and_moves_nothing(api_as, member, desk, monday):
    start, end = at(desk.space, monday, "10:00"), at(desk.space, monday, "11:00")
    booking = booking_create(resource=desk, member=member, starts_at=start, ends_at=end)
    response = api_as(member).patch(f"/bookings/{booking.pk}", {"ends_at": _offset(end, -16)})
    _refused_offset(response, "ends_at")
    booking.refresh_from_db()
    assert booking.ends_at == end


def test_offset_beyond_any_zone_in_a_series_is_422(api_as, member, room, monday):
    start = at(room.space, monday, "10:00")
    response = api_as(member).post(
        "/series",
        {
            "resource": room.pk,
            "first_starts_at": _offset(start, 23, 59),
            "duration_minutes": 60,
            "rrule": "FREQ=WEEKLY;COUNT=2",
        },
    )
    _refused_offset(response, "first_starts_at")


@pytest.mark.parametrize(
    ("path", "field"),
    [("/availability", "starts_at"), ("/bookings/quote", "starts_at"), ("/bookings", "from")],
)
def test_offset_beyond_any_zone_in_a_query_is_422(api_as, member, desk, monday, path, field):
    start, end = at(desk.space, monday, "10:00"), at(desk.space, monday, "11:00")
    params = {"resource": desk.pk, "ends_at": iso(end), "to": iso(end)}
    params["from" if field == "from" else "starts_at"] = _offset(start, -18, 30)
    _refused_offset(api_as(member).get(path, params), field)


def test_offsets_up_to_15_59_are_read_as_the_instant_they_name(api_as, member, desk, monday):
    start, end = at(desk.space, monday, "10:00"), at(desk.space, monday, "11:00")
    response = api_as(member).post(
        "/bookings",
        {
            "resource": desk.pk,
            "starts_at": _offset(start, 15, 59),
            "ends_at": _offset(end, -15, 59),
        },
    )
    assert response.status_code == 201, response.content
    assert desk.bookings.get().starts_at == start


def test_a_body_over_the_upload_limit_is_413_in_the_error_shape_and_books_nothing(
    api_as, member, desk, monday, settings, caplog
):
    start, end = at(desk.space, monday, "10:00"), at(desk.space, monday, "11:00")
    body = {"resource": desk.pk, "starts_at": iso(start), "ends_at": iso(end)}
    body["padding"] = "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = api_as(member).post("/bookings", body)
    assert response.status_code == 413
    assert _error_of(response)["code"] == "too_large"
    assert response.json()["error"]["details"] == {
        "max_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    }
    assert not desk.bookings.exists()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
