"""The waitlist's pages: joining from the search, My bookings' waits, the offer's page
that books in one step, and the host's calendar."""

import datetime

import pytest
from django.urls import reverse

from cowork import outbox
from cowork.models import Booking, ResourceWait, ResourceWaitOffer, WaitStatus
from cowork.services.booking import booking_cancel, booking_create
from tests import factories

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def room(space):
    return factories.RoomFactory(space=space, name="Hall")


@pytest.fixture
def start(space):
    return factories.next_weekday(space)


@pytest.fixture
def holder(room, start):
    user = factories.MemberFactory().user
    booking_create(resource=room, member=user, starts_at=start, ends_at=start + HOUR)
    return user


def _join(client, room, start, **extra):
    return client.post(
        reverse("web:wait-join", args=[room.space.slug]),
        {"date": start.strftime("%Y-%m-%d"), "start": "10:00", "end": "11:00", **extra},
    )


def test_a_member_joins_a_taken_room_and_sees_the_wait_on_my_bookings(
    client, member_user, room, start, holder
):
    client.force_login(member_user)
    response = _join(client, room, start, resource=str(room.pk))
    assert response.status_code == 302
    wait = ResourceWait.objects.get(member=member_user)
    assert wait.resource == room and wait.starts_at == start
    page = client.get(reverse("web:my-bookings")).content.decode()
    assert f'id="wait-{wait.pk}"' in page and "Number 1 in line" in page


def test_joining_a_free_room_is_refused_and_stores_nothing(client, member_user, room, start):
    client.force_login(member_user)
    response = _join(client, room, start, resource=str(room.pk))
    assert response.status_code == 422
    assert "book it instead" in response.content.decode()
    assert not ResourceWait.objects.exists()


def test_the_offer_page_books_in_one_step_and_then_says_so(
    client, member_user, room, start, holder
):
    client.force_login(member_user)
    _join(client, room, start, resource=str(room.pk))
    booking_cancel(booking=Booking.objects.get(booked_by=holder), acting_user=holder)
    outbox.relay_pending()
    offer = ResourceWaitOffer.objects.get()
    url = reverse("web:wait-offer", args=[offer.link_key()])
    client.logout()  # the link alone acts for the member, as in the SMS
    assert "Hall is free" in client.get(url).content.decode()
    assert client.post(url, {"answer": "accept"}).status_code == 302
    booking = Booking.objects.get(booked_by=member_user)
    assert booking.resource == room and booking.starts_at == start
    assert "Hall is booked" in client.get(url).content.decode()
    assert ResourceWait.objects.get().status == WaitStatus.BOOKED


def test_a_forged_offer_link_is_not_found(client, member_user, room, start, holder):
    client.force_login(member_user)
    _join(client, room, start, resource=str(room.pk))
    booking_cancel(booking=Booking.objects.get(booked_by=holder), acting_user=holder)
    outbox.relay_pending()
    offer = ResourceWaitOffer.objects.get()
    forged = f"{offer.pk:x}-AAAAAAAAAAAAAAAA"
    assert client.get(reverse("web:wait-offer", args=[forged])).status_code == 404
    assert (
        client.post(reverse("web:wait-offer", args=[forged]), {"answer": "accept"}).status_code
        == 404
    )
    assert not Booking.objects.filter(booked_by=member_user).exists()


def test_leaving_from_my_bookings(client, member_user, room, start, holder):
    client.force_login(member_user)
    _join(client, room, start, resource=str(room.pk))
    wait = ResourceWait.objects.get()
    other = factories.MemberFactory().user
    client.force_login(other)
    assert client.post(reverse("web:wait-leave", args=[wait.pk])).status_code == 404
    client.force_login(member_user)
    client.post(reverse("web:wait-leave", args=[wait.pk]))
    wait.refresh_from_db()
    assert wait.status == WaitStatus.LEFT


def test_the_host_sees_who_waits_on_the_day(client, member_user, room, start, holder):
    client.force_login(member_user)
    _join(client, room, start, resource=str(room.pk))
    host = factories.HostFactory(space=room.space).user
    client.force_login(host)
    page = client.get(
        reverse("web:host-calendar", args=[room.space.slug]),
        {"date": start.strftime("%Y-%m-%d"), "view": "day"},
    ).content.decode()
    assert "1 person waits for a room or desk" in page
    assert member_user.get_full_name() in page
