"""Many people racing for one desk: exactly one gets it, on either database."""

import contextlib
import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from cowork.errors import Conflict
from cowork.models import ACTIVE_STATUSES, Booking
from cowork.services.booking import booking_create
from tests.factories import MemberFactory, ResourceFactory, next_weekday
from tests.racing import at_once

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

    def attempt(index, member):
        # Every window covers 11:45–12:00, so any two of them overlap.
        start = ten + datetime.timedelta(minutes=15 * (index % 8))
        try:
            booking_create(
                resource=desk,
                member=member,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=2),
            )
        except Conflict:
            return "conflict"
        return "booked"

    outcomes = at_once(attempt, enumerate(members))
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


def _insert_and_hold(fields, held, release):
    """Insert an overlapping booking without the service (no space lock) and keep its
    transaction open until `release`."""
    try:
        with transaction.atomic():
            Booking.objects.create(**fields)
            held.set()
            release.wait(30)
    finally:
        connection.close()


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's exclusion constraint")
@pytest.mark.parametrize("nested", [False, True])
def test_an_overlap_only_the_constraint_sees_is_a_conflict_naming_the_slot(
    space, member_user, nested
):
    """A writer that skipped the service's lock commits an overlap while a booking waits on
    it: the constraint refuses the booking, which is told as a conflict once rolled back,
    and a caller's transaction around it goes on."""
    desk = ResourceFactory(space=space, name="Desk 7")
    start = next_weekday(space)
    hour = datetime.timedelta(hours=1)
    held, release = threading.Event(), threading.Event()
    fields = {
        "resource": desk,
        "space": space,
        "booked_by": member_user,
        "starts_at": start,
        "ends_at": start + hour,
        "blocked_until": start + hour,
    }
    holder = threading.Thread(target=_insert_and_hold, args=(fields, held, release))
    holder.start()
    outcome = []

    def book():
        try:
            with transaction.atomic() if nested else contextlib.nullcontext():
                try:
                    booking_create(
                        resource=desk,
                        member=MemberFactory().user,
                        starts_at=start + hour / 2,
                        ends_at=start + 2 * hour,
                    )
                except Conflict as conflict:
                    outcome.append(conflict)
                # The caller's transaction is still usable after the refusal.
                outcome.append(Booking.objects.filter(resource=desk).count())
        finally:
            connection.close()

    try:
        assert held.wait(10)
        booker = threading.Thread(target=book)
        booker.start()
        for _ in range(3000):  # until the booking waits on the held row; a bound, not a pace
            if _waiting_on_a_lock():
                break
            threading.Event().wait(0.01)
        release.set()
        booker.join(60)
    finally:
        release.set()
        holder.join()
    conflict, count = outcome
    assert isinstance(conflict, Conflict)
    assert conflict.details["taken"]["starts_at"] == start.isoformat()
    assert count == 1
    assert Booking.objects.filter(resource=desk).count() == 1
