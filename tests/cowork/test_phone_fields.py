"""Where no centre is concerned nothing is guessed: only international format is taken, and
the error says so with examples; a row that belongs to centres of one country reads a
national number in that country."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from cowork.models import Participant
from cowork.phones import PhoneNumberField, phone_to_e164
from tests.factories import (
    BookingFactory,
    EventFactory,
    MemberFactory,
    ParticipantFactory,
    RegistrationFactory,
    ResourceFactory,
    RoomFactory,
    SpaceFactory,
    network_admin,
)

EXAMPLES = "+994 40 123 45 67, +380 50 123 4567, +998 91 234 56 78"


def test_a_national_number_with_no_centre_is_refused_asking_for_the_country_code():
    with pytest.raises(ValidationError) as excinfo:
        phone_to_e164("050 777 88 99")
    assert excinfo.value.code == "phone_needs_country_code"
    assert "international format" in excinfo.value.messages[0]
    assert EXAMPLES in excinfo.value.messages[0]


def test_an_invalid_number_read_in_a_country_shows_that_countrys_example():
    with pytest.raises(ValidationError) as excinfo:
        phone_to_e164("12 34", region="UZ")
    assert excinfo.value.code == "phone_invalid"
    assert "91 234 56 78 or +998 91 234 56 78" in excinfo.value.messages[0]
    assert "+994" not in excinfo.value.messages[0]


def test_the_field_alone_takes_international_format_only():
    field = PhoneNumberField()
    assert field.to_python("+380 (50) 777-88-99") == "+380507778899"
    with pytest.raises(ValidationError) as excinfo:
        field.to_python("050 777 88 99")
    assert excinfo.value.code == "phone_needs_country_code"


def test_the_fields_form_hint_asks_for_the_country_code_with_examples():
    hint = str(PhoneNumberField().formfield().help_text)
    assert hint == f"With the country code, e.g. {EXAMPLES}."


@pytest.mark.django_db
def test_a_centres_contact_phone_is_read_in_its_country():
    kokand = SpaceFactory(country="UZ", time_zone="Asia/Tashkent")
    kokand.contact_phone = "73 544 12 34"
    kokand.full_clean()
    assert kokand.contact_phone == "+998735441234"


@pytest.mark.django_db
def test_a_participant_of_one_countrys_centres_is_read_in_that_country():
    kramatorsk = SpaceFactory(country="UA", time_zone="Europe/Kyiv")
    registration = RegistrationFactory(event=EventFactory(room=RoomFactory(space=kramatorsk)))
    participant = registration.participant
    participant.phone = "067 111 22 02"
    participant.full_clean()
    assert participant.phone == "+380671112202"


@pytest.mark.django_db
def test_a_participant_of_centres_of_two_countries_needs_the_country_code():
    participant = ParticipantFactory()
    for country in ("UA", "AZ"):
        room = RoomFactory(space=SpaceFactory(country=country))
        RegistrationFactory(participant=participant, event=EventFactory(room=room))
    participant.phone = "050 777 88 99"
    with pytest.raises(ValidationError) as excinfo:
        participant.full_clean()
    assert EXAMPLES in excinfo.value.message_dict["phone"][0]


@pytest.mark.django_db
def test_a_member_who_books_at_one_countrys_centres_is_read_in_that_country():
    member = MemberFactory()
    kokand = SpaceFactory(country="UZ", time_zone="Asia/Tashkent")
    BookingFactory(booked_by=member.user, resource=ResourceFactory(space=kokand))
    member.phone = "90 123 45 67"
    member.full_clean()
    assert member.phone == "+998901234567"


@pytest.mark.django_db
def test_the_admin_refuses_a_new_participants_national_number_and_stores_nothing(client):
    client.force_login(network_admin())
    response = client.post(
        reverse("admin:cowork_participant_add"),
        {"name": "Olha", "phone": "067 111 22 02", "language": "uk"},
    )
    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors["phone"]
    assert "has no country code" in error and EXAMPLES in error
    assert not Participant.objects.filter(name="Olha").exists()


@pytest.mark.django_db
def test_sms_simulate_refuses_a_national_number_saying_how_to_write_it(settings):
    settings.TWILIO_AUTH_TOKEN = "simulate-test-auth-token"
    with pytest.raises(CommandError) as excinfo:
        call_command("sms_simulate", "050 777 88 99", "C", "--in-process", stdout=io.StringIO())
    assert "international format" in str(excinfo.value) and EXAMPLES in str(excinfo.value)
