"""The text of every SMS we send, per kind, in the person's language and the centre's time.

Each kind has a template (translated in the catalogues of every language the network
speaks) in two wordings: for a sender that takes replies ("Reply C to cancel") and for a
one-way sender, which gives a link instead, since a reply to it reaches nobody.

Every SMS is as few segments as its content allows: one, unless the link alone nearly
fills a 70-character UCS-2 segment. A body is tried in one segment with each name kept
readable (`READABLE_NAME` characters at least), then in more, up to the kind's cap; only
at the cap may a name be shortened further. Names of centres, rooms and events vary in
length, so a name is shortened with an ellipsis until the body fits: the cap holds by
construction, not by hope. The segments of every template in every language are tabled in
docs/sms.md (`manage.py sms_segments_table`) and locked by tests.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from cowork.dates import sms_day, sms_time
from cowork.models import Member
from cowork.selectors.events import registration_waitlist_position
from cowork.selectors.inbox import host_inbox_summary
from cowork.services.series import series_tally
from notifications.ical.site import site_url
from notifications.ical.tokens import download_token
from notifications.models import Notification
from notifications.sms.segments import segment_count
from notifications.sms.transliteration import to_gsm7_latin

Kind = Notification.Kind

# The most segments a kind may take. Reminders are sent most, so they are held to two.
SEGMENT_BUDGETS = {
    Kind.BOOKING_REMINDER: 2,
    Kind.EVENT_REMINDER: 2,
    Kind.SIGN_IN_CODE: 1,
    Kind.SIGN_UP_CODE: 2,
    Kind.RECOVERY_CODE: 2,
    Kind.PHONE_CHANGE_CODE: 2,
    # Fits one segment in every language with a link as long as ours; a far longer site
    # address may take a second rather than fail.
    Kind.HOST_WAITING: 2,
    # One GSM-7 segment in every language with our link; UCS-2 needs two for any link.
    Kind.HOST_INVITATION: 2,
    Kind.STAFF_INVITATION: 2,
}
DEFAULT_SEGMENT_BUDGET = 3
ELLIPSIS = "…"
# "…" is not in GSM-7: one would turn a 160-character message into a 70-character one.
GSM7_ELLIPSIS = "..."
SHORTEST_NAME = 4
# A name cut below this no longer says which room or centre, and a reason cut below its
# own no longer says why: rather one segment more.
READABLE_NAME = 12
READABLE = {"reason": 30}
NAMES = ("event", "resource", "space", "reason")
# Kinds whose reason, when the message keeps none of its own, is the booking's.
BOOKING_REASON_KINDS = frozenset(
    {Kind.BOOKING_CANCELLED, Kind.SERIES_CANCELLED, Kind.BOOKING_DECLINED}
)


def segment_budget(kind: str) -> int:
    return SEGMENT_BUDGETS.get(kind, DEFAULT_SEGMENT_BUDGET)


def sms_language(*candidates: str) -> str:
    """The first of `candidates` we have messages in, else the site's language."""
    available = {code for code, _name in settings.LANGUAGES}
    for code in candidates:
        if code in available:
            return code
    return settings.LANGUAGE_CODE


@dataclass(frozen=True)
class MessageFacts:
    """What a message may mention. Names are shortened to fit; the rest never is.

    `link` opens the booking or registration in a calendar; `manage` is where a one-way
    message sends people instead of a reply (a booking's: the member's bookings page).
    """

    space: str = ""
    resource: str = ""
    event: str = ""
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    time_zone: datetime.tzinfo | None = None
    reason: str = ""
    link: str = ""
    manage: str = ""
    code: str = ""
    position: int = 0
    # A repeated booking: how often ("weekly", "fortnightly", "monthly", "daily"), how many
    # dates were booked and how many skipped.
    repeat: str = ""
    count: int = 0
    skipped: int = 0


def _templates() -> dict[str, str]:
    """The template of each kind for a sender that takes replies, in the active language.

    Placeholders: %(space)s %(resource)s %(event)s %(day)s %(start)s %(end)s %(reason)s
    %(link)s %(manage)s %(code)s %(position)s, and for a series %(repeat)s %(count)s
    %(skipped)s. The reply words (C, Y) are the same in every
    language, so a reply works whatever keyboard the phone has.
    """
    return {
        Kind.BOOKING_CONFIRMED: gettext(
            "%(space)s: %(resource)s booked %(day)s %(start)s-%(end)s. "
            "Reply C to cancel. Calendar: %(link)s"
        ),
        # One message for a whole series, whatever the number of dates.
        Kind.SERIES_CONFIRMED: gettext(
            "%(space)s: %(resource)s %(repeat)s from %(day)s %(start)s: "
            "%(count)s dates booked, %(skipped)s skipped."
        ),
        Kind.BOOKING_CANCELLED: gettext(
            "%(space)s cancelled your booking of %(resource)s on %(day)s %(start)s. %(reason)s"
        ),
        Kind.BOOKING_MOVED: gettext(
            "%(space)s moved your booking of %(resource)s to %(day)s %(start)s-%(end)s. "
            "%(reason)s Reply C to cancel."
        ),
        Kind.SERIES_CANCELLED: gettext(
            "%(space)s cancelled your repeated booking of %(resource)s from %(day)s %(start)s "
            "on. %(reason)s"
        ),
        Kind.BOOKING_DECLINED: gettext(
            "%(space)s declined your request for %(resource)s on %(day)s %(start)s. %(reason)s"
        ),
        Kind.BOOKING_RELEASED: gettext(
            "%(space)s: %(resource)s on %(day)s %(start)s was released: nobody checked in."
        ),
        Kind.BOOKING_REMINDER: gettext(
            "Reminder: %(resource)s, %(space)s, %(day)s %(start)s-%(end)s. "
            "Reply Y to confirm, C to cancel."
        ),
        Kind.REGISTRATION_CONFIRMED: gettext(
            "You are registered for %(event)s, %(day)s %(start)s, %(space)s. "
            "Reply C to cancel. Calendar: %(link)s"
        ),
        Kind.REGISTRATION_WAITLISTED: gettext(
            "%(event)s is full. You are number %(position)s on the waitlist; "
            "we will text you if a place frees up."
        ),
        Kind.REGISTRATION_PROMOTED: gettext(
            "A place at %(event)s is now yours: %(day)s %(start)s, %(space)s. "
            "Reply C to cancel. Calendar: %(link)s"
        ),
        Kind.EVENT_REMINDER: gettext(
            "Reminder: %(event)s, %(day)s %(start)s, %(space)s. Reply Y to confirm, C to cancel."
        ),
        Kind.EVENT_CANCELLED: gettext("%(event)s on %(day)s is cancelled. %(reason)s"),
        Kind.REGISTRATION_CANCELLED: gettext(
            "%(space)s cancelled your place at %(event)s on %(day)s. %(reason)s"
        ),
        Kind.REGISTRATION_DECLINED: gettext(
            "%(space)s did not approve your registration for %(event)s on %(day)s. %(reason)s"
        ),
        # To a host: everything waiting for their decision, counted when it is sent.
        Kind.HOST_WAITING: gettext("Requests waiting for your decision: %(count)s. %(manage)s"),
        Kind.EVENT_MOVED: gettext(
            "%(event)s has moved to %(day)s %(start)s, %(space)s. Reply C to cancel."
        ),
        Kind.SIGN_IN_CODE: gettext("%(code)s is your cowork sign-in code. It expires in 10 min."),
        # Accounts (cowork.services.accounts). The codes expire with CODE_LIFETIME there,
        # the invitation link with INVITATION_LIFETIME.
        Kind.SIGN_UP_CODE: gettext("%(code)s is your cowork sign-up code. It expires in 10 min."),
        Kind.RECOVERY_CODE: gettext(
            "%(code)s is your cowork code to set a new password. It expires in 10 min."
        ),
        Kind.PHONE_CHANGE_CODE: gettext(
            "%(code)s is your cowork code to confirm this new number. It expires in 10 min."
        ),
        Kind.INVITATION: gettext(
            "%(space)s invites you to cowork. Open within 7 days to join: %(link)s"
        ),
        # An invitation to work at the centre: the role is in the words, each language's
        # own grammar.
        Kind.HOST_INVITATION: gettext(
            "%(space)s invites you to be a host. Open within 7 days: %(link)s"
        ),
        Kind.STAFF_INVITATION: gettext(
            "%(space)s invites you to join its staff. Open within 7 days: %(link)s"
        ),
        Kind.MEMBERSHIP_APPROVED: gettext("%(space)s has approved you: you can book now."),
        Kind.MEMBERSHIP_DECLINED: gettext(
            "%(space)s has not approved your membership. Ask the centre why."
        ),
        Kind.PHONE_CHANGED: gettext(
            "Your cowork account now uses another phone number. If this was not you, "
            "tell your centre at once."
        ),
        Kind.SIGN_UP_ATTEMPT: gettext(
            "Someone tried to sign up to cowork with this number. It has an account "
            "already: to sign in, ask for a code by SMS."
        ),
        # The link opens the offer's page, whose one button books; it asks for no reply,
        # so one wording serves every sender. OFFER_MINUTES in cowork.models.waits.
        Kind.WAIT_OFFER: gettext(
            "%(space)s: %(resource)s is free %(day)s %(start)s-%(end)s. "
            "Book within 30 min: %(link)s"
        ),
    }


def _one_way_templates() -> dict[str, str]:
    """The kinds whose wording asks for a reply, worded for a sender that takes none: they
    give the link instead: bookings the member's bookings, registrations a page of their
    own (`notifications.sms.links`, by the calendar file's signed token) that cancels."""
    return {
        Kind.BOOKING_CONFIRMED: gettext(
            "%(space)s: %(resource)s booked %(day)s %(start)s-%(end)s. Change or cancel: %(manage)s"
        ),
        Kind.BOOKING_MOVED: gettext(
            "%(space)s moved your booking of %(resource)s to %(day)s %(start)s-%(end)s. "
            "%(reason)s Change or cancel: %(manage)s"
        ),
        Kind.BOOKING_REMINDER: gettext(
            "Reminder: %(resource)s, %(space)s, %(day)s %(start)s-%(end)s. "
            "Change or cancel: %(manage)s"
        ),
        Kind.REGISTRATION_CONFIRMED: gettext(
            "You are registered for %(event)s, %(day)s %(start)s, %(space)s. "
            "Cancel or calendar: %(manage)s"
        ),
        Kind.REGISTRATION_PROMOTED: gettext(
            "A place at %(event)s is now yours: %(day)s %(start)s, %(space)s. "
            "Cancel or calendar: %(manage)s"
        ),
        Kind.EVENT_REMINDER: gettext(
            "Reminder: %(event)s, %(day)s %(start)s, %(space)s. Cancel or calendar: %(manage)s"
        ),
        Kind.EVENT_MOVED: gettext(
            "%(event)s has moved to %(day)s %(start)s, %(space)s. Cancel or calendar: %(manage)s"
        ),
    }


def message_template(*, kind: str, language: str, two_way: bool) -> str:
    """The template of `kind` in `language`, worded for a sender that does or does not take
    replies."""
    with translation.override(language):
        one_way = {} if two_way else _one_way_templates()
        return one_way.get(kind) or _templates()[kind]


def render_message(
    *,
    kind: str,
    language: str,
    facts: MessageFacts,
    two_way: bool = False,
    plain_latin: bool = False,
    fewest_segments: bool = True,
) -> str:
    """The body of a `kind` SMS in `language`, in as few segments as its content allows.

    `two_way`: the sender takes replies, so the text may ask for one; otherwise it never
    does. `plain_latin`: letters GSM-7 lacks are spelt plainly (ə→e…), so Azerbaijani and
    Uzbek Latin go as GSM-7. `fewest_segments=False` keeps names as whole as the kind's cap
    allows (an e-mail sent instead costs nothing a segment). Raises ValueError if even the
    shortest names do not fit the kind's cap (a template too long: a translation bug the
    template tests catch).
    """
    template = message_template(kind=kind, language=language, two_way=two_way)
    with translation.override(language):
        values = _values(facts)
    names = {key: values.pop(key) for key in NAMES}

    def compose(names: dict[str, str]) -> str:
        text = " ".join((template % {**values, **names}).split())
        return to_gsm7_latin(text) if plain_latin else text

    cap = segment_budget(kind)
    ellipsis = GSM7_ELLIPSIS if segment_count(compose(names))[1] == "GSM-7" else ELLIPSIS
    for segments in range(1 if fewest_segments else cap, cap + 1):
        shortest = {
            key: SHORTEST_NAME if segments == cap else READABLE.get(key, READABLE_NAME)
            for key in NAMES
        }
        body, fits = fit_to_segments(
            compose, names, segments=segments, shortest=shortest, ellipsis=ellipsis
        )
        if fits:
            return body
    raise ValueError(f"A {kind} SMS in {language!r} cannot fit {cap} segment(s).")


def fit_to_segments(
    compose: Callable[[dict[str, str]], str],
    names: dict[str, str],
    *,
    segments: int,
    shortest: int | dict[str, int] = SHORTEST_NAME,
    ellipsis: str = ELLIPSIS,
) -> tuple[str, bool]:
    """`compose(names)`, the longest name that may still be cut shortened with an ellipsis
    until the text fits in `segments`; the text, and whether it fits (False: not even with
    names cut to `shortest` characters, one number for all or one per name)."""
    names = dict(names)
    floor = shortest if isinstance(shortest, dict) else dict.fromkeys(names, shortest)
    while True:
        text = compose(names)
        if segment_count(text)[0] <= segments:
            return text, True
        cuttable = [key for key in names if len(names[key]) > floor.get(key, SHORTEST_NAME)]
        if not cuttable:
            return text, False
        longest = max(cuttable, key=lambda key: len(names[key]))
        names[longest] = _shorten(
            names[longest], shortest=floor.get(longest, SHORTEST_NAME), ellipsis=ellipsis
        )


def _values(facts: MessageFacts) -> dict[str, object]:
    zone = facts.time_zone or datetime.UTC
    starts, ends = facts.starts_at, facts.ends_at
    return {
        "space": facts.space,
        "resource": facts.resource,
        "event": facts.event,
        "day": sms_day(starts, zone) if starts else "",
        "start": sms_time(starts, zone) if starts else "",
        "end": sms_time(ends, zone) if ends else "",
        "reason": facts.reason,
        "link": facts.link,
        "manage": facts.manage,
        "code": facts.code,
        "position": facts.position,
        "repeat": _repeat_words().get(facts.repeat, ""),
        "count": facts.count,
        "skipped": facts.skipped,
    }


def _repeat_words() -> dict[str, str]:
    return {
        "daily": gettext("daily"),
        "weekly": gettext("weekly"),
        "fortnightly": gettext("every 2 weeks"),
        "monthly": gettext("monthly"),
    }


def _shorten(name: str, *, shortest: int, ellipsis: str) -> str:
    """`name` cut to about four fifths, but not below `shortest` characters, ellipsis
    included."""
    bare = name.removesuffix(ellipsis)
    keep = max(shortest, int(len(bare) * 0.8))
    return bare[: keep - len(ellipsis)].rstrip() + ellipsis


def calendar_link(*, booking=None, registration=None) -> str:
    """The short signed link that opens this booking or registration in a calendar app."""
    token = download_token(booking=booking, registration=registration)
    return site_url() + reverse("notifications:ics-download", args=[token])


def registration_link(registration) -> str:
    """The short signed link to a place at an event, where it can be cancelled."""
    token = download_token(registration=registration)
    return site_url() + reverse("notifications:registration-by-sms", args=[token])


def facts_for(notification: Notification) -> MessageFacts:
    """What `notification` talks about, read fresh: a moved booking shows its new time."""
    booking, registration, session = (
        notification.booking,
        notification.registration,
        notification.session,
    )
    space = notification.space
    language = notification.language
    common = {
        "space": space.name_in(language) if space else "",
        "time_zone": space.zone if space else None,
    }
    if notification.kind == Kind.HOST_WAITING:
        return MessageFacts(
            **common,
            count=host_waiting_count(notification),
            manage=site_url() + reverse("web:inbox"),
        )
    if booking is not None:
        if notification.kind == Kind.SERIES_CONFIRMED and booking.series is not None:
            tally = series_tally(series=booking.series)
            common.update(repeat=tally.repeat, count=tally.booked, skipped=tally.skipped)
        # The reason the host gave with this change; a cancellation or a decline made
        # before messages kept their own has it on the booking.
        kept = booking.reason if notification.kind in BOOKING_REASON_KINDS else ""
        return MessageFacts(
            **common,
            resource=booking.resource.name_in(language),
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            reason=notification.reason or kept,
            link=calendar_link(booking=booking),
            manage=site_url() + reverse("web:my-bookings"),
        )
    if notification.wait_offer is not None:
        offer = notification.wait_offer
        wait = offer.wait
        return MessageFacts(
            **common,
            resource=offer.resource.name_in(language),
            starts_at=wait.starts_at,
            ends_at=wait.ends_at,
            link=site_url() + reverse("web:wait-offer", args=[offer.link_key()]),
        )
    if registration is not None:
        event = registration.event
        title = event.title_in(notification.language)
        starts_at = session.starts_at if session is not None else event.starts_at
        if event.is_outside:
            # People go to the hall, not the centre: the text names where they go.
            common["space"] = event.venue_name
        return MessageFacts(
            **common,
            event=title,
            starts_at=starts_at,
            reason=notification.reason or _event_reason(notification),
            link=calendar_link(registration=registration),
            manage=registration_link(registration),
            position=registration_waitlist_position(registration) or 0,
        )
    return MessageFacts(**common)


def host_waiting_count(notification: Notification) -> int:
    """How much waits for the host a HOST_WAITING message goes to (known by its phone)."""
    host = Member.objects.select_related("user").filter(phone=notification.phone).first()
    if host is None or not host.user.is_active:
        return 0
    return host_inbox_summary(user=host.user, now=timezone.now()).waiting


def _event_reason(notification: Notification) -> str:
    # An event is cancelled by cancelling its sessions' bookings with the host's reason.
    if notification.kind != Kind.EVENT_CANCELLED:
        return ""
    event = notification.registration.event
    if event.cancel_reason:
        return event.cancel_reason
    session = event.sessions.exclude(booking=None).first()
    return session.booking.reason if session is not None else ""
