"""What a person's SMS to us does, and what we answer: two-way SMS.

A reply acts on the person's next booking or registration, whichever starts first; the
words are in `notifications.sms.commands`. Everything a message does happens in one
transaction with its `InboundSms` row, which claims the provider's message id first: a
webhook Twilio retries, even one arriving while the first is still being handled, waits
for that row and answers with the reply kept on it, and acts only once.

A number we do not know gets the list of commands and nothing else: no name, no sign of
whether anyone has that number.

The same commands arrive on WhatsApp (through Twilio, kept as `InboundSms` too) and Telegram
(`notifications.telegram.updates`), which call `command_reply` with their channel: STOP and
START then act on that channel alone. Cancelling asks once more on every channel
(`notifications.messaging.confirm_twice`).
"""

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from cowork.dates import sms_day_and_time
from cowork.errors import DomainError
from cowork.models import (
    ACTIVE_STATUSES,
    Attendance,
    Booking,
    Event,
    EventSession,
    Member,
    Participant,
    Registration,
    RegistrationStatus,
    Resource,
)
from cowork.phones import phone_to_e164
from cowork.services.booking import (
    booking_cancel,
    booking_check_in,
    booking_check_out,
    booking_confirm_attendance,
)
from cowork.services.events import (
    attendance_mark,
    registration_cancel,
    registration_confirm_attendance,
)
from notifications.messaging.channels import channel_start, channel_stop
from notifications.messaging.confirm_twice import ASK_AGAIN_MINUTES, second_time
from notifications.models import Channel, InboundSms, SmsOptOut
from notifications.sms.commands import Action, Command, command_from_twilio, parse_command
from notifications.sms.messages import fit_to_segments, sms_language

logger = logging.getLogger(__name__)

# Replies are answers, not news: one or two segments.
REPLY_SEGMENTS = 2
MAX_BODY = 1600  # InboundSms.body; an SMS of 10 segments is already far longer than a command


@dataclass(frozen=True)
class Person:
    """Who a phone number belongs to: a member, a participant, or both (one human)."""

    member: Member | None
    participant: Participant | None

    @property
    def language(self) -> str:
        chosen = self.member or self.participant
        return sms_language(chosen.language) if chosen else "en"


@dataclass(frozen=True)
class Outcome:
    code: str
    reply: str
    # What it acted on or asked about ("b:12", "r:3"), for the buttons of the answer.
    target: str = ""


def inbound_sms_handle(
    *,
    message_sid: str,
    phone: str,
    body: str,
    opt_out_type: str = "",
    now: datetime.datetime | None = None,
    channel: str = Channel.SMS,
) -> str:
    """Act on one SMS a person sent us, once per `message_sid`; return the text to answer.

    `opt_out_type` is Twilio's `OptOutType` (Advanced Opt-Out): when present it says what
    Twilio did with the message, and we record the same. A repeat of a message already
    handled returns the first reply and does nothing.
    """
    now = now or timezone.now()
    body = (body or "")[:MAX_BODY]
    try:
        with transaction.atomic():
            # The insert claims the id: a concurrent repeat blocks on the unique index
            # until this transaction ends, then fails and reads our reply.
            inbound = InboundSms.objects.create(
                message_sid=message_sid, phone=(phone or "")[:16], body=body
            )
            command = command_from_twilio(opt_out_type=opt_out_type, body=body) or parse_command(
                body
            )
            outcome = command_reply(command, phone=phone, now=now, channel=channel)
            inbound.command = command.action if command else ""
            inbound.outcome = outcome.code[:40]
            inbound.reply = outcome.reply
            inbound.save(update_fields=["command", "outcome", "reply"])
    except IntegrityError:
        first = InboundSms.objects.filter(message_sid=message_sid).first()
        if first is None:
            raise
        return first.reply
    return outcome.reply


def command_reply(
    command: Command | None, *, phone: str, now, channel: str = Channel.SMS, target: str = ""
) -> Outcome:
    """Do what `command` asks for the person of `phone` on `channel`; the answer.

    `target` ("b:12", "r:3", from a button) names the booking or registration to act on;
    without it the person's next one is meant.
    """
    number = _e164(phone)
    person = _person(number) if number else Person(None, None)
    known = person.member is not None or person.participant is not None
    if known:
        language = person.language
    else:  # the word may give away a language; nothing else does
        language = sms_language(command.language) if command and command.language else "en"
    with translation.override(language):
        if command is None:
            return Outcome("not_understood", _not_understood(channel))
        if command.action == Action.OPT_OUT and channel != Channel.SMS:
            return Outcome("opted_out", channel_stop(number or phone, channel))
        if command.action == Action.OPT_IN and channel != Channel.SMS:
            return Outcome("opted_in", channel_start(number or phone, channel))
        if command.action == Action.OPT_OUT:
            return _opt_out(number or phone, command)
        if command.action == Action.OPT_IN:
            return _opt_in(number or phone)
        if command.opts_in and channel == Channel.SMS:  # YES: Twilio lifted any block
            _lift_opt_out(number or phone)
        if command.action == Action.HELP or not known:
            return Outcome("help" if known else "unknown_number", _help(channel))
    item = _item_for(person, target, now=now) if target else _next_item(person, now=now)
    if item is None:
        with translation.override(language):
            if (
                target
            ):  # a button under an older message: that one is cancelled, over, or not theirs
                return Outcome("nothing_upcoming", _not_ahead())
            return Outcome("nothing_upcoming", _nothing_to_act_on())
    ref = item_ref(item)
    with translation.override(item.language):
        if command.action == Action.CANCEL and not second_time(
            phone=number, action=command.action, target=ref, now=now
        ):
            asked = gettext("Cancel %(what)s? Send C again within %(minutes)d minutes.")
            return Outcome("asked_again", _fit(asked, item, minutes=ASK_AGAIN_MINUTES), ref)
        try:
            outcome = _ACTIONS[command.action](item, now=now)
            return Outcome(outcome.code, outcome.reply, ref)
        except DomainError as refusal:
            # Services raise before they change anything; their message is translated.
            return Outcome(f"refused:{refusal.code}", refusal.message)


def _e164(phone: str) -> str:
    try:
        return phone_to_e164(phone)
    except ValidationError:
        return ""


def _person(phone: str) -> Person:
    member = Member.objects.select_related("user").filter(phone=phone, user__is_active=True).first()
    participant = Participant.objects.filter(phone=phone).first()
    return Person(member, participant)


# Opting out and in ---------------------------------------------------------------------


def _opt_out(phone: str, command: Command) -> Outcome:
    SmsOptOut.objects.get_or_create(phone=phone[:16], defaults={"keyword": command.keyword[:20]})
    return Outcome(
        "opted_out",
        gettext(
            "You will get no more SMS from us. Your bookings stay as they are. "
            "Reply START to get SMS again."
        ),
    )


def _opt_in(phone: str) -> Outcome:
    _lift_opt_out(phone)
    return Outcome("opted_in", gettext("You will get our SMS again. Reply HELP for the commands."))


def _lift_opt_out(phone: str) -> None:
    SmsOptOut.objects.filter(phone=phone[:16]).delete()


# What a reply acts on ------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """The booking or registration a reply acts on, and when it (or its session) starts."""

    starts_at: datetime.datetime
    language: str
    booking: Booking | None = None
    registration: Registration | None = None
    member: Member | None = None
    participant: Participant | None = None


def _next_item(person: Person, *, now, only: tuple[str, int] | None = None) -> Item | None:
    """The person's next booking or registration, whichever starts first (or has begun);
    with `only` ("b" or "r", and an id), that one, if it is theirs and still ahead."""
    candidates = []
    kind, pk = only or ("", None)
    if person.member is not None and kind in ("", "b"):
        booking = _next_booking(person.member, now=now, pk=pk)
        if booking is not None:
            language = sms_language(person.member.language, booking.space.default_language)
            candidates.append(
                Item(booking.starts_at, language, booking=booking, member=person.member)
            )
    if person.participant is not None and kind in ("", "r"):
        found = _next_registration(person.participant, now=now, pk=pk)
        if found is not None:
            registration, starts_at = found
            space = registration.event.space
            language = sms_language(person.participant.language, space.default_language)
            candidates.append(
                Item(
                    starts_at,
                    language,
                    registration=registration,
                    participant=person.participant,
                )
            )
    # A tie goes to the booking: it is listed first and min() keeps the first.
    return min(candidates, key=lambda item: item.starts_at, default=None)


def _next_booking(member: Member, *, now, pk: int | None = None) -> Booking | None:
    bookings = Booking.objects.filter(pk=pk) if pk is not None else Booking.objects
    return (
        bookings.filter(booked_by=member.user, status__in=ACTIVE_STATUSES, ends_at__gt=now)
        # An event's room booking is the host's tool: cancelling it would leave the event
        # without a room. Equipment booked with a room goes with the room.
        .exclude(event_session__isnull=False)
        .exclude(event_session_room__isnull=False)
        .exclude(Q(group__isnull=False) & Q(resource__kind=Resource.Kind.EQUIPMENT))
        .select_related("space", "resource", "booked_by")
        .order_by("starts_at", "id")
        .first()
    )


def _next_registration(
    participant: Participant, *, now, pk: int | None = None
) -> tuple[Registration, datetime.datetime] | None:
    """The registration whose current or next session starts first, and that start."""
    registrations = Registration.objects.filter(pk=pk) if pk is not None else Registration.objects
    registrations = (
        registrations.filter(
            participant=participant, event__ends_at__gt=now, event__status=Event.Status.SCHEDULED
        )
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("event__space")
    )
    best = None
    for registration in registrations:
        session = registration.event.sessions.filter(ends_at__gt=now).order_by("starts_at").first()
        starts_at = session.starts_at if session is not None else registration.event.starts_at
        if best is None or starts_at < best[1]:
            best = (registration, starts_at)
    return best


def item_ref(item: Item) -> str:
    if item.booking is not None:
        return f"b:{item.booking.pk}"
    return f"r:{item.registration.pk}"


def item_of(phone: str, target: str, *, now) -> Item | None:
    """The booking or registration `target` names, if it is `phone`'s person's and ahead."""
    number = _e164(phone)
    return _item_for(_person(number), target, now=now) if number else None


def _item_for(person: Person, target: str, *, now) -> Item | None:
    """The person's own booking or registration `target` names, if it is still upcoming."""
    kind, _, pk = target.partition(":")
    if not pk.isascii() or not pk.isdigit():
        return None
    return _next_item(person, now=now, only=(kind, int(pk))) if kind in ("b", "r") else None


# The commands ----------------------------------------------------------------------------


def _cancel(item: Item, *, now) -> Outcome:
    if item.booking is not None:
        booking_cancel(booking=item.booking, acting_user=item.member.user, now=now)
        return Outcome("booking_cancelled", _fit(gettext("Cancelled: %(what)s."), item))
    registration_cancel(registration=item.registration, participant=item.participant, now=now)
    return Outcome("registration_cancelled", _fit(gettext("Cancelled: %(what)s."), item))


def _confirm(item: Item, *, now) -> Outcome:
    if item.booking is not None:
        booking_confirm_attendance(booking=item.booking, acting_user=item.member.user, now=now)
        code = "booking_confirmed"
    else:
        registration_confirm_attendance(
            registration=item.registration, participant=item.participant, now=now
        )
        code = "registration_confirmed"
    return Outcome(code, _fit(gettext("Thank you, see you there: %(what)s."), item))


def _check_in(item: Item, *, now) -> Outcome:
    if item.booking is not None:
        booking_check_in(booking=item.booking, acting_user=item.member.user, now=now)
        return Outcome("booking_checked_in", _fit(gettext("Checked in: %(what)s."), item))
    registration, event = item.registration, item.registration.event
    early = datetime.timedelta(minutes=event.space.check_in_early_minutes)
    session = _session_now(registration, now=now, early=early)
    if registration.status != RegistrationStatus.CONFIRMED:
        return Outcome(
            "refused:not_confirmed",
            _fit(gettext("You have no confirmed place at %(what)s."), item),
        )
    if session is None:
        return Outcome(
            "refused:no_session_now",
            _fit(
                gettext("Check-in for %(what)s opens %(minutes)d min before it starts."),
                item,
                minutes=event.space.check_in_early_minutes,
            ),
        )
    attendance_mark(
        session=session,
        participant=item.participant,
        host=None,
        method=Attendance.Method.SMS,
    )
    return Outcome("attendance_marked", _fit(gettext("Checked in: %(what)s."), item))


def _session_now(registration: Registration, *, now, early) -> EventSession | None:
    return (
        registration.event.sessions.filter(starts_at__lte=now + early, ends_at__gt=now)
        .order_by("starts_at")
        .first()
    )


def _check_out(item: Item, *, now) -> Outcome:
    if item.booking is None:
        return Outcome(
            "refused:event_no_check_out",
            _fit(gettext("Events need no check-out: %(what)s."), item),
        )
    booking_check_out(booking=item.booking, acting_user=item.member.user, now=now)
    return Outcome("booking_checked_out", _fit(gettext("Checked out: %(what)s. Bye!"), item))


_ACTIONS = {
    Action.CANCEL: _cancel,
    Action.CONFIRM: _confirm,
    Action.CHECK_IN: _check_in,
    Action.CHECK_OUT: _check_out,
}


# Texts -----------------------------------------------------------------------------------


def _help(channel: str) -> str:
    """The commands, and what STOP stops: on Telegram or WhatsApp, that chat, not the SMS."""
    if channel == Channel.SMS:
        return gettext(
            "Reply C to cancel your next booking, Y to confirm it, IN to check in, OUT to "
            "check out, STOP for no more SMS."
        )
    return gettext(
        "Reply C to cancel your next booking, Y to confirm it, IN to check in, OUT to "
        "check out, STOP for no more messages here."
    )


def _not_understood(channel: str) -> str:
    return gettext("Sorry, we did not understand. ") + _help(channel)


def _nothing_to_act_on() -> str:
    return gettext("You have no upcoming booking or event to act on.")


def _not_ahead() -> str:
    return gettext("That is no longer one of your upcoming bookings or events: nothing was done.")


def _fit(template: str, item: Item, **values) -> str:
    """`template` with the item's description as %(what)s, names shortened to fit."""
    text, _fits = fit_to_segments(
        lambda names: template % {"what": _describe(item, names), **values},
        _names(item),
        segments=REPLY_SEGMENTS,
    )
    return text


def _names(item: Item) -> dict[str, str]:
    if item.booking is not None:
        return {
            "first": item.booking.resource.name_in(item.language),
            "space": item.booking.space.name_in(item.language),
        }
    event = item.registration.event
    return {"first": event.title_in(item.language), "space": event.space.name_in(item.language)}


def _describe(item: Item, names: dict[str, str]) -> str:
    """The item as "Desk 4, Ganja centre, 23.11 10:00", in the centre's time."""
    space = item.booking.space if item.booking is not None else item.registration.event.space
    # The same day format as the messages we send, so a reply reads like the reminder.
    moment = sms_day_and_time(item.starts_at, space.zone)
    return f"{names['first']}, {names['space']}, {moment}"
