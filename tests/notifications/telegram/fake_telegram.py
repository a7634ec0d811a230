"""A fake Telegram Bot API on loopback, for driving python-telegram-bot in tests.

`POST /bot<token>/<method>` answers getMe, sendMessage and answerCallbackQuery as Telegram
does, with `{"ok": true, "result": ...}`. A wrong token gets Telegram's 401; a chat in
`blocked` gets the 403 "Forbidden: bot was blocked by the user".
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "123456:fake-bot-token"


@dataclass(frozen=True)
class Call:
    method: str
    params: dict


@dataclass
class FakeTelegram:
    token: str = TOKEN
    blocked: set[int] = field(default_factory=set)
    calls: list[Call] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _ids: int = 0

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def sent(self, chat_id: int | None = None) -> list[dict]:
        """The messages sent, oldest first, to `chat_id` if given."""
        with self._lock:
            return [
                call.params
                for call in self.calls
                if call.method == "sendMessage"
                and (chat_id is None or int(call.params["chat_id"]) == chat_id)
            ]

    def answered(self) -> list[dict]:
        with self._lock:
            return [call.params for call in self.calls if call.method == "answerCallbackQuery"]

    def __enter__(self) -> "FakeTelegram":
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, method: str, params: dict) -> tuple[int, dict]:
        with self._lock:
            self.calls.append(Call(method, params))
            if method == "getMe":
                return 200, _ok(
                    {"id": 123456, "is_bot": True, "first_name": "cowork", "username": "cowork_bot"}
                )
            if method == "answerCallbackQuery":
                return 200, _ok(True)
            if method != "sendMessage":
                return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            chat_id = int(params["chat_id"])
            if chat_id in self.blocked:
                return 403, {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user",
                }
            self._ids += 1
            message = {
                "message_id": self._ids,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": params.get("text", ""),
            }
            # Telegram's Message carries an inline keyboard back, never a reply keyboard.
            if (params.get("reply_markup") or {}).get("inline_keyboard"):
                message["reply_markup"] = params["reply_markup"]
            return 200, _ok(message)


def _ok(result) -> dict:
    return {"ok": True, "result": result}


def _handler(fake: FakeTelegram):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            token, _, method = self.path.removeprefix("/bot").partition("/")
            if token != fake.token:
                self._send(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                return
            params = _params(raw, self.headers.get("Content-Type", ""))
            self._send(*fake.answer(method, params))

        def _send(self, status: int, payload: dict) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args) -> None:
            pass

    return Handler


def _params(raw: bytes, content_type: str) -> dict:
    """python-telegram-bot posts JSON, or a form whose values are JSON-encoded."""
    if not raw:
        return {}
    if content_type.startswith("application/json"):
        params = json.loads(raw)
    else:
        from urllib.parse import parse_qsl

        params = dict(parse_qsl(raw.decode()))
    for key in ("reply_markup",):
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    return params
