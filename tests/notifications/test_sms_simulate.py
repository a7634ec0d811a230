"""manage.py sms_simulate: a signed fake inbound SMS, in process and over HTTP to daphne."""

import io
import socket

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from cowork.models import BookingStatus
from notifications.models import InboundSms
from tests import factories
from tests.servers import DaphneServer, server_environment

TOKEN = "simulate-test-auth-token"


@pytest.fixture(autouse=True)
def _auth_token(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN


@pytest.fixture
def booking(db):
    space = factories.SpaceFactory(name="Ganja centre")
    member = factories.MemberFactory(language="en")
    return factories.BookingFactory(
        booked_by=member.user, resource=factories.ResourceFactory(space=space, name="Desk 4")
    )


def simulate(*args) -> str:
    out = io.StringIO()
    call_command("sms_simulate", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_in_process_reply_acts_and_prints_the_answer(booking):
    phone = str(booking.booked_by.member.phone)

    asked = simulate(phone, "C", "--in-process")
    printed = simulate(phone, "C", "--in-process")

    assert asked.startswith("Cancel Desk 4, Ganja centre, ")
    assert printed.startswith("Cancelled: Desk 4, Ganja centre, ")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


@pytest.mark.django_db
def test_in_process_takes_the_number_as_people_write_it(booking):
    phone = str(booking.booked_by.member.phone)  # +99450…
    written = f"+994 {phone[4:6]} {phone[6:9]} {phone[9:11]} {phone[11:]}"

    assert simulate(written, "Y", "--in-process").startswith("Thank you")


@pytest.mark.django_db
def test_the_same_sid_again_acts_once(booking):
    phone = str(booking.booked_by.member.phone)
    sid = "SM" + "c" * 32

    first = simulate(phone, "C", "--in-process", "--sid", sid)
    again = simulate(phone, "C", "--in-process", "--sid", sid)

    assert again == first
    assert InboundSms.objects.count() == 1


@pytest.mark.django_db
def test_signing_with_the_embedded_token(settings, booking):
    """With no Twilio account, both sides use the token derived from SECRET_KEY."""
    settings.TWILIO_AUTH_TOKEN = ""
    settings.EMBEDDED = True

    printed = simulate(str(booking.booked_by.member.phone), "HELP", "--in-process")

    assert "IN to check in" in printed


def test_without_a_token_there_is_nothing_to_sign_with(settings):
    settings.TWILIO_AUTH_TOKEN = ""
    settings.EMBEDDED = False

    with pytest.raises(CommandError, match="TWILIO_AUTH_TOKEN"):
        simulate("+994501234567", "C", "--in-process")


def test_a_wrong_phone_is_refused():
    with translation.override("en"), pytest.raises(CommandError, match="not a phone number"):
        simulate("my phone", "C", "--in-process")


def test_no_server_is_a_clear_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        with pytest.raises(CommandError, match="--in-process"):
            simulate("+994501234567", "C", "--url", url)


@pytest.mark.django_db(transaction=True)
def test_over_http_to_a_running_server(settings, booking):
    phone = str(booking.booked_by.member.phone)
    server = DaphneServer(server_environment(TWILIO_AUTH_TOKEN=TOKEN))
    try:
        simulate(phone, "C", "--url", server.url)
        printed = simulate(phone, "C", "--url", server.url)
        # Signed with another token: the server refuses it, and the command says so.
        settings.TWILIO_AUTH_TOKEN = "not-the-servers-token"
        with pytest.raises(CommandError, match="403"):
            simulate(phone, "Y", "--url", server.url)
    finally:
        server.stop()
    assert printed.startswith("Cancelled: Desk 4, Ganja centre, "), server.output()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert InboundSms.objects.count() == 2
