"""The console backend: what a developer sees instead of an SMS."""

import io
import threading

import pytest

from notifications.sms import OutgoingSms, PermanentSmsError, send_sms
from notifications.sms.backends.console import ConsoleBackend


def test_console_backend_prints_recipient_sender_segments_and_body(capsys):
    sent = ConsoleBackend().send(
        OutgoingSms(to="+994501234567", body="Masanız hazırdır.", sender="+15005550006")
    )

    out = capsys.readouterr().out
    assert "+994501234567" in out
    assert "+15005550006" in out
    assert "1 (UCS-2" in out
    assert "Masanız hazırdır." in out
    assert sent.provider_id in out
    assert sent.provider_id.startswith("console-")
    assert (sent.segments, sent.encoding) == (1, "UCS-2")


def test_console_backend_is_the_default_in_development(settings, capsys):
    settings.SMS_BACKEND = "notifications.sms.backends.console.ConsoleBackend"

    sent = send_sms(to="+15005550006", body="Your desk is booked.", messaging_service_sid="MG1")

    out = capsys.readouterr().out
    assert "Your desk is booked." in out
    assert "MG1 (messaging service)" in out
    assert sent.provider_id.startswith("console-")


def test_console_backend_writes_to_the_stream_it_was_given(capsys):
    stream = io.StringIO()

    ConsoleBackend(stream=stream).send(OutgoingSms(to="+15005550006", body="Hello"))

    assert "Hello" in stream.getvalue()
    assert capsys.readouterr().out == ""


def test_each_console_send_gets_its_own_provider_id():
    backend = ConsoleBackend(stream=io.StringIO())
    message = OutgoingSms(to="+15005550006", body="Hello")

    assert backend.send(message).provider_id != backend.send(message).provider_id


def test_concurrent_console_sends_do_not_interleave():
    stream = io.StringIO()
    backend = ConsoleBackend(stream=stream)
    bodies = [f"message number {n} " + "x" * 200 for n in range(40)]
    threads = [
        threading.Thread(target=backend.send, args=(OutgoingSms(to="+15005550006", body=b),))
        for b in bodies
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    blocks = stream.getvalue().split("-" * 60 + "\n")
    assert sorted(block.strip().splitlines()[-1] for block in blocks if block) == sorted(bodies)


def test_console_backend_refuses_a_number_that_is_not_e164(capsys):
    with pytest.raises(PermanentSmsError) as excinfo:
        ConsoleBackend().send(OutgoingSms(to="0501234567", body="Hello"))

    assert excinfo.value.code == "invalid_request"
    assert capsys.readouterr().out == ""
