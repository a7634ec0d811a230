"""Pages kept once rendered (cowork.config.page_cache) are served again only while nothing
they may show has been written: bookings, events and any other write move the page
version on (cowork.page_version) once committed."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cowork import page_version
from cowork.models import Booking, Space
from cowork.services.booking.create import booking_create
from cowork.services.booking.lifecycle import booking_cancel
from tests.cowork.config.page_cache_fixtures import committed_database, kramatorsk  # noqa: F401
from tests.factories import (
    MemberFactory,
    ResourceFactory,
    RoomFactory,
    UserFactory,
    next_weekday,
    one_session_event,
)

# Writes commit, as they do when served: the page version moves at each commit.
pytestmark = pytest.mark.django_db(transaction=True)


def _member_client(member) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(member.user)
    return client


def _kept(client, url, django_assert_num_queries, *, signed_in=False) -> str:
    """The page, asked twice: the second answer is the kept copy, for which only the
    version is read (and, signed in, the session and the user)."""
    client.get(url)
    with django_assert_num_queries(3 if signed_in else 1):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _without_tokens(html: str) -> str:
    return re.sub(r'value="[A-Za-z0-9]{64}"', 'value=""', html)


def test_a_kept_page_is_served_with_one_query_and_the_same_html(
    client, space, django_assert_num_queries
):
    first = client.get("/").content.decode()
    again = _kept(client, "/", django_assert_num_queries)
    # The same page, but for the CSRF token, masked anew for each response.
    assert _without_tokens(again) == _without_tokens(first)
    assert space.name in again


def test_a_new_booking_shows_on_the_members_bookings_at_once(space, django_assert_num_queries):
    member = MemberFactory()
    desk = ResourceFactory(space=space, name="Window desk")
    client = _member_client(member)
    assert "Window desk" not in _kept(
        client, "/bookings/", django_assert_num_queries, signed_in=True
    )
    booking = _two_hours_on_wednesday(desk, member.user)
    booked = client.get("/bookings/").content.decode()
    assert "Window desk" in booked
    cancel_form = f'action="/bookings/{booking.pk}/cancel/"'
    assert cancel_form in client.get("/bookings/").content.decode()  # kept, as it is

    booking_cancel(booking=booking, acting_user=member.user)
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"
    assert cancel_form not in client.get("/bookings/").content.decode()


def test_a_new_event_shows_on_the_events_page_at_once(client, space, django_assert_num_queries):
    host = UserFactory(is_staff=True)
    space.roles.create(user=host, role="host")
    room = RoomFactory(space=space, name="Training room")
    assert "Python for beginners" not in _kept(client, "/events/", django_assert_num_queries)
    start = next_weekday(space, weekday=2, at=datetime.time(10))
    one_session_event(room, host, start)
    assert "Python for beginners" in client.get("/events/").content.decode()


def test_a_bulk_update_moves_the_version_on_and_a_rollback_does_not(
    client, space, django_assert_num_queries
):
    _kept(client, "/", django_assert_num_queries)
    before = page_version.current()
    Space.objects.filter(pk=space.pk).update(name="Kramatorsk hub, renamed")
    assert page_version.current() != before
    assert "Kramatorsk hub, renamed" in client.get("/").content.decode()

    moved = page_version.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        Space.objects.filter(pk=space.pk).update(name="Never committed")
        raise RuntimeError("rolled back")
    assert page_version.current() == moved


def test_sessions_do_not_move_the_version():
    before = page_version.current()
    Session.objects.create(session_key="k" * 32, session_data="", expire_date=timezone.now())
    assert page_version.current() == before


def test_each_visitor_gets_a_csrf_token_of_their_own_cookie(space):
    pages = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        html = visitor.get("/events/").content.decode()
        secret = visitor.cookies[settings.CSRF_COOKIE_NAME].value
        tokens = re.findall(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', html)
        assert tokens
        assert {_unmask_cipher_token(token) for token in tokens} == {secret}
        pages.append(set(tokens))
    assert not pages[0] & pages[1]


def test_a_waiting_message_is_shown_not_a_kept_page(space, django_assert_num_queries):
    member = MemberFactory()
    desk = ResourceFactory(space=space, name="Window desk")
    booking = _two_hours_on_wednesday(desk, member.user)
    client = _member_client(member)
    _kept(client, "/bookings/", django_assert_num_queries, signed_in=True)
    # Not committed here, so the version stays: only the waiting message keeps the kept
    # page from being served.
    response = client.post(f"/bookings/{booking.pk}/cancel/", {"reason": ""}, follow=True)
    assert "Your booking of Window desk is cancelled." in response.content.decode()


def test_members_are_served_their_own_pages(space):
    desk = ResourceFactory(space=space, name="Window desk")
    owner, other = MemberFactory(), MemberFactory()
    _two_hours_on_wednesday(desk, owner.user)
    assert "Window desk" in _member_client(owner).get("/bookings/").content.decode()
    assert "Window desk" not in _member_client(other).get("/bookings/").content.decode()


def test_a_signed_out_sessions_cookie_is_not_served_what_was_kept_for_it(
    space, django_assert_num_queries
):
    member = MemberFactory()
    client = _member_client(member)
    _kept(client, "/bookings/", django_assert_num_queries, signed_in=True)
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.logout()
    replay = Client()
    replay.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    assert replay.get("/bookings/").status_code == 302


def _two_hours_on_wednesday(desk, user) -> Booking:
    """The user's booking of `desk` on a coming Wednesday, 10:00-12:00."""
    start = next_weekday(desk.space, weekday=2, at=datetime.time(10))
    return booking_create(
        resource=desk, member=user, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )


def _bumps(captured) -> int:
    return sum("cowork_pageversion" in query["sql"] for query in captured.captured_queries)


def _a_desk_booking(space) -> dict:
    """What booking_create takes for an hour of a new desk on a coming Wednesday, by a new
    member: made before a test counts the queries of the booking alone."""
    start = next_weekday(space, weekday=2, at=datetime.time(10))
    return {
        "resource": ResourceFactory(space=space, name="Desk 01"),
        "member": MemberFactory().user,
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=1),
    }


def test_a_write_that_records_a_domain_event_moves_the_version_without_a_statement_more(
    space,
):
    """A booking's transaction records its domain event: the newest event is part of the
    version, so the booking pays no write to the version row."""
    booking = _a_desk_booking(space)
    before = page_version.current()
    with CaptureQueriesContext(connection) as captured:
        booking_create(**booking)
    assert _bumps(captured) == 0
    assert page_version.current() != before


def test_a_write_beside_a_booking_and_its_event_moves_the_version_by_the_event_alone(space):
    """On PostgreSQL the booking and its event are inserted in one statement (WITH): it is
    still seen to record an event, so a rename in the same transaction costs no write to
    the version row either."""
    booking = _a_desk_booking(space)
    before = page_version.current()
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        Space.objects.filter(pk=space.pk).update(name="Kramatorsk hub, renamed")
        booking_create(**booking)
    assert _bumps(captured) == 0
    assert page_version.current() != before


def test_an_event_rolled_back_to_a_savepoint_leaves_the_bump_to_the_write_that_stays(space):
    """A savepoint rolled back takes its domain event with it: the rename that stays moves
    the version itself."""
    from cowork.models import DomainEvent

    moved = page_version.current()
    with transaction.atomic():
        Space.objects.filter(pk=space.pk).update(name="Kramatorsk hub, renamed")
        with pytest.raises(RuntimeError), transaction.atomic():
            DomainEvent.objects.create(
                kind="booking.created", aggregate_type="booking", aggregate_id="1"
            )
            raise RuntimeError("rolled back")
    assert page_version.current() != moved
    # And the flag of an event seen is not left up for the next transaction.
    again = page_version.current()
    Space.objects.filter(pk=space.pk).update(name="Renamed again")
    assert page_version.current() != again
