"""What an update from Telegram does: link a chat, stop it, or act on a command or a button.

Each update is claimed once by its `update_id` (a `TelegramUpdate` row) in the transaction of
what it does, so a replayed update acts nothing and is answered with nothing. The answer is
sent through the Bot API by the webhook once that transaction has committed.
"""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from cowork.db import insert_unless_exists
from cowork.models import Member, Participant
from cowork.phones import mask_phone
from notifications.ical.site import site_url
from notifications.messaging.channels import channel_start, channel_stop
from notifications.messaging.outgoing import Button
from notifications.models import Channel, ChannelAddress, TelegramUpdate
from notifications.sms.commands import Action, parse_command
from notifications.sms.messages import calendar_link, sms_language
from notifications.sms.replies import command_reply, item_of
from notifications.telegram.buttons import CALENDAR, buttons_for_answer, parse_data
from notifications.telegram.links import (
    LinkStart,
    Started,
    telegram_link_by_contact,
    telegram_link_start,
)

# python-telegram-bot is imported where an update is read (notifications.telegram.webhook),
# not with the site's URLs, which load this module.
if TYPE_CHECKING:
    from telegram import Update


@dataclass(frozen=True)
class Answer:
    """What we send back to the chat, and the button press it answers, if any."""

    chat_id: int
    text: str
    buttons: tuple[Button, ...] = ()
    callback_query_id: str = ""
    contact_button: str = ""  # the one button that shares the chat's own phone number


def telegram_update_handle(update: "Update", *, now: datetime.datetime | None = None):
    """Act on one update, once per `update_id`; the Answer to send, or None."""
    now = now or timezone.now()
    chat = update.effective_chat
    with transaction.atomic():
        claim = TelegramUpdate(update_id=update.update_id, chat_id=chat.id if chat else None)
        if not insert_unless_exists(claim):
            return None  # a replay: acted on already
        if chat is None or chat.type != "private":
            outcome, answer = "ignored", None
        elif update.my_chat_member is not None:
            outcome, answer = _member_status(update.my_chat_member.new_chat_member.status, chat.id)
        elif update.callback_query is not None:
            outcome, answer = _button(update, chat.id, now=now)
        elif update.message is not None and update.message.contact is not None:
            outcome, answer = _contact(update.message, chat.id, now=now)
        elif update.message is not None and update.message.text:
            outcome, answer = _text(update.message.text, chat.id, now=now)
        else:
            outcome, answer = "ignored", None
        TelegramUpdate.objects.filter(pk=claim.pk).update(
            outcome=outcome[:40], reply={"text": answer.text} if answer else {}
        )
    return answer


def _address(chat_id: int) -> ChannelAddress | None:
    return ChannelAddress.objects.filter(
        channel=Channel.TELEGRAM, address=str(chat_id), linked_at__isnull=False
    ).first()


def _language(phone: str) -> str:
    person = (
        Member.objects.filter(phone=phone).first()
        or Participant.objects.filter(phone=phone).first()
    )
    return sms_language(person.language) if person else "en"


def _profile_url() -> str:
    return site_url() + reverse("notifications:channels")


def _text(text: str, chat_id: int, *, now) -> tuple[str, Answer]:
    word, _, argument = text.strip().partition(" ")
    address = _address(chat_id)
    if word == "/start" and argument:
        started = telegram_link_start(key=argument, chat_id=chat_id, now=now)
        if started.outcome == Started.REFUSED:
            with translation.override(_language(address.phone) if address else "en"):
                return "link_refused", Answer(chat_id, _link_refused())
        return _link_answer(started, chat_id)
    if address is None:
        return "not_linked", Answer(chat_id, _not_linked())
    language = _language(address.phone)
    with translation.override(language):
        if word in ("/stop", "/start"):
            stopped = word == "/stop"
            act = channel_stop if stopped else channel_start
            return ("opted_out" if stopped else "opted_in"), Answer(
                chat_id, act(address.phone, Channel.TELEGRAM)
            )
    if not address.usable:
        command = parse_command(text)
        if command is None or command.action != Action.OPT_IN:
            return "stopped", None
    outcome = command_reply(
        parse_command(text.lstrip("/")), phone=address.phone, now=now, channel=Channel.TELEGRAM
    )
    return outcome.code, _answer(chat_id, outcome, language)


def _member_status(status: str, chat_id: int) -> tuple[str, None]:
    """Telegram tells the bot when the person blocks it ("kicked") or unblocks it: the next
    message goes on their next channel at once, rather than fail here first."""
    from telegram import ChatMember  # loaded already: the webhook imports telegram to read updates

    addresses = ChannelAddress.objects.filter(channel=Channel.TELEGRAM, address=str(chat_id))
    if status == ChatMember.BANNED:
        addresses.filter(blocked_at__isnull=True).update(blocked_at=timezone.now())
        return "blocked", None
    if status == ChatMember.MEMBER:
        addresses.update(blocked_at=None)
        return "unblocked", None
    return "ignored", None


def _contact(message, chat_id: int, *, now) -> tuple[str, Answer]:
    """A contact shared after "/start <key>" of a key that asks for one."""
    sender = message.from_user
    started = telegram_link_by_contact(
        chat_id=chat_id,
        sender_id=sender.id if sender else None,
        contact_user_id=message.contact.user_id,
        phone_number=message.contact.phone_number,
        now=now,
    )
    if started.outcome == Started.REFUSED:
        address = _address(chat_id)
        with translation.override(_language(address.phone) if address else "en"):
            return "contact_unasked", Answer(chat_id, _not_linked())
    return _link_answer(started, chat_id)


def _link_answer(started: LinkStart, chat_id: int) -> tuple[str, Answer]:
    """What the chat is told once a key was taken: linked, or share your number (again)."""
    with translation.override(_language(started.phone)):
        if started.outcome == Started.LINKED:
            return "linked", Answer(
                chat_id,
                gettext(
                    "This chat is linked: your messages about bookings and events come here. "
                    "Send /stop to stop them."
                ),
            )
        values = {"phone": mask_phone(started.phone)}
        if started.outcome == Started.ASK_CONTACT:
            text = gettext(
                "One more step: share your phone number with the button below. It must be "
                "%(phone)s, the number you registered with."
            )
        else:
            text = gettext(
                "Only the Telegram account on %(phone)s, the number you registered with, can "
                "be linked. Until then your messages keep coming by SMS."
            )
        return started.outcome.value, Answer(
            chat_id, text % values, contact_button=gettext("Share my phone number")
        )


def _button(update: "Update", chat_id: int, *, now) -> tuple[str, Answer]:
    query = update.callback_query
    address = _address(chat_id)
    parsed = parse_data(query.data or "")
    if address is None or not address.usable:
        return "not_linked", Answer(chat_id, _not_linked(), callback_query_id=query.id)
    language = _language(address.phone)
    if parsed is None:
        return "bad_button", Answer(chat_id, "", callback_query_id=query.id)
    word, target = parsed
    if word == CALENDAR:
        item = item_of(address.phone, target, now=now)
        with translation.override(language):
            if item is None:
                text = gettext("You have no upcoming booking or event to act on.")
            else:
                link = calendar_link(booking=item.booking, registration=item.registration)
                text = gettext("Add it to your calendar: %(link)s") % {"link": link}
        return "calendar", Answer(chat_id, text, callback_query_id=query.id)
    outcome = command_reply(
        parse_command(word), phone=address.phone, now=now, channel=Channel.TELEGRAM, target=target
    )
    answer = _answer(chat_id, outcome, language)
    return outcome.code, Answer(answer.chat_id, answer.text, answer.buttons, query.id)


def _answer(chat_id: int, outcome, language: str) -> Answer:
    buttons = buttons_for_answer(outcome.code, outcome.target, language=language)
    return Answer(chat_id, outcome.reply, buttons)


def _link_refused() -> str:
    return gettext(
        "This link has expired or was used already. Make a new one on your profile: %(url)s"
    ) % {"url": _profile_url()}


def _not_linked() -> str:
    return gettext(
        "This chat is not linked to anyone yet. Link it on your profile (%(url)s) or on the "
        "page of your registration."
    ) % {"url": _profile_url()}
