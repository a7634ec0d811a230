"""The hosts' event pages through the test client: creating events, listing them, managing
registrations, cancelling, the QR code to print; nobody else may."""

import datetime
import re

import pytest
from django.urls import reverse

from cowork.models import DomainEvent, DomainEventKind, Event, Registration, RegistrationStatus, Tag
from cowork.services.events import registration_create
from tests.cowork.web.conftest import booked, local
from tests.cowork.web.events.conftest import (
    NIGAR,
    RASHAD,
    course_data,
    form_errors,
    host_presses,
    make_event,
    new_event_data,
)
from tests.factories import HostFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def test_host_creates_a_single_event_from_the_form(host_client, space, room, day):
    tag = Tag.objects.create(kind=Tag.Kind.DONOR, name="EU4Youth")
    new = reverse("web:event-new", args=[space.slug])
    page = host_client.get(new)
    assert page.status_code == 200
    assert "Meeting room — 20 seats · step-free" in page.content.decode()

    response = host_client.post(
        new,
        new_event_data(
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
    assert response["Location"] == reverse("web:event-manage", args=[event.pk])
    session = event.sessions.get()
    assert session.starts_at == local(space, day, "11:00")
    assert session.ends_at == local(space, day, "13:00")
    assert session.booking.resource == room and session.booking.is_active
    assert event.capacity == 15 and event.registrations_need_approval
    assert event.registration_closes_at == local(space, day, "09:00")
    assert event.translations == {"az": {"title": "E-hökumət üzrə dəyirmi masa"}}
    assert list(event.tags.all()) == [tag]
    assert "The event is created" in host_client.get(response["Location"]).content.decode()
    # Said once, after the redirect, not every time the page is opened.
    assert "The event is created" not in host_client.get(response["Location"]).content.decode()


def test_an_offset_typed_into_a_registration_time_is_read_as_the_centres_wall_clock(
    host_client, space, room, day
):
    # The field is a local date and time; an offset PostgreSQL could not store never reaches it.
    response = host_client.post(
        reverse("web:event-new", args=[space.slug]),
        new_event_data(room, day, registration_closes=f"{day.isoformat()}T09:00+20:00"),
    )
    assert response.status_code == 302
    assert Event.objects.get().registration_closes_at == local(space, day, "09:00")


def test_host_creates_a_four_week_course_on_two_weekdays(host_client, space, room, day):
    second = (day.weekday() + 2) % 5  # another weekday the centre opens
    response = host_client.post(
        reverse("web:event-new", args=[space.slug]),
        course_data(room, day, weeks="4", weekdays=[str(day.weekday()), str(second)]),
    )

    assert response.status_code == 302, form_errors(response)
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
        new_event_data(room, day, schedule="weekly", weekdays=[str(other)], weeks="4"),
    )
    assert response.status_code == 400
    assert "tick that day or start on a ticked day" in form_errors(response)
    assert not Event.objects.exists()


def test_a_member_cannot_create_or_manage_events(member_client, space, room, day, event):
    assert member_client.get(reverse("web:event-new", args=[space.slug])).status_code == 403
    response = member_client.post(
        reverse("web:event-new", args=[space.slug]), new_event_data(room, day)
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
    booked(room, member, day, "12:00", "14:00")
    response = host_client.post(
        reverse("web:event-new", args=[space.slug]), new_event_data(room, day)
    )
    assert response.status_code == 409
    taken = f"Meeting room is taken from {day:%b} {day.day}, {day.year}, 12:00 to 14:00."
    assert taken in form_errors(response)
    assert not Event.objects.exists()


def test_more_places_than_seats_shows_the_services_message(host_client, space, room, day):
    response = host_client.post(
        reverse("web:event-new", args=[space.slug]), new_event_data(room, day, capacity="25")
    )
    assert response.status_code == 422
    assert "Meeting room seats 20; the event cannot take more." in form_errors(response)
    assert response.context["form"].errors["capacity"]
    assert not Event.objects.exists()


def test_host_lists_upcoming_and_past_events_with_counts(host_client, space, event):
    registration_create(event=event, name="Nigar", phone=NIGAR[0])
    page = host_client.get(reverse("web:event-list", args=[space.slug]))
    assert page.status_code == 200
    assert [row.event for row in page.context["upcoming"]] == [event]
    assert page.context["past"] == []
    assert "1 of 20 confirmed" in page.content.decode()


def test_host_registers_someone_on_their_behalf_and_cancels_it(host_client, event, host):
    response = host_client.post(
        reverse("web:event-register-on-behalf", args=[event.pk]),
        {"name": "Rashad Guliyev", "phone": RASHAD[0]},
    )
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert registration.registered_by == host
    assert registration.status == RegistrationStatus.CONFIRMED

    cancelled = host_presses(host_client, "web:registration-cancel-by-host", registration)
    assert registration.status == RegistrationStatus.CANCELLED
    assert "The registration of Rashad Guliyev is cancelled." in cancelled.content.decode()


def test_a_host_cancelling_a_place_gives_the_person_the_reason_typed_beside_the_button(
    host_client, event
):
    registration, _key = registration_create(event=event, name="Rashad Guliyev", phone=RASHAD[0])
    page = host_client.get(reverse("web:event-manage", args=[event.pk])).content.decode()
    assert f'id="cancel-reason-{registration.pk}"' in page

    url = reverse("web:registration-cancel-by-host", args=[event.pk, registration.pk])
    too_long = host_client.post(url, {"reason": "x" * 301})
    registration.refresh_from_db()
    assert too_long.status_code == 400
    assert registration.status == RegistrationStatus.CONFIRMED

    host_client.post(url, {"reason": "  The hall   was moved; we call you.  "})
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    told = DomainEvent.objects.get(kind=DomainEventKind.REGISTRATION_CANCELLED)
    assert told.payload["by_host"] is True
    assert told.payload["reason"] == "The hall was moved; we call you."


def test_manage_page_shows_registrations_by_status_with_phones(host_client, space, room, host, day):
    small = make_event(space, room, host, day, capacity=1)
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


def test_qr_page_prints_an_svg_code_of_the_absolute_check_in_url(host_client, event):
    page = host_client.get(reverse("web:event-qr", args=[event.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'<svg [^>]*class="qr-code"', html)
    assert f"http://testserver/events/{event.pk}/check-in/" in html


def test_host_is_offered_and_may_attach_only_their_organizations_and_the_networks_tags(
    host_client, space, room, day
):
    """The donor tag of another organization's centre is neither offered nor taken; the
    network's own tag is."""
    network_tag = Tag.objects.create(kind=Tag.Kind.PROJECT, name="Digital skills for all")
    ganja_tag = Tag.objects.create(
        kind=Tag.Kind.DONOR, name="EU4Youth Ganja grant", organization=SpaceFactory().organization
    )
    new = reverse("web:event-new", args=[space.slug])
    page = host_client.get(new)
    assert list(page.context["form"].fields["tags"].queryset) == [network_tag]
    assert "EU4Youth Ganja grant" not in page.content.decode()
    response = host_client.post(new, new_event_data(room, day, tags=[ganja_tag.pk]))
    assert response.status_code == 400
    assert "tags" in response.context["form"].errors
    assert not Event.objects.filter(space=space).exists()
    response = host_client.post(new, new_event_data(room, day, tags=[network_tag.pk]))
    assert response.status_code == 302
    assert list(Event.objects.get(space=space).tags.all()) == [network_tag]
