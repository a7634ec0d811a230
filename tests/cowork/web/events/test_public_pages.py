"""The public event pages through the test client: anyone registers, without an account, sees
where they stand, cancels, and checks in at the door; phone numbers stay masked."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cowork.models import Attendance, Event, Participant, Registration, RegistrationStatus
from cowork.phones import mask_phone
from cowork.services.events import event_cancel, event_create, registration_create
from tests.cowork.web.conftest import local
from tests.cowork.web.events.conftest import (
    LEYLA,
    NIGAR,
    RASHAD,
    form_errors,
    host_presses,
    key_of,
    make_event,
    register,
)

pytestmark = pytest.mark.django_db


def test_public_page_works_signed_out_in_the_visitors_language(client, event, space, room):
    event.translations = {"az": {"title": "E-hökumət üzrə dəyirmi masa"}}
    event.save(update_fields=["translations"])
    page = client.get(reverse("web:event", args=[event.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Round-table on e-government" in html
    assert "How residents use e-gov services." in html
    assert "Meeting room" in html and space.name in html
    assert "The room is reachable step-free" in html
    assert "20 places left" in html
    assert 'name="csrfmiddlewaretoken"' in html

    client.cookies["django_language"] = "az"
    assert (
        "E-hökumət üzrə dəyirmi masa"
        in client.get(reverse("web:event", args=[event.pk])).content.decode()
    )


def test_course_page_lists_every_session_in_local_time(client, space, room, host, day):
    first = local(space, day, "10:00")
    course = event_create(
        space=space,
        room=room,
        host=host,
        kind=Event.Kind.COURSE,
        title="Web design",
        sessions=[
            (
                first + datetime.timedelta(days=7 * n),
                first + datetime.timedelta(days=7 * n, hours=2),
            )
            for n in range(3)
        ],
        capacity=10,
    )
    html = client.get(reverse("web:event", args=[course.pk])).content.decode()
    assert html.count("10:00</time>–<time") == 3
    # The zone by the city people know it by, not its IANA name.
    assert "(Baku)" in html and "Asia/Baku" not in html


def test_registering_confirms_and_shows_the_personal_cancellation_link(client, event):
    response = register(client, event, email="nigar@example.org", accessibility_needs="Ramp")
    key = key_of(response)

    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.participant.phone == NIGAR[1]
    assert registration.accessibility_needs == "Ramp"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Confirmed: you have a place at Round-table on e-government." in html
    assert "Thank you for registering" in html
    assert f"http://testserver/registrations/{key}/cancel/" in html
    again = client.get(response["Location"]).content.decode()
    assert "Thank you for registering" not in again and "Your registration" in again


def test_the_third_of_a_two_place_event_is_waitlisted_with_its_position(
    client, space, room, host, day
):
    small = make_event(space, room, host, day, capacity=2)
    key_of(register(client, small, name="Nigar", phone=NIGAR[0]))
    key_of(register(client, small, name="Rashad", phone=RASHAD[0]))
    page = client.get(reverse("web:event", args=[small.pk]))
    assert "Full — waitlist only" in page.content.decode()
    assert "Join the waitlist" in page.content.decode()

    response = register(client, small, name="Leyla", phone=LEYLA[0])
    key_of(response)

    leyla = Registration.objects.get(participant__name="Leyla")
    assert leyla.status == RegistrationStatus.WAITLISTED
    assert "You are on the waitlist, number 1." in client.get(response["Location"]).content.decode()


def test_the_cancellation_link_cancels_and_promotes_the_next(client, space, room, host, day):
    small = make_event(space, room, host, day, capacity=1)
    nigar_key = key_of(register(client, small, name="Nigar", phone=NIGAR[0]))
    key_of(register(client, small, name="Rashad", phone=RASHAD[0]))
    cancel_url = reverse("web:registration-cancel", args=[nigar_key])

    confirm = client.get(cancel_url)
    assert confirm.status_code == 200
    assert "Yes, cancel my registration" in confirm.content.decode()
    assert "Round-table on e-government" in confirm.content.decode()
    assert Registration.objects.get(participant__name="Nigar").status == "confirmed"

    response = client.post(cancel_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:registration", args=[nigar_key])
    assert Registration.objects.get(participant__name="Nigar").status == "cancelled"
    assert Registration.objects.get(participant__name="Rashad").status == "confirmed"
    after = client.get(response["Location"]).content.decode()
    assert "Your registration is cancelled. Thank you for letting us know." in after
    later = client.get(response["Location"]).content.decode()
    assert "This registration is cancelled." in later and "Thank you for" not in later

    again = client.post(cancel_url)
    assert again.status_code == 422
    assert "This registration is already cancelled." in again.content.decode()


def test_a_wrong_cancellation_key_is_404(client, event):
    key_of(register(client, event))
    wrong = reverse("web:registration-cancel", args=["not-the-key"])
    assert client.get(wrong).status_code == 404
    assert client.post(wrong).status_code == 404
    assert client.get(reverse("web:registration", args=["not-the-key"])).status_code == 404
    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED


def test_a_duplicate_phone_is_a_form_error_and_changes_nothing(client, event):
    key_of(register(client, event, phone=NIGAR[0]))
    response = register(client, event, name="Someone else", phone=NIGAR[1])
    assert response.status_code == 409
    assert "This phone number is already registered for this event." in form_errors(response)
    assert Registration.objects.count() == 1
    assert Participant.objects.get().name == "Nigar Aliyeva"


def test_a_bad_phone_is_a_form_error(client, event):
    response = register(client, event, phone="12345")
    assert response.status_code == 400
    assert "is not a valid phone number" in form_errors(response)
    assert not Registration.objects.exists()


def test_registration_after_it_closed_is_refused(client, space, room, host, day):
    closed = make_event(
        space, room, host, day, registration_closes_at=timezone.now() - datetime.timedelta(hours=1)
    )
    page = client.get(reverse("web:event", args=[closed.pk]))
    assert "Registration is closed." in page.content.decode()
    assert 'name="phone"' not in page.content.decode()

    response = register(client, closed)
    assert response.status_code == 422
    assert "Registration is closed." in form_errors(response)
    assert not Registration.objects.exists()


def test_registering_for_a_cancelled_event_is_refused(client, event, host):
    event_cancel(event=event, host=host, reason="The speaker is ill")
    assert (
        "This event is cancelled."
        in client.get(reverse("web:event", args=[event.pk])).content.decode()
    )
    response = register(client, event)
    assert response.status_code == 422
    assert "The event is cancelled." in form_errors(response)
    assert not Registration.objects.exists()


def test_demographics_without_consent_are_refused(client, event):
    response = register(client, event, gender="female", age_band="25-34")
    assert response.status_code == 400
    assert "kept only with your consent" in form_errors(response)
    assert not Registration.objects.exists() and not Participant.objects.exists()


def test_demographics_with_consent_are_kept(client, event):
    key_of(
        register(
            client,
            event,
            consent="on",
            gender="female",
            age_band="25-34",
            disability="no",
            organization_type="ngo",
        )
    )
    person = Participant.objects.get()
    assert (person.gender, person.age_band, person.disability) == ("female", "25-34", "no")
    assert person.demographics_consent_at is not None
    assert Registration.objects.get().organization_type == "ngo"


def test_registrations_needing_approval_wait_and_the_host_approves(client, host, space, room, day):
    event = make_event(space, room, host, day, registrations_need_approval=True)
    response = register(client, event)
    assert "Awaiting approval" in client.get(response["Location"]).content.decode()
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.PENDING

    client.force_login(host)
    manage = client.get(reverse("web:event-manage", args=[event.pk]))
    assert "Approve" in manage.content.decode()
    approved = host_presses(client, "web:registration-approve", registration)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert "Nigar Aliyeva is approved: Confirmed." in approved.content.decode()


def test_a_non_public_event_is_not_found_for_the_public(client, space, room, host, day):
    hidden = make_event(space, room, host, day, is_public=False)
    assert client.get(reverse("web:event", args=[hidden.pk])).status_code == 404
    client.force_login(host)
    assert client.get(reverse("web:event", args=[hidden.pk])).status_code == 200


def test_registering_needs_the_csrf_token(event):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("web:event", args=[event.pk]), {"name": "Nigar", "phone": NIGAR[0]}
    )
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_the_centre_page_lists_upcoming_public_events(client, space, event, room, host, day):
    hidden = make_event(space, room, host, day, start="14:00", end="15:00", is_public=False)
    html = client.get(reverse("space-detail", args=[space.slug])).content.decode()
    assert "Upcoming events" in html
    assert f'href="{reverse("web:event", args=[event.pk])}"' in html
    assert reverse("web:event", args=[hidden.pk]) not in html
    index = client.get(reverse("web:events")).content.decode()
    assert f'href="{reverse("web:event", args=[event.pk])}"' in index


def test_qr_check_in_marks_a_registered_person_present(client, event, space, day, monkeypatch):
    nigar, _key = registration_create(event=event, name="Nigar", phone=NIGAR[0])
    url = reverse("web:event-check-in", args=[event.pk])
    assert client.get(url).status_code == 200

    too_early = client.post(url, {"phone": NIGAR[0], "code": nigar.check_in_code})
    assert too_early.status_code == 422
    assert "No session of this event is under way now." in form_errors(too_early)

    monkeypatch.setattr(timezone, "now", lambda: local(space, day, "10:45"))
    unknown = client.post(url, {"phone": RASHAD[0], "code": nigar.check_in_code})
    assert unknown.status_code == 404
    assert "do not match a registration" in form_errors(unknown)

    response = client.post(url, {"phone": NIGAR[0], "code": nigar.check_in_code})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Welcome: you are marked present at the session of 11:00." in page
    assert "Nigar" not in page
    assert Attendance.objects.get().method == Attendance.Method.QR


def test_phone_numbers_never_appear_on_public_pages(client, event, space):
    event.organizer_phone = "+994501110004"
    event.save(update_fields=["organizer_phone"])
    response = register(client, event)
    key = key_of(response)
    pages = [
        client.get(reverse("web:event", args=[event.pk])),
        client.get(response["Location"]),
        client.get(reverse("web:registration-cancel", args=[key])),
        client.get(reverse("web:event-check-in", args=[event.pk])),
        client.get(reverse("web:events")),
        client.get(reverse("space-detail", args=[space.slug])),
    ]
    for page in pages:
        html = page.content.decode()
        digits = re.sub(r"\D", "", html)
        assert NIGAR[1][1:] not in digits, page.request["PATH_INFO"]
        assert "501110004" not in digits, page.request["PATH_INFO"]
    assert mask_phone(NIGAR[1]) in pages[1].content.decode()


def test_the_event_page_names_the_room_and_the_way_there_in_the_visitors_language(
    client, event, space, room
):
    room.translations = {"ru": {"name": "Переговорная"}}
    room.save(update_fields=["translations"])
    space.directions = "Bus 12, the blue door."
    space.translations = {"ru": {"directions": "Автобус 12, синяя дверь."}}
    space.save(update_fields=["directions", "translations"])
    english = client.get(reverse("web:event", args=[event.pk])).content.decode()
    assert "Room: Meeting room" in english and "Bus 12, the blue door." in english
    client.cookies["django_language"] = "ru"
    russian = client.get(reverse("web:event", args=[event.pk])).content.decode()
    assert "Переговорная" in russian and "Автобус 12, синяя дверь." in russian
    assert "the blue door" not in russian
    # A language without its own directions reads the original.
    client.cookies["django_language"] = "uk"
    assert (
        "Bus 12, the blue door."
        in client.get(reverse("web:event", args=[event.pk])).content.decode()
    )
