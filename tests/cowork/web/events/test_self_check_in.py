"""Self check-in at the door: a person proves their registration, and strangers learn nothing.

The event's QR code leads to a page anyone can open. It used to mark present whoever's
phone was typed and greet them by name, so fifty guessed numbers found the registrants'
names and filled donors' attendance reports. Now the page wants the registration's own
check-in code (or the personal link's "I am here"), answers without a name, and stops
answering a source of wrong guesses; a host's session checks in by phone alone.
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cowork.models import Attendance, Event
from cowork.services.events import registration_create
from tests.cowork.web.conftest import local
from tests.cowork.web.events.conftest import make_event
from tests.factories import HostFactory, RoomFactory, SpaceFactory

pytestmark = pytest.mark.django_db

OLHA = ("Olha Kovalenko", "+380671114007")
IVAN = ("Ivan Bondar", "+380671114008")
MARIIA = ("Mariia Shevchenko", "+380671114009")
GUESSER = "198.51.100.77"


@pytest.fixture
def kramatorsk():
    return SpaceFactory(city="Kramatorsk", country="UA", time_zone="Europe/Kyiv")


@pytest.fixture
def host(kramatorsk):
    return HostFactory(space=kramatorsk, user__first_name="Oksana").user


@pytest.fixture
def event(kramatorsk, host, day):
    room = RoomFactory(space=kramatorsk, capacity=20)
    return make_event(
        kramatorsk,
        room,
        host,
        day,
        kind=Event.Kind.TRAINING,
        title="Digital safety training",
        description="",
    )


@pytest.fixture
def registered(event):
    return {
        name: registration_create(event=event, name=name, phone=phone)
        for name, phone in (OLHA, IVAN, MARIIA)
    }


@pytest.fixture
def at_the_door(monkeypatch, kramatorsk, day):
    """The clock a quarter of an hour before the session starts."""
    monkeypatch.setattr(timezone, "now", lambda: local(kramatorsk, day, "10:45"))


def _check_in(client, event, data, *, ip=GUESSER):
    return client.post(reverse("web:event-check-in", args=[event.pk]), data, REMOTE_ADDR=ip)


def _names_in(html: str) -> list[str]:
    return [name for name, _phone in (OLHA, IVAN, MARIIA) if name.split()[0] in html]


def test_a_phone_alone_checks_nobody_in_and_shows_no_name(client, event, registered, at_the_door):
    response = _check_in(client, event, {"phone": OLHA[1]})
    html = response.content.decode()
    assert response.status_code == 400
    assert _names_in(html) == []
    assert not Attendance.objects.exists()


def test_fifty_guessed_numbers_find_no_name_mark_nobody_and_are_cut_off(
    client, event, registered, at_the_door, settings
):
    settings.EVENT_CHECK_IN_IP_HOURLY_FAILURES = 20
    statuses = []
    for n in range(50):
        response = _check_in(client, event, {"phone": f"+3806711140{n:02d}", "code": "000000"})
        statuses.append(response.status_code)
        assert _names_in(response.content.decode()) == [], n
    assert not Attendance.objects.exists()
    assert statuses[:20] == [404] * 20
    assert statuses[20:] == [429] * 30


def test_a_wrong_code_reads_exactly_like_an_unknown_phone(client, event, registered, at_the_door):
    olha, _key = registered[OLHA[0]]
    wrong = f"{(int(olha.check_in_code) + 1) % 1_000_000:06d}"
    wrong_code = _check_in(client, event, {"phone": OLHA[1], "code": wrong})
    unknown = _check_in(client, event, {"phone": "+380671119999", "code": wrong})
    assert wrong_code.status_code == unknown.status_code == 404

    def message(response):
        return re.search(r'class="form-errors"[^>]*>(.*?)</', response.content.decode(), re.S)[1]

    assert message(wrong_code) == message(unknown)
    assert not Attendance.objects.exists()


def test_the_code_on_the_registration_page_checks_the_person_in_without_naming_them(
    client, event, registered, at_the_door
):
    olha, key = registered[OLHA[0]]
    page = client.get(reverse("web:registration", args=[key])).content.decode()
    code = re.search(r'class="check-in-code">(\d{6})<', page)[1]
    assert code == olha.check_in_code

    response = _check_in(client, event, {"phone": "067 111 40 07", "code": code})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Welcome: you are marked present at the session of 11:00." in html
    assert _names_in(html) == []
    attendance = Attendance.objects.get()
    assert attendance.participant == olha.participant
    assert attendance.method == Attendance.Method.QR


def test_i_am_here_on_the_personal_page_checks_in_while_a_session_is_open(
    client, event, registered, monkeypatch, kramatorsk, day
):
    olha, key = registered[OLHA[0]]
    page_url = reverse("web:registration", args=[key])
    monkeypatch.setattr(timezone, "now", lambda: local(kramatorsk, day, "10:00"))
    assert "I am here: check me in" not in client.get(page_url).content.decode()
    refused = client.post(reverse("web:registration-check-in", args=[key]))
    assert refused.status_code == 422
    assert not Attendance.objects.exists()

    monkeypatch.setattr(timezone, "now", lambda: local(kramatorsk, day, "10:45"))
    assert "I am here: check me in" in client.get(page_url).content.decode()
    response = client.post(reverse("web:registration-check-in", args=[key]))
    assert response.status_code == 302
    assert Attendance.objects.get().participant == olha.participant
    page = client.get(response["Location"]).content.decode()
    assert "You are marked present at the session of 11:00." in page
    assert "I am here: check me in" not in page


def test_a_wrong_key_checks_nobody_in(client, event, registered, at_the_door):
    response = client.post(reverse("web:registration-check-in", args=["not-a-real-key-at-all"]))
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_a_host_checks_someone_in_by_phone_alone_and_sees_their_name(
    client, event, registered, host, at_the_door
):
    client.force_login(host)
    page = client.get(reverse("web:event-check-in", args=[event.pk])).content.decode()
    assert 'name="code"' not in page
    response = _check_in(client, event, {"phone": "067 111 40 08"})
    assert response.status_code == 200
    assert "Ivan Bondar is marked present at the session of 11:00." in response.content.decode()
    attendance = Attendance.objects.get()
    assert attendance.method == Attendance.Method.HOST
    assert attendance.marked_by == host


def test_refused_check_ins_at_one_event_are_cut_off_whoever_sends_them(
    client, event, registered, at_the_door, settings
):
    settings.EVENT_CHECK_IN_EVENT_HOURLY_FAILURES = 5
    for n in range(5):
        wrong = _check_in(client, event, {"phone": OLHA[1], "code": "000000"}, ip=f"10.0.0.{n}")
        assert wrong.status_code == 404
    olha, _key = registered[OLHA[0]]
    # Even the right code waits now: a guesser must not learn when they hit it.
    cut_off = _check_in(client, event, {"phone": OLHA[1], "code": olha.check_in_code})
    assert cut_off.status_code == 429
    assert "Too many check-in attempts" in cut_off.content.decode()
    assert not Attendance.objects.exists()


def test_successful_check_ins_from_the_centres_wifi_are_not_limited(
    client, event, registered, at_the_door, settings
):
    settings.EVENT_CHECK_IN_IP_HOURLY_FAILURES = 1
    for registration, _key in registered.values():
        data = {"phone": registration.participant.phone, "code": registration.check_in_code}
        assert _check_in(client, event, data, ip="192.0.2.1").status_code == 200
    assert Attendance.objects.count() == 3
