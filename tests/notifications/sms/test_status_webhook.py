"""Delivery reports at /sms/status: signed by Twilio's RequestValidator or refused."""

import pytest
from django.urls import reverse
from django.utils import timezone
from twilio.request_validator import RequestValidator

from notifications.models import Notification
from notifications.sms.webhooks import webhook_auth_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _auth_token(settings):
    # Production settings (the PostgreSQL lane) derive no token: Twilio's must be set.
    settings.TWILIO_AUTH_TOKEN = "status-webhook-test-token"


@pytest.fixture
def sent(sms_space):
    return Notification.objects.create(
        key="k",
        kind=Notification.Kind.BOOKING_CONFIRMED,
        space=sms_space,
        phone="+994501112233",
        language="az",
        due_at=timezone.now(),
        next_attempt_at=timezone.now(),
        status=Notification.Status.SENT,
        provider_id="SM" + "a" * 32,
        provider_status="sent",
    )


def _post(client, form, *, query="", signature=None, token=None):
    url = reverse("notifications:sms-status") + query
    if signature is None:
        signature = RequestValidator(token or webhook_auth_token()).compute_signature(
            "http://testserver" + url, form
        )
    return client.post(url, form, HTTP_X_TWILIO_SIGNATURE=signature)


def test_a_signed_report_is_recorded(client, sent):
    form = {"MessageSid": sent.provider_id, "MessageStatus": "delivered", "To": sent.phone}
    assert _post(client, form).status_code == 204
    sent.refresh_from_db()
    assert sent.status == Notification.Status.DELIVERED


def test_a_report_names_the_row_when_the_worker_died_before_learning_the_sid(client, sent):
    Notification.objects.filter(pk=sent.pk).update(
        provider_id="", status=Notification.Status.SENDING, provider_status=""
    )
    form = {"MessageSid": "SM" + "b" * 32, "MessageStatus": "sent"}
    assert _post(client, form, query=f"?n={sent.pk}").status_code == 204
    sent.refresh_from_db()
    assert (sent.status, sent.provider_id) == (Notification.Status.SENT, "SM" + "b" * 32)


@pytest.mark.parametrize(
    "how",
    ["missing", "forged", "other token", "other params"],
)
def test_an_unsigned_or_forged_report_is_refused_and_changes_nothing(client, sent, how):
    form = {"MessageSid": sent.provider_id, "MessageStatus": "undelivered"}
    if how == "missing":
        response = _post(client, form, signature="")
    elif how == "forged":
        response = _post(client, form, signature="bm90IGEgc2lnbmF0dXJl")
    elif how == "other token":
        response = _post(client, form, token="someone-elses-token")
    else:
        url = "http://testserver" + reverse("notifications:sms-status")
        signature = RequestValidator(webhook_auth_token()).compute_signature(
            url, {**form, "MessageStatus": "delivered"}
        )
        response = _post(client, form, signature=signature)
    assert response.status_code == 403
    sent.refresh_from_db()
    assert sent.status == Notification.Status.SENT


def test_an_oversized_report_is_refused(client, sent):
    form = {"MessageSid": sent.provider_id, "MessageStatus": "delivered", "Body": "x" * 20000}
    assert _post(client, form).status_code == 413
    sent.refresh_from_db()
    assert sent.status == Notification.Status.SENT


def test_a_get_is_not_allowed(client):
    assert client.get(reverse("notifications:sms-status")).status_code == 405


def test_a_mangled_content_length_is_a_bad_request_not_an_error(client, sent):
    url = reverse("notifications:sms-status")
    response = client.post(url, {"MessageSid": sent.provider_id}, CONTENT_LENGTH="12abc")
    assert response.status_code == 400
    sent.refresh_from_db()
    assert sent.status == Notification.Status.SENT


def test_a_callback_id_too_large_for_any_row_is_ignored(client, sent):
    Notification.objects.filter(pk=sent.pk).update(provider_id="", provider_status="")
    form = {"MessageSid": "SM" + "c" * 32, "MessageStatus": "delivered"}
    assert _post(client, form, query="?n=" + "9" * 40).status_code == 204
    sent.refresh_from_db()
    assert sent.provider_id == ""


def test_a_callback_id_in_digits_int_cannot_read_is_ignored_and_the_report_counts(client, sent):
    # "²" is a digit to str.isdigit() but not to int().
    form = {"MessageSid": sent.provider_id, "MessageStatus": "delivered"}
    assert _post(client, form, query="?n=%C2%B2").status_code == 204
    sent.refresh_from_db()
    assert sent.status == Notification.Status.DELIVERED


def test_a_nul_byte_in_a_signed_report_is_refused_and_changes_nothing(client, sent):
    form = {"MessageSid": sent.provider_id + "\x00", "MessageStatus": "delivered"}
    assert _post(client, form).status_code == 400
    sent.refresh_from_db()
    assert sent.status == Notification.Status.SENT
