"""Many people racing for one desk: exactly one gets it, on either database."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from cowork.errors import Conflict
from cowork.models import ACTIVE_STATUSES, Booking
from cowork.services.booking import booking_create
from tests.factories import MemberFactory, ResourceFactory, next_weekday

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 50


def _overlaps(resource):
    rows = list(
        Booking.objects.filter(resource=resource, status__in=ACTIVE_STATUSES).values_list(
            "starts_at", "blocked_until"
        )
    )
    return [
        (a, b) for i, a in enumerate(rows) for b in rows[i + 1 :] if a[0] < b[1] and b[0] < a[1]
    ]


def test_fifty_clients_booking_one_desk_at_once_leave_exactly_one_booking(space):
    desk = ResourceFactory(space=space)
    members = [MemberFactory().user for _ in range(CLIENTS)]
    ten = next_weekday(space)
    barrier = threading.Barrier(CLIENTS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(index, member):
        # Every window covers 11:45–12:00, so any two of them overlap.
        start = ten + datetime.timedelta(minutes=15 * (index % 8))
        try:
            barrier.wait(timeout=30)
            booking_create(
                resource=desk,
                member=member,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=2),
            )
            outcome = "booked"
        except Conflict:
            outcome = "conflict"
        except Exception as exc:  # anything else is a failure the assertion below shows
            outcome = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(i, m)) for i, m in enumerate(members)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(set(outcomes)) == ["booked", "conflict"], outcomes
    assert outcomes.count("booked") == 1
    assert outcomes.count("conflict") == CLIENTS - 1
    assert Booking.objects.filter(resource=desk).count() == 1
    assert _overlaps(desk) == []


def test_database_itself_refuses_overlap_or_serializes_writers(space, member_user):
    desk = ResourceFactory(space=space)
    start = next_weekday(space)
    fields = {
        "resource": desk,
        "space": space,
        "booked_by": member_user,
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=1),
        "blocked_until": start + datetime.timedelta(hours=1),
    }
    Booking.objects.create(**fields)
    if connection.vendor == "postgresql":
        # Even a writer that skips the service cannot store an overlap.
        with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
            Booking.objects.create(
                **{**fields, "starts_at": start + datetime.timedelta(minutes=30)}
            )
        # A cancelled booking no longer holds the desk.
        Booking.objects.update(status="cancelled")
        Booking.objects.create(**fields)
    else:
        # SQLite has no exclusion constraints: every write transaction takes the write lock
        # at BEGIN, so the service's check-then-insert cannot interleave with another.
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert connection.cursor().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
