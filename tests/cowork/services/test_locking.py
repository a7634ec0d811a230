"""The one locking helper: refused outside a transaction; a lock held too long is "busy"."""

import contextlib
import datetime
import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from cowork.errors import Busy
from cowork.models import Booking
from cowork.services import locking
from cowork.services.booking import booking_create
from cowork.services.locking import lock_event, lock_named, lock_space, lock_space_numbered
from tests.factories import EventFactory, MemberFactory, ResourceFactory, next_weekday

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row and advisory locks are PostgreSQL's"
)


# Transactional: a plain django_db test runs inside a transaction already.
@pytest.mark.django_db(transaction=True)
def test_a_lock_outside_a_transaction_is_refused(space):
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        lock_space(space.pk)
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        lock_named("sign-in asks")


@pytest.mark.django_db
def test_lock_event_returns_the_event_fresh_with_its_space():
    event = EventFactory()
    with transaction.atomic():
        locked = lock_event(event.pk)
    assert locked.pk == event.pk
    assert locked.space.pk == event.space_id


@contextlib.contextmanager
def _held_elsewhere(take):
    """While inside, a transaction of another connection holds the lock `take()` took."""
    held, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                take()
                held.set()
                release.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        yield
    finally:
        release.set()
        holder.join()


def _space_row(space):
    """Taking the centre's row lock, as a change of the centre does."""

    def take():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM cowork_space WHERE id = %s FOR UPDATE", [space.pk])

    return take


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_booking_waiting_too_long_for_its_centre_is_busy_and_changes_nothing(space, monkeypatch):
    monkeypatch.setattr(locking, "LOCK_TIMEOUT", datetime.timedelta(milliseconds=300))
    desk = ResourceFactory(space=space)
    member = MemberFactory().user
    start = next_weekday(space)
    with _held_elsewhere(_space_row(space)):
        with pytest.raises(Busy) as refused:
            booking_create(
                resource=desk,
                member=member,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=1),
            )
        assert refused.value.status == 503
        assert not Booking.objects.filter(resource=desk).exists()
    # The lock gone, the same booking goes through: the timeout did not stick.
    booking = booking_create(
        resource=desk, member=member, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    assert booking.pk


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_named_lock_held_elsewhere_is_busy_and_its_timeout_does_not_outlive_the_wait(
    monkeypatch,
):
    monkeypatch.setattr(locking, "LOCK_TIMEOUT", datetime.timedelta(milliseconds=300))
    held_elsewhere = _held_elsewhere(lambda: lock_named("sign-in asks"))
    with held_elsewhere, pytest.raises(Busy), transaction.atomic():
        lock_named("sign-in asks")
    with transaction.atomic():
        lock_named("sign-in asks")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('lock_timeout')")
            assert cursor.fetchone()[0] == "0"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_space_lock_puts_the_timeout_it_found_back_in_the_same_statement(space):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', '1234ms', true)")
        with CaptureQueriesContext(connection) as statements:
            lock_space(space.pk)
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('lock_timeout')")
            assert cursor.fetchone()[0] == "1234ms"
    assert len(statements) == 1
    with pytest.raises(LookupError), transaction.atomic():
        lock_space(space.pk + 1000)


@pytest.mark.django_db(transaction=True)
def test_a_numbered_space_lock_takes_the_next_event_number_and_gives_it_back_on_rollback(space):
    space.refresh_from_db()
    first = space.event_seq
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic():
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('lock_timeout', '1234ms', true)")
        with CaptureQueriesContext(connection) as statements:
            assert lock_space_numbered(space.pk) == first + 1
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('lock_timeout')")
                assert cursor.fetchone()[0] == "1234ms"
    assert len(statements) == 1
    # A write refused after the lock leaves no gap in the numbers.
    with pytest.raises(Busy), transaction.atomic():
        lock_space_numbered(space.pk)
        raise Busy("refused after the lock")
    with transaction.atomic():
        assert lock_space_numbered(space.pk) == first + 2
    with pytest.raises(LookupError), transaction.atomic():
        lock_space_numbered(space.pk + 1000)
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        lock_space_numbered(space.pk)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_numbered_space_lock_held_elsewhere_is_busy(space, monkeypatch):
    monkeypatch.setattr(locking, "LOCK_TIMEOUT", datetime.timedelta(milliseconds=300))
    with _held_elsewhere(_space_row(space)), pytest.raises(Busy), transaction.atomic():
        lock_space_numbered(space.pk)
