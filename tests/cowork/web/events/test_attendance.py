"""The attendance list at the door through the test client: search, the Present button,
walk-ins."""

import pytest
from django.urls import reverse

from cowork.models import Attendance, Participant, Registration, RegistrationStatus
from cowork.services.events import registration_create
from tests.cowork.web.events.conftest import LEYLA, NIGAR, RASHAD, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_registered(event):
    for name, (typed, _e164) in (("Nigar", NIGAR), ("Rashad", RASHAD), ("Leyla", LEYLA)):
        registration_create(event=event, name=name, phone=typed)
    return event


def test_attendance_search_by_the_last_digits_of_the_phone(host_client, three_registered):
    url = reverse("web:event-attendance", args=[three_registered.pk])
    everyone = host_client.get(url)
    assert [row.participant.name for row in everyone.context["rows"]] == [
        "Leyla",
        "Nigar",
        "Rashad",
    ]
    by_digits = host_client.get(url, {"q": "4321"})
    assert [row.participant.name for row in by_digits.context["rows"]] == ["Rashad"]
    by_name = host_client.get(url, {"q": "nig"})
    assert [row.participant.name for row in by_name.context["rows"]] == ["Nigar"]
    html = by_digits.content.decode()
    assert "1 person matches “4321”." in html
    assert RASHAD[1] in html and NIGAR[1] not in html


def test_present_toggle_marks_and_unmarks(host_client, three_registered, host):
    event = three_registered
    session = event.sessions.get()
    nigar = Participant.objects.get(name="Nigar")
    toggle = reverse("web:attendance-toggle", args=[event.pk])

    marked = host_client.post(
        toggle, {"session": session.pk, "participant": nigar.pk, "present": "1", "q": "nig"}
    )
    assert marked.status_code == 302
    assert "q=nig" in marked["Location"] and marked["Location"].endswith(f"#person-{nigar.pk}")
    attendance = Attendance.objects.get()
    assert (attendance.participant, attendance.method, attendance.marked_by) == (
        nigar,
        Attendance.Method.HOST,
        host,
    )
    page = host_client.get(marked["Location"])
    assert (page.context["registered_count"], page.context["present_count"]) == (3, 1)
    assert page.context["no_show_count"] == 2
    assert "Nigar is marked present." in page.content.decode()
    assert 'aria-pressed="true"' in page.content.decode()

    host_client.post(toggle, {"session": session.pk, "participant": nigar.pk, "present": "0"})
    assert not Attendance.objects.exists()


def test_present_toggle_refuses_people_of_other_events(host_client, event, space, room, host, day):
    other = make_event(space, room, host, day, start="15:00", end="16:00")
    stranger, _key = registration_create(event=other, name="Stranger", phone=LEYLA[0])
    response = host_client.post(
        reverse("web:attendance-toggle", args=[event.pk]),
        {
            "session": event.sessions.get().pk,
            "participant": stranger.participant_id,
            "present": "1",
        },
    )
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_walk_in_is_registered_and_marked_present(host_client, event):
    session = event.sessions.get()
    response = host_client.post(
        reverse("web:attendance-walk-in", args=[event.pk]),
        {"session": session.pk, "name": "Leyla Mammadova", "phone": LEYLA[0]},
    )
    assert response.status_code == 302
    attendance = Attendance.objects.get()
    assert attendance.method == Attendance.Method.WALK_IN
    assert attendance.participant.phone == LEYLA[1]
    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED
    page = host_client.get(response["Location"])
    assert "Leyla Mammadova is added as a walk-in and marked present." in page.content.decode()

    bad = host_client.post(
        reverse("web:attendance-walk-in", args=[event.pk]),
        {"session": session.pk, "name": "Nobody", "phone": "123"},
    )
    assert bad.status_code == 400
    assert Attendance.objects.count() == 1
