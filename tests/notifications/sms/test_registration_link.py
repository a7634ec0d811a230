"""A place at an event cancelled from the link of a one-way SMS, where a reply reaches nobody."""

import datetime
import re

import pytest
from django.urls import reverse

from cowork.models import DomainEvent, DomainEventKind, Registration, RegistrationStatus
from cowork.services.events import registration_create
from notifications.ical.tokens import download_token
from notifications.models import Notification
from notifications.sms.messages import facts_for, render_message
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(sms_space):
    room = factories.RoomFactory(space=sms_space)
    starts_at = factories.next_weekday(sms_space, weekday=3, at=datetime.time(11))
    event = factories.EventFactory(
        room=room, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=2)
    )
    registration, _key = registration_create(
        event=event, name="Nigar Aliyeva", phone="+994501112233", language="uk"
    )
    return registration


def _link(registration) -> str:
    return reverse(
        "notifications:registration-by-sms", args=[download_token(registration=registration)]
    )


def test_a_one_way_confirmation_links_to_the_place_not_only_the_calendar(place):
    notification = Notification(
        kind=Notification.Kind.REGISTRATION_CONFIRMED,
        registration=place,
        space=place.event.space,
        phone=place.participant.phone,
        language="uk",
    )
    body = render_message(
        kind=notification.kind, language="uk", facts=facts_for(notification), two_way=False
    )
    assert "Скасувати, календар:" in body
    assert re.search(r"/r/r\w+-[\w-]+/$", body), body


def test_the_link_shows_the_place_and_cancels_it_once(client, place):
    client.cookies["django_language"] = "uk"
    url = _link(place)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert place.event.title in html and "Nigar Aliyeva" in html
    assert "Yes, cancel my registration" not in html  # in Ukrainian
    assert reverse("notifications:ics-download", args=[url.split("/")[-2]]) in html
    assert "no-cache" in page["Cache-Control"]

    done = client.post(url)
    assert done.status_code == 302 and done["Location"] == url
    place.refresh_from_db()
    assert place.status == RegistrationStatus.CANCELLED
    assert DomainEvent.objects.filter(kind=DomainEventKind.REGISTRATION_CANCELLED).count() == 1

    again = client.post(url)
    assert again.status_code == 409
    assert DomainEvent.objects.filter(kind=DomainEventKind.REGISTRATION_CANCELLED).count() == 1


@pytest.mark.parametrize("token", ["r1-AAAAAAAAAAAAAAAAAAAAAA", "nonsense", "r1-" + "A" * 40])
def test_a_forged_or_made_up_token_finds_nothing_and_changes_nothing(client, place, token):
    url = reverse("notifications:registration-by-sms", args=[token])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    place.refresh_from_db()
    assert place.status != RegistrationStatus.CANCELLED


def test_a_bookings_token_does_not_open_a_registration(client, place):
    booking_token = "b" + download_token(registration=place)[1:]
    url = reverse("notifications:registration-by-sms", args=[booking_token])
    assert client.post(url).status_code == 404
    assert Registration.objects.get(pk=place.pk).status != RegistrationStatus.CANCELLED
