"""Idempotency-Key: a POST or PATCH retried with its key gets the first answer, done once."""

import datetime
import json
import uuid

import pytest
from django.test import Client

from cowork.models import Booking, IdempotencyKey
from cowork.services.api_tokens import api_token_create
from tests.cowork.api.conftest import at, booked, iso
from tests.racing import at_once

pytestmark = pytest.mark.django_db

KEY = "5f0c6a1e-2b7d-4c39-9e8a-0d1f2a3b4c5d"


def _booking(desk, day, start="10:00", end="11:00") -> dict:
    return {
        "resource": desk.pk,
        "starts_at": iso(at(desk.space, day, start)),
        "ends_at": iso(at(desk.space, day, end)),
    }


def _booked(desk, member, day) -> Booking:
    return booked(desk, member, day)


def _keyed(key: str = KEY) -> dict:
    return {"Idempotency-Key": key}


def test_a_booking_retried_after_a_lost_answer_gets_the_same_201_not_409(
    api_as, member, desk, monday
):
    api = api_as(member)
    first = api.post("/bookings", _booking(desk, monday), **_keyed())
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first

    retry = api.post("/bookings", _booking(desk, monday), **_keyed())

    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert retry["Content-Type"] == first["Content-Type"]
    assert Booking.objects.count() == 1


def test_without_a_key_a_repeat_is_a_new_request_as_before(api_as, member, desk, monday):
    api = api_as(member)
    assert api.post("/bookings", _booking(desk, monday)).status_code == 201
    assert api.post("/bookings", _booking(desk, monday)).status_code == 409
    assert Booking.objects.count() == 1


def test_the_same_key_with_another_body_is_422_and_does_nothing(api_as, member, desk, monday):
    api = api_as(member)
    assert api.post("/bookings", _booking(desk, monday), **_keyed()).status_code == 201

    other = api.post("/bookings", _booking(desk, monday, "14:00", "15:00"), **_keyed())

    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Booking.objects.count() == 1


def test_the_same_key_on_another_endpoint_is_422(api_as, member, desk, monday):
    api = api_as(member)
    booking_id = api.post("/bookings", _booking(desk, monday), **_keyed()).json()["bookings"][0][
        "id"
    ]

    cancel = api.post(f"/bookings/{booking_id}/cancel", {}, **_keyed())

    assert cancel.status_code == 422
    assert cancel.json()["error"]["code"] == "idempotency_key_reused"
    assert Booking.objects.get().is_active


def test_someone_elses_key_never_gives_their_answer(api_as, member, other_member, desk, monday):
    assert api_as(member).post("/bookings", _booking(desk, monday), **_keyed()).status_code == 201

    stranger = api_as(other_member).post("/bookings", _booking(desk, monday), **_keyed())

    assert stranger.status_code == 409  # their own request, refused: the desk is taken
    assert "Idempotent-Replayed" not in stranger
    assert "bookings" not in stranger.json()


def test_a_key_is_the_users_across_their_tokens(api_as, member, desk, monday):
    first = api_as(member).post("/bookings", _booking(desk, monday), **_keyed())
    retry = api_as(member).post("/bookings", _booking(desk, monday), **_keyed())
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()


def test_a_key_older_than_24_hours_is_new_again(api_as, member, desk, monday):
    api = api_as(member)
    assert api.post("/bookings", _booking(desk, monday), **_keyed()).status_code == 201
    IdempotencyKey.objects.update(
        created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=24, seconds=1)
    )

    later = api.post("/bookings", _booking(desk, monday, "14:00", "15:00"), **_keyed())

    assert later.status_code == 201
    assert "Idempotent-Replayed" not in later
    assert Booking.objects.count() == 2
    retry = api.post("/bookings", _booking(desk, monday, "14:00", "15:00"), **_keyed())
    assert retry["Idempotent-Replayed"] == "true"


def test_a_refusal_is_the_answer_a_retry_gets_too(api_as, member, other_member, desk, monday):
    taken = _booked(desk, other_member, monday)
    api = api_as(member)
    refused = api.post("/bookings", _booking(desk, monday), **_keyed())
    assert refused.status_code == 409
    taken.delete()

    retry = api.post("/bookings", _booking(desk, monday), **_keyed())

    assert retry.status_code == 409
    assert retry.json() == refused.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert not Booking.objects.exists()


def test_a_move_retried_with_its_key_is_made_once(api_as, member, desk, monday):
    booking = _booked(desk, member, monday)
    api = api_as(member)
    move = {"ends_at": iso(at(desk.space, monday, "12:00"))}
    first = api.patch(f"/bookings/{booking.pk}", move, **_keyed())
    sequence = Booking.objects.get().sequence

    retry = api.patch(f"/bookings/{booking.pk}", move, **_keyed())

    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert Booking.objects.get().sequence == sequence


@pytest.mark.parametrize("key", ["", "with space", "x" * 256, "ключ"])
def test_a_malformed_key_is_400_and_books_nothing(client, member, desk, monday, key):
    _token, bearer = api_token_create(user=member, name="tests")
    response = client.post(
        "/api/v1/bookings",
        json.dumps(_booking(desk, monday)),
        content_type="application/json",
        headers={"Authorization": f"Bearer {bearer}", "Idempotency-Key": key},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_idempotency_key"
    assert not Booking.objects.exists()


def test_a_key_on_a_read_changes_nothing(api_as, member):
    response = api_as(member).get("/bookings", **_keyed())
    assert response.status_code == 200
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_book_once_and_all_get_its_answer(member, desk, monday):
    racers = 4
    _token, bearer = api_token_create(user=member, name="tests")
    headers = {"Authorization": f"Bearer {bearer}", "Idempotency-Key": str(uuid.uuid4())}
    body = json.dumps(_booking(desk, monday))

    def post():
        response = Client().post(
            "/api/v1/bookings", body, content_type="application/json", headers=headers
        )
        return response.status_code, response.json()

    answers = at_once(post, [()] * racers)
    assert all(isinstance(answer, tuple) for answer in answers), answers
    assert len(answers) == racers
    assert {status for status, _body in answers} == {201}, answers
    assert len({json.dumps(body, sort_keys=True) for _status, body in answers}) == 1
    assert Booking.objects.count() == 1
