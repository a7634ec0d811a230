"""Anonymous event registration cannot be used to pump SMS.

The attack: a script registers for a public event with numbers that earn the caller money
(premium-rate ranges, satellite networks, far-away countries) and we pay to text each one.
Here the registrations go through the real page and the SMS through the real dispatcher
into the locmem backend, so a test counts the messages that would have been paid for.
"""

import pytest
from django.test import Client
from django.urls import reverse

from cowork import outbox as relay
from cowork.models import Event, EventAttempt, Participant, Registration
from cowork.services.events import event_create
from notifications.messaging.dispatch import dispatch_due
from tests.cowork.web.conftest import local
from tests.factories import HostFactory, RoomFactory, SpaceFactory
from tests.racing import at_once

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.66"
# Four each of: UK 90x, Latvia 90x and Austria 900 premium-rate; Iridium and an
# international network (+881, +882); Cuba and Somalia mobiles — the numbers of the report.
PUMPED_NUMBERS = (
    [f"+44901234567{n}" for n in range(4)]
    + [f"+3719001234{n}" for n in range(4)]
    + [f"+4390012345{n}" for n in range(4)]
    + [f"+88161234567{n}" for n in range(2)]
    + [f"+882342123{n}" for n in range(2)]
    + [f"+535123456{n}" for n in range(4)]
    + [f"+25261234567{n}" for n in range(4)]
)


@pytest.fixture
def host(space):
    return HostFactory(space=space).user


def _event(space, host, day, *, title="Round-table on e-government", capacity=20):
    room = RoomFactory(space=space, capacity=capacity)
    return event_create(
        space=space,
        room=room,
        host=host,
        kind=Event.Kind.ROUND_TABLE,
        title=title,
        sessions=[(local(space, day, "11:00"), local(space, day, "13:00"))],
        capacity=capacity,
    )


@pytest.fixture
def event(space, host, day):
    return _event(space, host, day)


def _register(client, event, phone, *, ip=ATTACKER, name="Test Person"):
    return client.post(
        reverse("web:event", args=[event.pk]),
        {"name": name, "phone": phone, "language": "en"},
        REMOTE_ADDR=ip,
    )


def _send_everything() -> int:
    relay.relay_pending()
    return dispatch_due().sent


def test_registrations_to_premium_rate_satellite_and_far_away_numbers_text_nobody(
    client, event, locmem_sms
):
    assert len(PUMPED_NUMBERS) == 24
    for phone in PUMPED_NUMBERS:
        response = _register(client, event, phone)
        assert response.status_code == 400, phone
        assert "write a mobile number such as 040 123 45 67 or +994 40 123 45 67" in (
            response.content.decode()
        ), phone
    _send_everything()
    assert locmem_sms == []
    assert not Registration.objects.exists()
    assert not Participant.objects.exists()


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("+44 901 234 5670", "cannot receive SMS"),
        ("+881 6123 45670", "cannot receive SMS"),
        ("012 498 76 54", "is a landline and cannot receive SMS"),
        ("+53 5123 4560", "accepts phone numbers from Azerbaijan only"),
    ],
)
def test_a_number_that_cannot_receive_our_sms_is_refused_with_the_centres_example(
    client, event, typed, says
):
    response = _register(client, event, typed)
    page = response.content.decode()
    assert response.status_code == 400
    assert says in page
    assert "040 123 45 67 or +994 40 123 45 67" in page
    assert not Registration.objects.exists()


def test_a_number_typed_at_a_kramatorsk_event_is_read_as_ukrainian(client, day):
    kramatorsk = SpaceFactory(city="Kramatorsk", country="UA", time_zone="Europe/Kyiv")
    event = _event(kramatorsk, HostFactory(space=kramatorsk).user, day)
    page = client.get(reverse("web:event", args=[event.pk])).content.decode()
    assert "A mobile number, e.g. 050 123 4567 or +380 50 123 4567." in page

    assert _register(client, event, "050 777 88 99").status_code == 302
    assert Registration.objects.get().participant.phone == "+380507778899"


def test_a_centre_takes_numbers_of_the_countries_it_lists(client, space, event):
    refused = _register(client, event, "+380 50 777 88 99")
    assert refused.status_code == 400
    assert "accepts phone numbers from Azerbaijan only" in refused.content.decode()

    space.phone_countries = ["AZ", "UA"]
    space.save(update_fields=["phone_countries"])
    assert _register(client, event, "+380 50 777 88 99").status_code == 302
    assert Registration.objects.get().participant.phone == "+380507778899"


def test_registrations_from_one_address_stop_at_the_hourly_limit_and_store_nothing(
    client, event, settings
):
    settings.EVENT_REGISTRATION_IP_HOURLY_LIMIT = 3
    for n in range(3):
        assert _register(client, event, f"+99450700000{n}").status_code == 302
    refused = _register(client, event, "+994507000009")
    assert refused.status_code == 429
    assert "Too many registrations from here or for this event in the past hour." in (
        refused.content.decode()
    )
    assert Registration.objects.count() == Participant.objects.count() == 3
    assert EventAttempt.objects.count() == 3
    # Someone else, on another network, still registers.
    assert _register(client, event, "+994507000009", ip="203.0.113.20").status_code == 302


def test_registrations_for_one_event_stop_at_its_hourly_limit(client, space, host, day, settings):
    settings.EVENT_REGISTRATION_EVENT_HOURLY_LIMIT = 2
    event = _event(space, host, day)
    other = _event(space, host, day, title="Another round-table")
    for n in range(2):
        assert _register(client, event, f"+99450700000{n}", ip=f"203.0.113.{n}").status_code == 302
    assert _register(client, event, "+994507000005", ip="203.0.113.9").status_code == 429
    assert _register(client, other, "+994507000005", ip="203.0.113.9").status_code == 302


def test_registrations_at_one_centre_stop_at_its_hourly_limit(client, space, host, day, settings):
    settings.EVENT_REGISTRATION_CENTRE_HOURLY_LIMIT = 2
    first = _event(space, host, day)
    second = _event(space, host, day, title="Another round-table")
    assert _register(client, first, "+994507000001", ip="203.0.113.1").status_code == 302
    assert _register(client, second, "+994507000002", ip="203.0.113.2").status_code == 302
    assert _register(client, second, "+994507000003", ip="203.0.113.3").status_code == 429
    elsewhere = SpaceFactory()
    other_centre = _event(elsewhere, HostFactory(space=elsewhere).user, day)
    assert _register(client, other_centre, "+994507000003", ip="203.0.113.3").status_code == 302


def test_hosts_registering_people_are_not_counted_against_the_limits(client, event, host, settings):
    settings.EVENT_REGISTRATION_IP_HOURLY_LIMIT = 1
    settings.EVENT_REGISTRATION_EVENT_HOURLY_LIMIT = 1
    client.force_login(host)
    for n in range(3):
        response = client.post(
            reverse("web:event-register-on-behalf", args=[event.pk]),
            {"name": f"Caller {n}", "phone": f"050 700 00 0{n}"},
            REMOTE_ADDR=ATTACKER,
        )
        assert response.status_code == 302, response.content.decode()[:500]
    assert Registration.objects.count() == 3
    assert not EventAttempt.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_forty_parallel_registrations_from_one_address_get_only_the_limit(
    event, settings, locmem_sms
):
    settings.EVENT_REGISTRATION_IP_HOURLY_LIMIT = 20
    event.capacity = event.room.capacity = 40
    event.room.save(update_fields=["capacity"])
    event.save(update_fields=["capacity"])
    # Twice the limit, and more than a web process's database connections (16), so the
    # requests truly queue on each other: the report's 100 sent 100 SMS.
    attempts = 40

    def attempt(n):
        return _register(Client(), event, f"+9945070{n:05d}").status_code

    statuses = at_once(attempt, [(n,) for n in range(attempts)], wait=60, finish=300)
    assert set(statuses) == {302, 429}, statuses
    assert statuses.count(302) == 20
    assert Registration.objects.count() == 20
    _send_everything()
    assert len(locmem_sms) == 20
