"""Sending on Telegram: through the Bot API with python-telegram-bot, or to the console.

python-telegram-bot is asynchronous; the task worker and the webhook are not. Each call runs
its own event loop (`asyncio.run`) with a `Bot` made for it and shut down after, so nothing
asynchronous outlives the call or crosses threads. `TELEGRAM_API_BASE_URL` points the real
library at a fake Bot API in tests.

The Bot API keeps no idempotency keys and no log a bot may read: a send whose answer was
lost cannot be told from one that never arrived, so such a row is never sent again
(`can_search_log` is False; `messaging.recovery` settles it as `outcome_unknown`).
"""

import asyncio
import contextlib
import functools
import logging
import ssl
import sys
import threading
import uuid

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.request import HTTPXRequest

from notifications.messaging.outgoing import (
    BaseChannelBackend,
    Button,
    ChannelMessage,
    sent_on_channel,
)
from notifications.sms.base import (
    PermanentSmsError,
    SentSms,
    TransientSmsError,
    UnknownOutcomeSmsError,
)

REQUEST_TIMEOUT_SECONDS = 10.0
# httpx logs every request's URL at INFO, and the Bot API's URLs carry the bot's token.
logging.getLogger("httpx").setLevel(logging.WARNING)
_write_lock = threading.Lock()


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every send of this process: building one reads the whole CA
    bundle, about 20 ms of CPU, and a Bot would otherwise build two for each message. A
    context may be shared between threads and event loops."""
    return httpx.create_ssl_context()


def _request(timeout: float) -> HTTPXRequest:
    return HTTPXRequest(
        connect_timeout=timeout,
        read_timeout=timeout,
        connection_pool_size=1,
        httpx_kwargs={"verify": _tls()},
    )


def keyboard(
    buttons: tuple[Button, ...], contact_button: str = ""
) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    if contact_button:
        # Telegram sends the account's own number, which it has checked, on one tap.
        return ReplyKeyboardMarkup(
            [[KeyboardButton(contact_button, request_contact=True)]],
            one_time_keyboard=True,
            resize_keyboard=True,
        )
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(button.label, callback_data=button.data)] for button in buttons]
    )


class TelegramBotBackend(BaseChannelBackend):
    """Send with the Bot API's sendMessage; answer button presses with answerCallbackQuery."""

    def __init__(self, *, timeout: float = REQUEST_TIMEOUT_SECONDS) -> None:
        if not settings.TELEGRAM_BOT_TOKEN:
            raise ImproperlyConfigured("TelegramBotBackend needs TELEGRAM_BOT_TOKEN.")
        self._token = settings.TELEGRAM_BOT_TOKEN
        self._base_url = settings.TELEGRAM_API_BASE_URL.rstrip("/")
        self._timeout = timeout

    def deliver(self, message: ChannelMessage) -> SentSms:
        sent = self._run(
            lambda bot: bot.send_message(
                chat_id=int(message.address),
                text=message.body,
                reply_markup=keyboard(message.buttons, message.contact_button),
            )
        )
        return sent_on_channel(message=message, provider_id=f"tg-{sent.chat_id}-{sent.message_id}")

    def answer_button(self, *, callback_query_id: str, text: str = "") -> None:
        """Stop the pressed button's spinner; best effort, the answer message says the rest."""
        with contextlib.suppress(TransientSmsError, PermanentSmsError):
            self._run(lambda bot: bot.answer_callback_query(callback_query_id, text=text[:200]))

    def _run(self, call):
        async def run():
            # The Bot's second request is the one getUpdates would use; it is never
            # sent here, but is built with the same context rather than a new one.
            request, updates = _request(self._timeout), _request(self._timeout)
            kwargs = {"request": request, "get_updates_request": updates}
            if self._base_url:
                kwargs["base_url"] = f"{self._base_url}/bot"
            bot = Bot(self._token, **kwargs)
            try:
                return await call(bot)
            finally:
                await request.shutdown()
                await updates.shutdown()

        try:
            return asyncio.run(run())
        except Forbidden as exc:  # the person blocked the bot, or deleted their account
            raise PermanentSmsError("blocked", exc.message, provider_code=403) from exc
        except RetryAfter as exc:
            raise TransientSmsError("rate_limited", exc.message, provider_code=429) from exc
        except BadRequest as exc:  # chat not found, text too long: the same again fails again
            raise PermanentSmsError("rejected", exc.message, provider_code=400) from exc
        except (TimedOut, NetworkError) as exc:
            if isinstance(exc.__cause__, httpx.ConnectError | httpx.ConnectTimeout):
                raise TransientSmsError("network", f"Telegram could not be reached: {exc}") from exc
            raise UnknownOutcomeSmsError("no_answer", f"Telegram did not answer: {exc}") from exc
        except TelegramError as exc:
            raise TransientSmsError("provider_unavailable", exc.message) from exc


class ConsoleTelegramBackend(BaseChannelBackend):
    """Print each Telegram message, its buttons under it, for development."""

    def deliver(self, message: ChannelMessage) -> SentSms:
        sent = sent_on_channel(message=message, provider_id=f"console-tg-{uuid.uuid4().hex}")
        lines = [f"---------- Telegram {sent.provider_id} ----------", f"Chat: {message.address}"]
        lines += ["", message.body]
        lines += [f"  [ {button.label} ]  ({button.data})" for button in message.buttons]
        if message.contact_button:
            lines.append(f"  [ {message.contact_button} ]  (shares this account's phone number)")
        _write([*lines, "-" * 60, ""])
        return sent

    def answer_button(self, *, callback_query_id: str, text: str = "") -> None:
        _write([f"(Telegram: button {callback_query_id} answered)", ""])


def _write(lines: list[str]) -> None:
    with _write_lock:
        sys.stdout.write("\n".join(lines))
        sys.stdout.flush()
