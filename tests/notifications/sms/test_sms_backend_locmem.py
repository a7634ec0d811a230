"""The in-memory backend other tests read sent SMS from."""

import pytest

from notifications.sms import PermanentSmsError, send_sms
from notifications.sms.backends import locmem


def test_sent_sms_lands_in_the_outbox(sms_outbox):
    sent = send_sms(to="+994501234567", body="Sabah görüşərik.")

    assert sms_outbox == [sent]
    assert sent.to == "+994501234567"
    assert sent.body == "Sabah görüşərik."
    assert (sent.segments, sent.encoding) == (1, "UCS-2")
    assert sent.provider_id.startswith("locmem-")


def test_outbox_keeps_messages_in_sending_order_with_distinct_ids(sms_outbox):
    first = send_sms(to="+15005550006", body="one")
    second = send_sms(to="+15005550006", body="two")

    assert [sent.body for sent in sms_outbox] == ["one", "two"]
    assert first.provider_id != second.provider_id


def test_repeated_idempotency_key_returns_the_first_send_and_records_once(sms_outbox):
    first = send_sms(to="+15005550006", body="Your code is 1234", idempotency_key="otp-42")
    again = send_sms(to="+15005550006", body="Your code is 1234", idempotency_key="otp-42")

    assert again == first
    assert sms_outbox == [first]


def test_different_idempotency_keys_send_twice(sms_outbox):
    send_sms(to="+15005550006", body="Reminder", idempotency_key="reminder-1")
    send_sms(to="+15005550006", body="Reminder", idempotency_key="reminder-2")

    assert len(sms_outbox) == 2


def test_clearing_the_outbox_forgets_idempotency_keys(sms_outbox):
    send_sms(to="+15005550006", body="Reminder", idempotency_key="reminder-1")
    locmem.outbox.clear()

    send_sms(to="+15005550006", body="Reminder", idempotency_key="reminder-1")

    assert len(sms_outbox) == 1


def test_invalid_message_is_not_recorded(sms_outbox):
    with pytest.raises(PermanentSmsError):
        send_sms(to="+15005550006", body="")

    assert sms_outbox == []
