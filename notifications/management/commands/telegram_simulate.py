"""Write to the bot as a Telegram chat would: an update with our secret token, to the webhook.

    python manage.py telegram_simulate 4242 "/start <key from the profile page>"
    python manage.py telegram_simulate 4242 --link +994501234567    (a new key, then /start)
    python manage.py telegram_simulate 4242 --button "C:b:12"       (a pressed button)
    python manage.py telegram_simulate 4242 --contact +994501234567 (the chat shares its number)
    python manage.py telegram_simulate 4242 --block       (the person blocks the bot; --unblock)
    python manage.py telegram_simulate 4242 "/stop" --in-process

The update carries `X-Telegram-Bot-Api-Secret-Token` as Telegram sends it (the secret the
webhook checks), so it takes the path a real update takes. The bot's answer goes out
through TELEGRAM_BACKEND: on the embedded default the server prints it to its console
(with --in-process, this command does). `--update-id` sends an id again, to see a replay
do nothing.
"""

import itertools
import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from cowork.phones import phone_to_e164
from notifications.telegram.links import telegram_link_key_create
from notifications.telegram.webhook import webhook_secret

TIMEOUT_SECONDS = 30
_serial = itertools.count()


def telegram_update(
    *,
    chat_id: int,
    text: str = "",
    button: str = "",
    contact: str = "",
    status: str = "",
    update_id: int = 0,
):
    """An update as Telegram sends it: a private chat's message, a pressed button, or the
    chat's own phone number shared with the contact button, or the bot blocked ("kicked") or
    unblocked ("member") as `status`."""
    update_id = update_id or int(time.time() * 1000) % 2_000_000_000 * 10 + next(_serial) % 10
    person = {"id": chat_id, "is_bot": False, "first_name": "Test"}
    chat = {"id": chat_id, "type": "private", "first_name": "Test"}
    if status:
        bot = {"id": 123456, "is_bot": True, "first_name": "cowork", "username": "cowork_bot"}
        old = "kicked" if status == "member" else "member"
        change = {
            "chat": chat,
            "from": person,
            "date": int(time.time()),
            "old_chat_member": {"status": old, "user": bot, **_until(old)},
            "new_chat_member": {"status": status, "user": bot, **_until(status)},
        }
        return {"update_id": update_id, "my_chat_member": change}
    if button:
        message = {"message_id": 1, "date": int(time.time()), "chat": chat, "text": "…"}
        query = {"id": str(update_id), "from": person, "chat_instance": "1", "data": button}
        return {"update_id": update_id, "callback_query": {**query, "message": message}}
    message = {"message_id": update_id % 1_000_000, "date": int(time.time()), "chat": chat}
    if contact:
        shared = {"phone_number": contact.lstrip("+"), "first_name": "Test", "user_id": chat_id}
        return {"update_id": update_id, "message": {**message, "from": person, "contact": shared}}
    return {"update_id": update_id, "message": {**message, "from": person, "text": text}}


def _until(status: str) -> dict:
    return {"until_date": 0} if status == "kicked" else {}


class Command(BaseCommand):
    help = "Send an update, as Telegram would, to the bot's webhook."

    def add_arguments(self, parser):
        parser.add_argument("chat_id", type=int, help="The chat, e.g. 4242.")
        parser.add_argument("text", nargs="?", default="", help='What the chat writes, e.g. "C".')
        parser.add_argument("--button", default="", help='A pressed button\'s data, e.g. "C:b:12".')
        parser.add_argument(
            "--contact", default="", help="Share this phone number as the chat's own."
        )
        parser.add_argument("--block", action="store_true", help="The person blocks the bot.")
        parser.add_argument("--unblock", action="store_true", help="And unblocks it.")
        parser.add_argument("--link", default="", help="Make a link key for this phone and /start.")
        parser.add_argument("--update-id", type=int, default=0, help="Send this update id.")
        parser.add_argument("--url", default="", help="The running server (default: SITE_URL).")
        parser.add_argument("--in-process", action="store_true", help="No server needed.")

    def handle(
        self,
        *args,
        chat_id,
        text,
        button,
        contact,
        block,
        unblock,
        link,
        update_id,
        url,
        in_process,
        **options,
    ):
        secret = webhook_secret()
        if not secret:
            raise CommandError("Set TELEGRAM_WEBHOOK_SECRET (the webhook checks it too).")
        if link:
            try:
                text = "/start " + telegram_link_key_create(phone=phone_to_e164(link))
            except ValidationError as exc:
                raise CommandError(exc.messages[0]) from exc
        member_status = "kicked" if block else "member" if unblock else ""
        if not (text or button or contact or member_status):
            raise CommandError("Give a text, --button, --contact, --block or --unblock.")
        update = telegram_update(
            chat_id=chat_id,
            text=text,
            button=button,
            contact=contact,
            status=member_status,
            update_id=update_id,
        )
        target = (url or settings.SITE_URL).rstrip("/")
        if urlsplit(target).path in ("", "/"):
            target += reverse("notifications:telegram-webhook")
        status = (self._in_process if in_process else self._post)(target, update, secret)
        if status != 200:
            raise CommandError(f"The webhook answered {status}.")
        self.stdout.write(f"Update {update['update_id']} taken.")

    def _post(self, url: str, update: dict, secret: str) -> int:
        request = urllib.request.Request(
            url,
            data=json.dumps(update).encode(),
            headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except urllib.error.URLError as exc:
            raise CommandError(f"No server answers at {url} ({exc.reason}).") from exc

    def _in_process(self, url: str, update: dict, secret: str) -> int:
        from django.test import Client

        parts = urlsplit(url)
        client = Client(HTTP_HOST=parts.netloc, secure=parts.scheme == "https")
        response = client.post(
            parts.path,
            data=json.dumps(update),
            content_type="application/json",
            HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=secret,
        )
        return response.status_code
