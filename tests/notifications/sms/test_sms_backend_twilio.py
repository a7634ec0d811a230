"""The Twilio backend, driving the real twilio client against a fake Twilio on loopback."""

import pickle

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from notifications.sms import (
    OutgoingSms,
    PermanentSmsError,
    TransientSmsError,
    UnknownOutcomeSmsError,
    get_backend,
    send_sms,
)
from notifications.sms.backends.twilio import TwilioBackend, rebase_url
from tests.notifications.sms.fake_twilio import FAKE_MESSAGING_SERVICE_SID, Reply, twilio_error

TO = "+994501234567"


def test_accepted_message_returns_twilios_sid(fake_twilio):
    sent = send_sms(to=TO, body="Masanız hazırdır.")

    [created] = fake_twilio.messages
    assert sent.provider_id.startswith("SM") and len(sent.provider_id) == 34
    assert sent.to == TO
    assert sent.body == "Masanız hazırdır."
    assert (sent.segments, sent.encoding) == (1, "UCS-2")
    assert created.form["To"] == TO
    assert created.form["Body"] == "Masanız hazırdır."


def test_twilio_receives_every_field_with_the_account_credentials(fake_twilio):
    send_sms(
        to=TO,
        body="Your desk is booked.",
        messaging_service_sid="MG" + "1" * 32,
        status_callback="https://cowork.example/sms/status/42",
    )

    [request] = fake_twilio.requests
    assert request.path == f"/2010-04-01/Accounts/{fake_twilio.account_sid}/Messages.json"
    assert request.auth == (fake_twilio.account_sid, fake_twilio.auth_token)
    assert request.form == {
        "To": TO,
        "Body": "Your desk is booked.",
        "MessagingServiceSid": "MG" + "1" * 32,
        "StatusCallback": "https://cowork.example/sms/status/42",
    }


def test_message_sender_is_used_when_no_messaging_service_is_given(fake_twilio):
    send_sms(to=TO, body="Hello", sender="+15005550006")

    [request] = fake_twilio.requests
    assert request.form["From"] == "+15005550006"
    assert "MessagingServiceSid" not in request.form


def test_messaging_service_of_the_message_wins_over_its_sender(fake_twilio):
    send_sms(to=TO, body="Hello", sender="+15005550006", messaging_service_sid="MG42")

    [request] = fake_twilio.requests
    assert request.form["MessagingServiceSid"] == "MG42"
    assert "From" not in request.form


def test_configured_messaging_service_is_the_default_sender(fake_twilio, settings):
    settings.TWILIO_FROM_NUMBER = "+15005550006"

    send_sms(to=TO, body="Hello")

    [request] = fake_twilio.requests
    assert request.form["MessagingServiceSid"] == FAKE_MESSAGING_SERVICE_SID
    assert "From" not in request.form


def test_configured_from_number_is_used_without_a_messaging_service(fake_twilio, settings):
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_FROM_NUMBER = "+15005550006"

    send_sms(to=TO, body="Hello")

    [request] = fake_twilio.requests
    assert request.form["From"] == "+15005550006"


def test_message_without_any_sender_fails_permanently_without_a_request(fake_twilio, settings):
    settings.TWILIO_MESSAGING_SERVICE_SID = ""

    with pytest.raises(PermanentSmsError) as excinfo:
        send_sms(to=TO, body="Hello")

    assert excinfo.value.code == "no_sender"
    assert fake_twilio.requests == []


@pytest.mark.parametrize(
    ("status", "twilio_code", "message", "error", "code"),
    [
        pytest.param(
            400,
            21211,
            "Invalid 'To' Phone Number: +99450123456X",
            PermanentSmsError,
            "invalid_number",
            id="invalid-number",
        ),
        pytest.param(
            400,
            21614,
            "'To' number is not a valid mobile number",
            PermanentSmsError,
            "invalid_number",
            id="landline-number",
        ),
        pytest.param(
            400,
            21610,
            "Attempt to send to unsubscribed recipient",
            PermanentSmsError,
            "opted_out",
            id="opted-out-number",
        ),
        pytest.param(
            400,
            21617,
            "The concatenated message body exceeds",
            PermanentSmsError,
            "rejected",
            id="other-client-error",
        ),
        pytest.param(
            429, 20429, "Too Many Requests", TransientSmsError, "rate_limited", id="rate-limited"
        ),
        *(
            pytest.param(
                status,
                status,
                "Internal error",
                TransientSmsError,
                "provider_unavailable",
                id=f"server-error-{status}",
            )
            for status in (500, 502, 503)
        ),
    ],
)
def test_twilios_error_fails_permanently_or_for_now_by_its_code(
    fake_twilio, status, twilio_code, message, error, code
):
    fake_twilio.reply_with(twilio_error(status=status, code=twilio_code, message=message))

    with pytest.raises(error) as excinfo:
        send_sms(to=TO, body="Hello")

    assert excinfo.value.code == code
    assert excinfo.value.provider_code == twilio_code
    assert message in excinfo.value.message
    assert fake_twilio.messages == []


def test_wrong_auth_token_fails_permanently(fake_twilio, settings):
    settings.TWILIO_AUTH_TOKEN = "not-the-token"

    with pytest.raises(PermanentSmsError) as excinfo:
        send_sms(to=TO, body="Hello")

    assert excinfo.value.code == "rejected"
    assert excinfo.value.provider_code == 20003
    assert fake_twilio.messages == []


def test_server_error_without_json_is_transient(fake_twilio):
    fake_twilio.reply_with(Reply(status=503, payload={"unexpected": "shape"}))

    with pytest.raises(TransientSmsError):
        send_sms(to=TO, body="Hello")


def test_retry_after_a_transient_error_sends_the_message(fake_twilio):
    fake_twilio.reply_with(twilio_error(status=500, code=20500, message="Internal error"))
    with pytest.raises(TransientSmsError):
        send_sms(to=TO, body="Hello", idempotency_key="booking-7-reminder")

    sent = send_sms(to=TO, body="Hello", idempotency_key="booking-7-reminder")

    [created] = fake_twilio.messages
    assert sent.provider_id.startswith("SM")
    assert created.form["Body"] == "Hello"


def test_unreachable_twilio_is_transient(settings, fake_twilio, refusing_base_url):
    settings.TWILIO_API_BASE_URL = refusing_base_url

    with pytest.raises(TransientSmsError) as excinfo:
        send_sms(to=TO, body="Hello")

    assert excinfo.value.code == "network"
    # Nothing reached Twilio, so sending again is safe.
    assert not isinstance(excinfo.value, UnknownOutcomeSmsError)


def test_connection_dropped_before_an_answer_leaves_the_outcome_unknown(fake_twilio):
    fake_twilio.reply_with(Reply(drop=True))

    # The request reached Twilio: it may have queued the message, so no blind retry.
    with pytest.raises(UnknownOutcomeSmsError) as excinfo:
        send_sms(to=TO, body="Hello")

    assert excinfo.value.code == "no_answer"


def test_an_answer_lost_on_the_way_back_leaves_a_message_twilio_has(fake_twilio):
    fake_twilio.reply_with(Reply(lost_answer=True))

    with pytest.raises(UnknownOutcomeSmsError):
        send_sms(to=TO, body="Hello")

    # Which is why a dispatcher asks Twilio's log before it sends such a message again.
    assert len(fake_twilio.messages) == 1
    assert get_backend().find_sent(to=TO, body="Hello", since=timezone.now()) is not None


def test_twilio_is_not_sent_an_idempotency_token_it_would_ignore(fake_twilio):
    send_sms(to=TO, body="Hello", idempotency_key="booking-7-reminder")

    [request] = fake_twilio.requests
    assert not any("idempotency" in name for name in request.headers)


@pytest.mark.parametrize(
    "to", ["994501234567", "+0501234567", "+99450", "+9945012345678901", "+99450123456\n", ""]
)
def test_number_not_in_e164_fails_permanently_without_a_request(fake_twilio, to):
    with pytest.raises(PermanentSmsError) as excinfo:
        send_sms(to=to, body="Hello")

    assert excinfo.value.code == "invalid_request"
    assert fake_twilio.requests == []


def test_number_with_non_ascii_digits_fails_permanently(fake_twilio):
    with pytest.raises(PermanentSmsError):
        send_sms(to="+٩٩٤٥٠١٢٣٤٥٦٧", body="Hello")  # Arabic-Indic digits

    assert fake_twilio.requests == []


@pytest.mark.parametrize("body", ["", "   \n"])
def test_blank_body_fails_permanently_without_a_request(fake_twilio, body):
    with pytest.raises(PermanentSmsError) as excinfo:
        send_sms(to=TO, body=body)

    assert excinfo.value.code == "invalid_request"
    assert fake_twilio.requests == []


def test_missing_credentials_are_a_configuration_error(settings):
    settings.TWILIO_ACCOUNT_SID = ""

    with pytest.raises(ImproperlyConfigured):
        TwilioBackend()


def test_base_url_without_a_host_is_a_configuration_error(fake_twilio, settings):
    settings.TWILIO_API_BASE_URL = "127.0.0.1:8080"

    with pytest.raises(ImproperlyConfigured):
        get_backend()


def test_backend_built_directly_sends_through_the_fake(fake_twilio):
    sent = TwilioBackend().send(OutgoingSms(to=TO, body="Hello", sender="+15005550006"))

    assert [m.form["From"] for m in fake_twilio.messages] == ["+15005550006"]
    assert sent.provider_id.startswith("SM")


def test_rebased_url_keeps_path_and_query():
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?PageSize=20"

    assert rebase_url(url, base_url="http://127.0.0.1:43567") == (
        "http://127.0.0.1:43567/2010-04-01/Accounts/AC1/Messages.json?PageSize=20"
    )
    assert rebase_url(url, base_url="http://fake.test/twilio/") == (
        "http://fake.test/twilio/2010-04-01/Accounts/AC1/Messages.json?PageSize=20"
    )


def test_sms_error_survives_pickling_for_task_queues(fake_twilio):
    fake_twilio.reply_with(
        twilio_error(status=400, code=21610, message="Attempt to send to unsubscribed recipient")
    )
    with pytest.raises(PermanentSmsError) as excinfo:
        send_sms(to=TO, body="Hello")

    restored = pickle.loads(pickle.dumps(excinfo.value))

    assert type(restored) is PermanentSmsError
    assert (restored.code, restored.provider_code) == ("opted_out", 21610)
    assert restored.message == excinfo.value.message
