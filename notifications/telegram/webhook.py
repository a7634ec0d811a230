"""Telegram's webhook: updates from our bot, refused unless they carry our secret token.

Telegram sends the `secret_token` given to setWebhook in `X-Telegram-Bot-Api-Secret-Token`;
a request without it, or with another, is refused with 403 before anything is read, compared
in constant time. The update is parsed with python-telegram-bot's types, acted on once per
`update_id` (`updates.telegram_update_handle`), and the answer goes out through the Bot API
after the transaction. Telegram retries anything but a 2xx, so a replay is answered 200 and
does nothing.
"""

import json
import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notifications.messaging.outgoing import ChannelMessage, get_channel_backend
from notifications.sms.base import SmsError
from notifications.telegram.updates import Answer, telegram_update_handle

logger = logging.getLogger(__name__)

# Updates with a message are a few KiB; anything much larger is not a command to us.
MAX_UPDATE_BYTES = 64 * 1024


def webhook_secret() -> str:
    """The secret token setWebhook was given; derived from SECRET_KEY in the embedded default,
    where `manage.py telegram_simulate` sends it. Empty in production without one: then no
    request is taken."""
    if settings.TELEGRAM_WEBHOOK_SECRET:
        return settings.TELEGRAM_WEBHOOK_SECRET
    if settings.EMBEDDED:
        return salted_hmac("notifications.telegram.webhook", "embedded").hexdigest()
    return ""


def secret_is_valid(request) -> bool:
    secret = webhook_secret()
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    return bool(secret) and constant_time_compare(given, secret)


@csrf_exempt
@require_POST
def telegram_webhook(request):
    length = request.headers.get("Content-Length") or "0"
    if not (length.isascii() and length.isdigit()):
        return HttpResponseBadRequest("Bad Content-Length.", content_type="text/plain")
    if int(length) > MAX_UPDATE_BYTES:
        return HttpResponse("Payload too large.", status=413, content_type="text/plain")
    if not secret_is_valid(request):
        return HttpResponseForbidden("Invalid secret token.", content_type="text/plain")
    # python-telegram-bot is imported by the one view that reads an update, not with the
    # site's URLs: with httpx it was a tenth of a second of every web process's start.
    from telegram import Update

    try:
        data = json.loads(request.body)
        update = Update.de_json(data) if isinstance(data, dict) else None
    except (ValueError, TypeError, KeyError):
        update = None
    if update is None or not isinstance(update.update_id, int):
        return HttpResponseBadRequest("Not a Telegram update.", content_type="text/plain")
    answer = telegram_update_handle(update)
    if answer is not None:
        send_answer(answer)
    return HttpResponse(status=200)


def send_answer(answer: Answer) -> None:
    """Send our answer to the chat and stop the button's spinner; a failure is logged, the
    update stays handled (sending it again could act twice)."""
    backend = get_channel_backend("telegram")
    try:
        if answer.text:
            address = str(answer.chat_id)
            backend.send(
                ChannelMessage(
                    address=address,
                    body=answer.text,
                    buttons=answer.buttons,
                    contact_button=answer.contact_button,
                )
            )
    except SmsError:
        logger.warning("Could not answer Telegram chat", exc_info=True)
    if answer.callback_query_id:
        backend.answer_button(callback_query_id=answer.callback_query_id)
