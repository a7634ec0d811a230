"""Hosts approve and decline bookings of rooms that need approval."""

import pytest

from cowork.models import BookingStatus
from tests.cowork.api.conftest import booked
from tests.factories import HostFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(space):
    return RoomFactory(space=space, name="Conference hall", needs_approval=True)


@pytest.fixture
def pending(hall, member, monday):
    return booked(hall, member, monday, "10:00", "12:00")


def test_host_lists_pending_bookings_of_their_centres(api_as, host, pending):
    response = api_as(host).get("/approvals")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    (item,) = response.json()["items"]
    assert item["id"] == pending.pk
    assert item["status"] == "pending"
    assert item["booked_by"] == "Leyla Mammadova"


def test_members_and_other_organizations_see_no_approvals(api_as, member, other_host, pending):
    assert api_as(member).get("/approvals").json() == {"items": [], "count": 0}
    assert api_as(other_host).get("/approvals").json() == {"items": [], "count": 0}


def test_host_approves(client, api_as, host, pending):
    api = api_as(host)
    response = client.generic(
        "POST", f"/api/v1/approvals/{pending.pk}/approve", b"", headers=api.headers
    )
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    pending.refresh_from_db()
    assert pending.decided_by == host


def test_host_declines_with_a_reason(api_as, host, pending):
    response = api_as(host).post(
        f"/approvals/{pending.pk}/decline", {"reason": "The hall is being painted."}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    assert response.json()["reason"] == "The hall is being painted."


def test_decline_needs_a_reason(api_as, host, pending):
    api = api_as(host)
    missing = api.post(f"/approvals/{pending.pk}/decline", {})
    assert missing.status_code == 422
    assert missing.json()["error"]["details"]["fields"][0]["loc"] == [
        "body",
        "payload",
        "reason",
    ]
    blank = api.post(f"/approvals/{pending.pk}/decline", {"reason": "   "})
    assert blank.status_code == 400
    assert blank.json()["error"]["code"] == "reason_required"
    pending.refresh_from_db()
    assert pending.status == BookingStatus.PENDING


def test_member_may_not_approve(api_as, member, pending):
    response = api_as(member).post(f"/approvals/{pending.pk}/approve", {})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_member_cannot_probe_ids_through_approvals(api_as, member):
    assert api_as(member).post("/approvals/987654/approve", {}).status_code == 403


def test_staff_of_the_centre_may_not_approve(api_as, space, pending):
    staff = HostFactory(space=space, role="staff").user
    response = api_as(staff).post(f"/approvals/{pending.pk}/approve", {})
    assert response.status_code == 403


def test_approving_twice_is_a_rule_violation(api_as, host, pending):
    api = api_as(host)
    api.post(f"/approvals/{pending.pk}/approve", {})
    again = api.post(f"/approvals/{pending.pk}/approve", {})
    assert again.status_code == 422
    assert again.json()["error"]["code"] == "wrong_status"


def test_unknown_booking_is_404_for_a_host(api_as, host):
    assert api_as(host).post("/approvals/987654/approve", {}).status_code == 404
