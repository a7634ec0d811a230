"""The event pages through the test client: hosts create and run events, anyone registers.

Times never depend on today's weekday: `day` is a weekday at least two days ahead in the
centre's own zone (Mon–Fri 09:00–18:00, Asia/Baku), see tests/cowork/web/conftest.py.
"""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cowork.models import (
    Attendance,
    Event,
    Participant,
    Registration,
    RegistrationStatus,
    Tag,
)
from cowork.phones import mask_phone
from cowork.services.booking import booking_create
from cowork.services.events import event_cancel, event_create, registration_create
from tests.cowork.web.conftest import local
from tests.factories import HostFactory, RoomFactory, SpaceFactory

pytestmark = pytest.mark.django_db

# Valid Azerbaijani mobile numbers, as people type them and as they are stored.
NIGAR = ("050 987 65 43", "+994509876543")
RASHAD = ("+994 55 765 43 21", "+994557654321")
LEYLA = ("+994 70 222 33 44", "+994702223344")


@pytest.fixture
def room(space):
    return RoomFactory(space=space, name="Meeting room", capacity=20, accessible=True)


@pytest.fixture
def host_client(client, host):
    client.force_login(host)
    return client


def _event(space, room, host, day, *, capacity=20, start="11:00", end="13:00", **kwargs):
    return event_create(
        space=space,
        room=room,
        host=host,
        kind=Event.Kind.ROUND_TABLE,
        title="Round-table on e-government",
        description="How residents use e-gov services.",
        sessions=[(local(space, day, start), local(space, day, end))],
        capacity=capacity,
        **kwargs,
    )


@pytest.fixture
def event(space, room, host, day):
    return _event(space, room, host, day)


def _register(client, event, *, name="Nigar Aliyeva", phone=NIGAR[0], **extra):
    return client.post(
        reverse("web:event", args=[event.pk]),
        {"name": name, "phone": phone, "language": "en", **extra},
    )


def _key_of(response) -> str:
    """The cancel key from the redirect to the personal registration page."""
    assert response.status_code == 302, response.content.decode()[:2000]
    match = re.match(r"^/registrations/([A-Za-z0-9_-]+)/\?done=registered$", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def _errors(response) -> str:
    return " ".join(
        re.sub(r"\s+", " ", text)
        for text in re.findall(
            r'class="(?:field-error|form-errors)"[^>]*>(.*?)</(?:p|div)>',
            response.content.decode(),
            re.S,
        )
    )


# --- Hosts create events ----------------------------------------------------------------


def _new_event_data(room, day, **overrides):
    data = {
        "kind": "round_table",
        "title": "Round-table on e-government",
        "description": "",
        "room": room.pk,
        "date": day.isoformat(),
        "start": "11:00",
        "end": "13:00",
        "schedule": "single",
        "capacity": "15",
        "organizer_name": "Ganja Women and Youth Centre",
        "organizer_phone": "",
        "organizer_email": "",
        "is_public": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_host_creates_a_single_event_from_the_form(host_client, space, room, day):
    tag = Tag.objects.create(kind=Tag.Kind.DONOR, name="EU4Youth")
    new = reverse("web:event-new", args=[space.slug])
    page = host_client.get(new)
    assert page.status_code == 200
    assert "Meeting room — 20 seats · step-free" in page.content.decode()

    response = host_client.post(
        new,
        _new_event_data(
            room,
            day,
            title_az="E-hökumət üzrə dəyirmi masa",
            registration_closes=f"{day.isoformat()}T09:00",
            registrations_need_approval="on",
            tags=[tag.pk],
        ),
    )

    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:event-manage", args=[event.pk]) + "?done=created"
    session = event.sessions.get()
    assert session.starts_at == local(space, day, "11:00")
    assert session.ends_at == local(space, day, "13:00")
    assert session.booking.resource == room and session.booking.is_active
    assert event.capacity == 15 and event.registrations_need_approval
    assert event.registration_closes_at == local(space, day, "09:00")
    assert event.translations == {"az": {"title": "E-hökumət üzrə dəyirmi masa"}}
    assert list(event.tags.all()) == [tag]
    assert "The event is created" in host_client.get(response["Location"]).content.decode()


def test_an_offset_typed_into_a_registration_time_is_read_as_the_centres_wall_clock(
    host_client, space, room, day
):
    # The field is a local date and time; an offset PostgreSQL could not store never reaches it.
    response = host_client.post(
        reverse("web:event-new", args=[space.slug]),
        _new_event_data(room, day, registration_closes=f"{day.isoformat()}T09:00+20:00"),
    )
    assert response.status_code == 302
    assert Event.objects.get().registration_closes_at == local(space, day, "09:00")


def test_host_creates_a_four_week_course_on_two_weekdays(host_client, space, room, day):
    second = (day.weekday() + 2) % 5  # another weekday the centre opens
    response = host_client.post(
        reverse("web:event-new", args=[space.slug]),
        _new_event_data(
            room,
            day,
            kind="course",
            title="Web design course",
            start="10:00",
            end="12:00",
            schedule="weekly",
            weekdays=[str(day.weekday()), str(second)],
            weeks="4",
        ),
    )

    assert response.status_code == 302, _errors(response)
    event = Event.objects.get()
    starts = [session.starts_at for session in event.sessions.order_by("starts_at")]
    assert len(starts) == 8
    assert starts[0] == local(space, day, "10:00")
    assert all(start.astimezone(space.zone).time() == datetime.time(10) for start in starts)
    assert {start.astimezone(space.zone).weekday() for start in starts} == {day.weekday(), second}
    assert starts[-1] < local(space, day + datetime.timedelta(days=28), "00:00")
    assert all(session.booking.is_active for session in event.sessions.all())


def test_course_starting_on_an_unticked_weekday_is_a_form_error(host_client, space, room, day):
    other = (day.weekday() + 1) % 5
    response = host_client.post(
        reverse("web:event-new", args=[space.slug]),
        _new_event_data(room, day, schedule="weekly", weekdays=[str(other)], weeks="4"),
    )
    assert response.status_code == 400
    assert "tick that day or start on a ticked day" in _errors(response)
    assert not Event.objects.exists()


def test_a_member_cannot_create_or_manage_events(member_client, space, room, day, event):
    assert member_client.get(reverse("web:event-new", args=[space.slug])).status_code == 403
    response = member_client.post(
        reverse("web:event-new", args=[space.slug]), _new_event_data(room, day)
    )
    assert response.status_code == 403
    assert Event.objects.count() == 1
    for name in ("web:event-manage", "web:event-attendance", "web:event-qr"):
        assert member_client.get(reverse(name, args=[event.pk])).status_code == 403
    assert member_client.get(reverse("web:event-list", args=[space.slug])).status_code == 403


def test_hosts_of_another_centre_cannot_manage_the_event(client, event):
    stranger = HostFactory(space=SpaceFactory()).user
    client.force_login(stranger)
    assert client.get(reverse("web:event-manage", args=[event.pk])).status_code == 403


def test_signed_out_hosts_pages_lead_to_sign_in(client, space, event):
    response = client.get(reverse("web:event-manage", args=[event.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_taken_room_is_a_form_error_naming_the_slot_and_nothing_is_created(
    host_client, space, room, day, member
):
    booking_create(
        resource=room,
        member=member,
        starts_at=local(space, day, "12:00"),
        ends_at=local(space, day, "14:00"),
    )
    response = host_client.post(
        reverse("web:event-new", args=[space.slug]), _new_event_data(room, day)
    )
    assert response.status_code == 409
    taken = f"Meeting room is taken from {day:%b} {day.day}, {day.year}, 12:00 to 14:00."
    assert taken in _errors(response)
    assert not Event.objects.exists()


def test_more_places_than_seats_shows_the_services_message(host_client, space, room, day):
    response = host_client.post(
        reverse("web:event-new", args=[space.slug]), _new_event_data(room, day, capacity="25")
    )
    assert response.status_code == 422
    assert "Meeting room seats 20; the event cannot take more." in _errors(response)
    assert response.context["form"].errors["capacity"]
    assert not Event.objects.exists()


def test_host_lists_upcoming_and_past_events_with_counts(host_client, space, event):
    registration_create(event=event, name="Nigar", phone=NIGAR[0])
    page = host_client.get(reverse("web:event-list", args=[space.slug]))
    assert page.status_code == 200
    assert [row.event for row in page.context["upcoming"]] == [event]
    assert page.context["past"] == []
    assert "1 of 20 confirmed" in page.content.decode()


# --- The public page and registering ----------------------------------------------------


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
    assert "Asia/Baku" in html


def test_registering_confirms_and_shows_the_personal_cancellation_link(client, event):
    response = _register(client, event, email="nigar@example.org", accessibility_needs="Ramp")
    key = _key_of(response)

    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.participant.phone == NIGAR[1]
    assert registration.accessibility_needs == "Ramp"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Confirmed: you have a place at Round-table on e-government." in html
    assert f"http://testserver/registrations/{key}/cancel/" in html


def test_the_third_of_a_two_place_event_is_waitlisted_with_its_position(
    client, space, room, host, day
):
    small = _event(space, room, host, day, capacity=2)
    _key_of(_register(client, small, name="Nigar", phone=NIGAR[0]))
    _key_of(_register(client, small, name="Rashad", phone=RASHAD[0]))
    page = client.get(reverse("web:event", args=[small.pk]))
    assert "Full — waitlist only" in page.content.decode()
    assert "Join the waitlist" in page.content.decode()

    response = _register(client, small, name="Leyla", phone=LEYLA[0])
    _key_of(response)

    leyla = Registration.objects.get(participant__name="Leyla")
    assert leyla.status == RegistrationStatus.WAITLISTED
    assert "You are on the waitlist, number 1." in client.get(response["Location"]).content.decode()


def test_the_cancellation_link_cancels_and_promotes_the_next(client, space, room, host, day):
    small = _event(space, room, host, day, capacity=1)
    nigar_key = _key_of(_register(client, small, name="Nigar", phone=NIGAR[0]))
    _key_of(_register(client, small, name="Rashad", phone=RASHAD[0]))
    cancel_url = reverse("web:registration-cancel", args=[nigar_key])

    confirm = client.get(cancel_url)
    assert confirm.status_code == 200
    assert "Yes, cancel my registration" in confirm.content.decode()
    assert "Round-table on e-government" in confirm.content.decode()
    assert Registration.objects.get(participant__name="Nigar").status == "confirmed"

    response = client.post(cancel_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:registration", args=[nigar_key]) + "?done=cancelled"
    assert Registration.objects.get(participant__name="Nigar").status == "cancelled"
    assert Registration.objects.get(participant__name="Rashad").status == "confirmed"
    after = client.get(response["Location"]).content.decode()
    assert "Your registration is cancelled." in after

    again = client.post(cancel_url)
    assert again.status_code == 422
    assert "This registration is already cancelled." in again.content.decode()


def test_a_wrong_cancellation_key_is_404(client, event):
    _key_of(_register(client, event))
    wrong = reverse("web:registration-cancel", args=["not-the-key"])
    assert client.get(wrong).status_code == 404
    assert client.post(wrong).status_code == 404
    assert client.get(reverse("web:registration", args=["not-the-key"])).status_code == 404
    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED


def test_a_duplicate_phone_is_a_form_error_and_changes_nothing(client, event):
    _key_of(_register(client, event, phone=NIGAR[0]))
    response = _register(client, event, name="Someone else", phone=NIGAR[1])
    assert response.status_code == 409
    assert "This phone number is already registered for this event." in _errors(response)
    assert Registration.objects.count() == 1
    assert Participant.objects.get().name == "Nigar Aliyeva"


def test_a_bad_phone_is_a_form_error(client, event):
    response = _register(client, event, phone="12345")
    assert response.status_code == 400
    assert "is not a valid phone number" in _errors(response)
    assert not Registration.objects.exists()


def test_registration_after_it_closed_is_refused(client, space, room, host, day):
    closed = _event(
        space, room, host, day, registration_closes_at=timezone.now() - datetime.timedelta(hours=1)
    )
    page = client.get(reverse("web:event", args=[closed.pk]))
    assert "Registration is closed." in page.content.decode()
    assert 'name="phone"' not in page.content.decode()

    response = _register(client, closed)
    assert response.status_code == 422
    assert "Registration is closed." in _errors(response)
    assert not Registration.objects.exists()


def test_registering_for_a_cancelled_event_is_refused(client, event, host):
    event_cancel(event=event, host=host, reason="The speaker is ill")
    assert (
        "This event is cancelled."
        in client.get(reverse("web:event", args=[event.pk])).content.decode()
    )
    response = _register(client, event)
    assert response.status_code == 422
    assert "The event is cancelled." in _errors(response)
    assert not Registration.objects.exists()


def test_demographics_without_consent_are_refused(client, event):
    response = _register(client, event, gender="female", age_band="25-34")
    assert response.status_code == 400
    assert "kept only with your consent" in _errors(response)
    assert not Registration.objects.exists() and not Participant.objects.exists()


def test_demographics_with_consent_are_kept(client, event):
    _key_of(
        _register(
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
    event = _event(space, room, host, day, registrations_need_approval=True)
    response = _register(client, event)
    assert "Awaiting approval" in client.get(response["Location"]).content.decode()
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.PENDING

    client.force_login(host)
    manage = client.get(reverse("web:event-manage", args=[event.pk]))
    assert "Approve" in manage.content.decode()
    approved = client.post(
        reverse("web:registration-approve", args=[event.pk, registration.pk]), follow=True
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert "Nigar Aliyeva is approved: Confirmed." in approved.content.decode()


def test_a_non_public_event_is_not_found_for_the_public(client, space, room, host, day):
    hidden = _event(space, room, host, day, is_public=False)
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
    hidden = _event(space, room, host, day, start="14:00", end="15:00", is_public=False)
    html = client.get(reverse("space-detail", args=[space.slug])).content.decode()
    assert "Upcoming events" in html
    assert f'href="{reverse("web:event", args=[event.pk])}"' in html
    assert reverse("web:event", args=[hidden.pk]) not in html
    index = client.get(reverse("web:events")).content.decode()
    assert f'href="{reverse("web:event", args=[event.pk])}"' in index


# --- Hosts run the event ----------------------------------------------------------------


def test_host_registers_someone_on_their_behalf_and_cancels_it(host_client, event, host):
    response = host_client.post(
        reverse("web:event-register-on-behalf", args=[event.pk]),
        {"name": "Rashad Guliyev", "phone": RASHAD[0]},
    )
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert registration.registered_by == host
    assert registration.status == RegistrationStatus.CONFIRMED

    cancelled = host_client.post(
        reverse("web:registration-cancel-by-host", args=[event.pk, registration.pk]), follow=True
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert "The registration of Rashad Guliyev is cancelled." in cancelled.content.decode()


def test_manage_page_shows_registrations_by_status_with_phones(host_client, space, room, host, day):
    small = _event(space, room, host, day, capacity=1)
    registration_create(event=small, name="Nigar", phone=NIGAR[0])
    registration_create(event=small, name="Rashad", phone=RASHAD[0])
    page = host_client.get(reverse("web:event-manage", args=[small.pk]))
    html = page.content.decode()
    assert [row.registration.participant.name for row in page.context["confirmed"]] == ["Nigar"]
    assert [(r.registration.participant.name, r.position) for r in page.context["waitlisted"]] == [
        ("Rashad", 1)
    ]
    assert NIGAR[1] in html and RASHAD[1] in html


def test_host_cancels_the_event_with_a_reason(host_client, event):
    refused = host_client.post(reverse("web:event-cancel", args=[event.pk]), {"reason": ""})
    assert refused.status_code == 400
    response = host_client.post(
        reverse("web:event-cancel", args=[event.pk]), {"reason": "The speaker is ill"}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert not event.sessions.get().booking.is_active


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
    other = _event(space, room, host, day, start="15:00", end="16:00")
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


def test_qr_check_in_marks_a_registered_person_present(client, event, space, day, monkeypatch):
    nigar, _key = registration_create(event=event, name="Nigar", phone=NIGAR[0])
    url = reverse("web:event-check-in", args=[event.pk])
    assert client.get(url).status_code == 200

    too_early = client.post(url, {"phone": NIGAR[0], "code": nigar.check_in_code})
    assert too_early.status_code == 422
    assert "No session of this event is under way now." in _errors(too_early)

    monkeypatch.setattr(timezone, "now", lambda: local(space, day, "10:45"))
    unknown = client.post(url, {"phone": RASHAD[0], "code": nigar.check_in_code})
    assert unknown.status_code == 404
    assert "do not match a registration" in _errors(unknown)

    response = client.post(url, {"phone": NIGAR[0], "code": nigar.check_in_code})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Welcome: you are marked present at the session of 11:00." in page
    assert "Nigar" not in page
    assert Attendance.objects.get().method == Attendance.Method.QR


def test_qr_page_prints_an_svg_code_of_the_absolute_check_in_url(host_client, event):
    page = host_client.get(reverse("web:event-qr", args=[event.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'<svg [^>]*class="qr-code"', html)
    assert f"http://testserver/events/{event.pk}/check-in/" in html


def test_phone_numbers_never_appear_on_public_pages(client, event, space):
    event.organizer_phone = "+994501110004"
    event.save(update_fields=["organizer_phone"])
    response = _register(client, event)
    key = _key_of(response)
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


def test_host_is_offered_and_may_attach_only_their_organizations_and_the_networks_tags(
    client, demo
):
    from tests.cowork.web.conftest import weekday_ahead

    network_tag = Tag.objects.create(kind=Tag.Kind.PROJECT, name="Digital skills for all")
    kramatorsk = demo.kramatorsk
    room = kramatorsk.resources.get(name="Training room")
    new = reverse("web:event-new", args=[kramatorsk.slug])
    client.force_login(demo.host)
    page = client.get(new)
    assert list(page.context["form"].fields["tags"].queryset) == [network_tag]
    assert "EU4Youth Ganja grant" not in page.content.decode()
    day = weekday_ahead(kramatorsk)
    response = client.post(new, _new_event_data(room, day, tags=[demo.ganja_tag.pk]))
    assert response.status_code == 400
    assert "tags" in response.context["form"].errors
    assert not Event.objects.filter(space=kramatorsk).exists()
    response = client.post(new, _new_event_data(room, day, tags=[network_tag.pk]))
    assert response.status_code == 302
    assert list(Event.objects.get(space=kramatorsk).tags.all()) == [network_tag]
