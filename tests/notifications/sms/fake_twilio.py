"""A fake Twilio REST API on loopback, for driving the real twilio client in tests.

`POST /2010-04-01/Accounts/<sid>/Messages.json` creates a message and `GET` on it lists the
created ones, newest first, filtered by `To`. Requests need HTTP basic auth with the fake's
account sid and auth token. Each accepted create answers with the next scripted Reply, or a
201 with a message like Twilio's when none is queued; with `rate_per_second` set, creates
beyond that rate get Twilio's 429.
"""

import base64
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs

from notifications.sms.segments import segment_count

FAKE_MESSAGING_SERVICE_SID = "MG" + "fedcba9876543210" * 2
MESSAGES_PATH = re.compile(r"/2010-04-01/Accounts/(?P<account_sid>AC[0-9a-f]{32})/Messages\.json")


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request as the fake received it; header names are lower-cased.

    `received_at` is the wall-clock time (`time.time()`) the request had been read, so a
    benchmark can tell how late a message reached the provider; it takes no part in `==`.
    """

    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]
    auth: tuple[str, str] | None
    received_at: float = field(default_factory=time.time, compare=False)


@dataclass(frozen=True)
class Reply:
    """A scripted answer; `payload` None means "the created message", `drop` hangs up.

    `lost_answer` creates the message, then hangs up: the answer is lost on its way back,
    so the client cannot tell the message from one that never arrived.

    `hold` creates the message, then keeps the connection open without answering until the
    server stops: a client killed meanwhile never learns its message went out.
    """

    status: int = 201
    payload: dict | None = None
    drop: bool = False
    hold: bool = False
    lost_answer: bool = False


def twilio_error(*, status: int, code: int, message: str) -> Reply:
    """A Reply with Twilio's error body, e.g. twilio_error(status=400, code=21211, ...)."""
    return Reply(
        status=status,
        payload={
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
    )


@dataclass
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[RecordedRequest] = field(default_factory=list)
    messages: list[RecordedRequest] = field(default_factory=list)
    script: list[Reply] = field(default_factory=list)
    created: list[dict] = field(default_factory=list)
    window: list[float] = field(default_factory=list)


class FakeTwilio:
    """A fake Twilio API server; use as a context manager, it stops on exit.

    `requests` holds every request that reached it; `messages` only those that created a
    message. A repeated I-Twilio-Idempotency-Token gets the first answer again and creates
    nothing, unless that answer was 429 or 5xx: those are meant to be retried.
    """

    def __init__(
        self,
        *,
        account_sid: str = "AC" + "0123456789abcdef" * 2,
        auth_token: str = "fake-auth-token-" + "0" * 16,
        rate_per_second: float = 0,
    ) -> None:
        self.account_sid = account_sid
        self.rate_per_second = rate_per_second
        self._stopping = threading.Event()
        self.auth_token = auth_token
        self._state = _State()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "FakeTwilio is not running; use it in a with block."
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._state.lock:
            return list(self._state.requests)

    @property
    def messages(self) -> list[RecordedRequest]:
        with self._state.lock:
            return list(self._state.messages)

    def reply_with(self, *replies: Reply) -> None:
        """Answer the next message requests with `replies`, in order, then with 201s again."""
        with self._state.lock:
            self._state.script.extend(replies)

    def __enter__(self) -> "FakeTwilio":
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self))
        self._server.daemon_threads = True
        # shutdown() waits up to one poll interval; the default 0.5 s would cost every test that.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="fake-twilio",
            daemon=True,
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._server is not None and self._thread is not None
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _answer(self, request: RecordedRequest) -> Reply | tuple[int, bytes]:
        """Decide the answer to an authenticated request to the Messages resource."""
        with self._state.lock:
            self._state.requests.append(request)
            if self._state.script:
                reply = self._state.script.pop(0)
            elif self._over_rate():
                reply = twilio_error(status=429, code=20429, message="Too Many Requests")
            else:
                reply = Reply()
            if reply.drop:
                return reply
            payload = reply.payload
            if payload is None:
                payload = self._created_message(request.form)
            if reply.status == 201:
                self._state.messages.append(request)
                self._state.created.append(payload)
            if reply.hold or reply.lost_answer:
                return reply
            return (reply.status, json.dumps(payload).encode())

    def _over_rate(self) -> bool:
        """True if a create now would exceed `rate_per_second` over the last second."""
        if not self.rate_per_second:
            return False
        now = time.monotonic()
        window = [moment for moment in self._state.window if moment > now - 1]
        if len(window) >= self.rate_per_second:
            self._state.window = window
            return True
        window.append(now)
        self._state.window = window
        return False

    def listed(self, *, to: str = "") -> list[dict]:
        """Created messages, newest first, as the list resource returns them."""
        with self._state.lock:
            created = list(reversed(self._state.created))
        return [message for message in created if not to or message["to"] == to]

    def wait_held(self) -> None:
        """Block a held request until the server stops."""
        self._stopping.wait()

    def _created_message(self, form: dict[str, str]) -> dict:
        """The JSON Twilio answers a successful create with."""
        sid = "SM" + secrets.token_hex(16)
        now = format_datetime(datetime.now(UTC))
        body = form.get("Body", "")
        service_sid = form.get("MessagingServiceSid")
        from_number = form.get("From")
        # Through a messaging service Twilio answers before it picks a sender: no From yet,
        # status "accepted" and num_segments "0".
        pooled = service_sid is not None and from_number is None
        segments = segment_count(body)[0] if body and not pooled else 0
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": from_number,
            "messaging_service_sid": service_sid,
            "num_media": "0",
            "num_segments": str(segments),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "accepted" if pooled else "queued",
            "subresource_uris": {
                "media": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}/Media.json"
            },
            "to": form.get("To"),
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }


def _handler_class(fake: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw_form = self.rfile.read(length).decode()
            request = RecordedRequest(
                method="POST",
                path=self.path,
                headers={name.lower(): value for name, value in self.headers.items()},
                form={key: values[-1] for key, values in parse_qs(raw_form).items()},
                auth=_basic_auth(self.headers.get("Authorization", "")),
            )
            if request.auth != (fake.account_sid, fake.auth_token):
                self._send_json(401, twilio_error(status=401, code=20003, message="Authenticate"))
                return
            match = MESSAGES_PATH.fullmatch(self.path)
            if not match or match["account_sid"] != fake.account_sid:
                message = f"The requested resource {self.path} was not found"
                self._send_json(404, twilio_error(status=404, code=20404, message=message))
                return
            answer = fake._answer(request)
            if isinstance(answer, Reply) and answer.hold:
                fake.wait_held()
                self.close_connection = True
                return
            if isinstance(answer, Reply):
                # Hang up without a word, as a proxy or a crashing server would.
                self.close_connection = True
                return
            status, body = answer
            self._send_bytes(status, body)

        def do_GET(self) -> None:
            path, _, query = self.path.partition("?")
            match = MESSAGES_PATH.fullmatch(path)
            auth = _basic_auth(self.headers.get("Authorization", ""))
            if auth != (fake.account_sid, fake.auth_token):
                self._send_json(401, twilio_error(status=401, code=20003, message="Authenticate"))
                return
            if not match or match["account_sid"] != fake.account_sid:
                message = f"The requested resource {path} was not found"
                self._send_json(404, twilio_error(status=404, code=20404, message=message))
                return
            params = {key: values[-1] for key, values in parse_qs(query).items()}
            page_size = int(params.get("PageSize", 50))
            messages = fake.listed(to=params.get("To", ""))[:page_size]
            page = {
                "messages": messages,
                "first_page_uri": path,
                "next_page_uri": None,
                "previous_page_uri": None,
                "page": 0,
                "page_size": page_size,
                "uri": self.path,
            }
            self._send_bytes(200, json.dumps(page).encode())

        def _send_json(self, status: int, reply: Reply) -> None:
            self._send_bytes(status, json.dumps(reply.payload).encode())

        def _send_bytes(self, status: int, body: bytes) -> None:
            self.send_response(status, HTTPStatus(status).phrase)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean; `requests` says what arrived

    return Handler


def _basic_auth(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        username, _, password = base64.b64decode(encoded).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return username, password
