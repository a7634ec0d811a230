"""Logs: one JSON line a record in production, with the request's id and no phone in full."""

import io
import json
import logging
import re
import urllib.request

import pytest
from django.test import AsyncClient, Client

from cowork.config.logging import (
    JsonFormatter,
    PhoneMaskFilter,
    PhoneMaskingFormatter,
    RequestIdFilter,
    mask_phones,
)
from tests.servers import DaphneServer, server_environment

PHONE = "+994501234567"
MASKED = "+99450*****67"


@pytest.fixture
def json_lines():
    """Records of every logger, through the production handler's filters and formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(PhoneMaskFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_a_phone_number_is_masked_in_the_message_and_its_arguments(json_lines):
    log = logging.getLogger("cowork.test")
    log.warning("SMS to %s failed", PHONE)
    log.warning(f"Opt-out from {PHONE}")
    log.warning("Reply %r", {"to": PHONE, "id": "SM" + "1" * 32})
    lines = json_lines()
    assert [line["message"] for line in lines] == [
        f"SMS to {MASKED} failed",
        f"Opt-out from {MASKED}",
        f"Reply {{'to': '{MASKED}', 'id': 'SM{'1' * 32}'}}",
    ]
    assert all(line["level"] == "WARNING" and line["logger"] == "cowork.test" for line in lines)
    assert all(line["request_id"] is None for line in lines)


def test_a_phone_number_in_a_traceback_is_masked(json_lines):
    try:
        raise ValueError(f"cannot send to {PHONE}")
    except ValueError:
        logging.getLogger("cowork.test").exception("Send failed")
    (line,) = json_lines()
    assert MASKED in line["exception"] and PHONE not in line["exception"]


def test_only_e164_numbers_are_masked():
    assert (
        mask_phones(f"{PHONE}, +38 050 and booking 12345678")
        == f"{MASKED}, +38 050 and booking 12345678"
    )
    assert mask_phones("+12025550143") == "+12025****43"


def test_request_id_from_nginx_is_kept_in_the_log_and_the_response(client, json_lines):
    response = Client().get(f"/no-such-page-{PHONE}/", HTTP_X_REQUEST_ID="a" * 32)
    assert response.status_code == 404
    assert response["X-Request-ID"] == "a" * 32
    (line,) = [line for line in json_lines() if line["logger"] == "django.request"]
    assert line["request_id"] == "a" * 32
    assert MASKED in line["message"] and PHONE not in line["message"]


def test_a_forged_request_id_is_replaced_by_a_fresh_one():
    response = Client().get("/healthz", HTTP_X_REQUEST_ID='x" level=ERROR\nforged')
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.asyncio
async def test_the_request_id_reaches_log_records_under_asgi(json_lines):
    response = await AsyncClient().get("/no-such-page/", headers={"X-Request-ID": "req-12345678"})
    assert response["X-Request-ID"] == "req-12345678"
    (line,) = [line for line in json_lines() if line["logger"] == "django.request"]
    assert line["request_id"] == "req-12345678"


def test_console_format_appends_the_request_id_and_masks():
    record = logging.LogRecord("cowork", logging.INFO, __file__, 1, "to %s", (PHONE,), None)
    RequestIdFilter().filter(record)
    record.request_id = "req-12345678"
    PhoneMaskFilter().filter(record)
    text = PhoneMaskingFormatter("%(levelname)s %(message)s").format(record)
    assert text == f"INFO to {MASKED} [request req-12345678]"


def test_production_daphne_writes_json_lines_with_request_id_and_masked_phone():
    """The settings' production wiring, through a real daphne: every line it logs parses."""
    server = DaphneServer(server_environment(LOG_FORMAT="json"))
    try:
        request = urllib.request.Request(
            f"{server.url}/no-such-page-{PHONE}/", headers={"X-Request-ID": "b" * 32}
        )
        with pytest.raises(urllib.error.HTTPError) as failure:
            urllib.request.urlopen(request, timeout=10)
        assert failure.value.code == 404
        assert failure.value.headers["X-Request-ID"] == "b" * 32
    finally:
        server.stop()
    # daphne's own access log is not a log record (deploy turns it off); the rest is JSON.
    records = [
        json.loads(line)
        for line in server.output().splitlines()
        if not re.match(r"^\S+:\d+ - - \[", line)
    ]
    (not_found,) = [r for r in records if r["logger"] == "django.request"]
    assert not_found["request_id"] == "b" * 32
    assert MASKED in not_found["message"] and PHONE not in not_found["message"]
