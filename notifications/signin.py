"""Sign-in by a code sent by SMS, for members who have a phone but no password.

A code is 6 digits, lives 10 minutes and allows 5 tries. Asking for one gives the same
answer, and does the same work, whether the phone belongs to a member or not; only a
member's phone is sent an SMS. That alone stops SMS pumping (a fraudster cannot make us
text numbers of their choosing); the limits below bound what bombing members costs:

- per phone: 3 codes in 15 minutes, 5 in an hour — answered as if sent, so a limit never
  tells whether a number is a member's;
- per IP address: `SMS_SIGNIN_IP_HOURLY_LIMIT` asks an hour — answered honestly ("too many,
  try later"), since it says nothing about any phone;
- per centre and for the network: `SMS_SIGNIN_HOURLY_LIMIT` and
  `SMS_SIGNIN_NETWORK_HOURLY_LIMIT` codes sent an hour — answered as if sent (only members'
  phones spend the budget, so saying so would tell a member's number from a stranger's).

The counts live in `SignInRequest` rows, shared by every web process; counting and
recording run under one lock, so concurrent asks cannot slip past a limit together.

The SMS is a `Notification` row sent by the dispatcher, which claims it with a conditional
UPDATE: it goes out once however many workers run. The ask only wakes a worker after commit
(`dispatch_soon`); the cluster polls its queue twice a second, so the SMS leaves within
about a second and no web request ever waits on the provider.
"""

import datetime
import hmac
import logging
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from cowork.models import Booking, Member, Space, SpaceRole
from cowork.phones import phone_to_e164
from cowork.services.locking import lock_named
from notifications.messaging.enqueue import dispatch_soon, notification_enqueue
from notifications.models import Notification, SignInCode, SignInRequest
from notifications.sms.messages import MessageFacts, render_message, sms_language

logger = logging.getLogger(__name__)

Outcome = SignInRequest.Outcome

CODE_DIGITS = 6
# The SMS text says "expires in 10 min": change both together.
CODE_LIFETIME = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5
# (window, most codes a phone may be sent in it)
PHONE_LIMITS = (
    (datetime.timedelta(minutes=15), 3),
    (datetime.timedelta(hours=1), 5),
)
HOUR = datetime.timedelta(hours=1)
# Rows older than this are no use to any limit or code.
KEEP_RECORDS = datetime.timedelta(days=1)


class SignInAddressLimited(Exception):
    """Too many asks from one IP address this hour; the person may be told so."""


def sign_in_code_request(*, phone: str, ip: str | None, now: datetime.datetime | None = None):
    """Send a sign-in code to `phone` if it is an active member's, within the limits.

    Returns nothing either way, so the caller cannot tell a member's phone from another.
    Raises ValidationError for text that is not a phone number, and SignInAddressLimited when
    `ip` asked too often this hour.
    """
    now = now or timezone.now()
    phone = phone_to_e164(phone)
    # Made and hashed for every ask, so a stranger's number costs the same as a member's.
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    code_hash = _code_hash(phone=phone, code=code)
    with transaction.atomic():
        _lock_sign_in_asks()
        member = _member_with_phone(phone)
        space_id = _home_space_id(member) if member is not None else None
        outcome = _outcome(phone=phone, ip=ip, member=member, space_id=space_id, now=now)
        SignInRequest.objects.create(
            phone=phone, ip=ip, space_id=space_id, outcome=outcome, created_at=now
        )
        if outcome in (Outcome.SENT, Outcome.UNKNOWN):
            sign_in_code = _replace_live_code(
                phone=phone, member=member, code_hash=code_hash, ip=ip, now=now
            )
        if outcome == Outcome.SENT:
            # From the centre's sender, and counted in its monthly SMS spend (as essential).
            space = Space.objects.get(pk=space_id) if space_id is not None else None
            language = sms_language(member.language)
            notification_enqueue(
                key=f"signin:{sign_in_code.pk}",
                kind=Notification.Kind.SIGN_IN_CODE,
                phone=phone,
                language=language,
                due_at=now,
                space=space,
                essential=True,
                body=render_message(
                    kind=Notification.Kind.SIGN_IN_CODE,
                    language=language,
                    facts=MessageFacts(code=code),
                ),
            )
            dispatch_soon()
    if outcome == Outcome.BUDGET:
        logger.warning("Sign-in codes: the hourly SMS budget is spent (centre %s)", space_id)
    if outcome == Outcome.IP_LIMIT:
        raise SignInAddressLimited


def sign_in_code_verify(*, phone: str, code: str, now: datetime.datetime | None = None):
    """The user whom `code` signs in, or None; a right code works once.

    The try is counted before the code is compared, in one conditional UPDATE, so guesses
    sent in parallel still get `MAX_ATTEMPTS` between them; marking the code used is
    conditional too, so two requests with the right code cannot both sign in.
    """
    now = now or timezone.now()
    try:
        phone = phone_to_e164(phone)
    except ValidationError:
        return None
    given_hash = _code_hash(phone=phone, code=(code or "").strip())
    live = SignInCode.objects.filter(
        phone=phone, used_at__isnull=True, expires_at__gt=now, attempts__lt=MAX_ATTEMPTS
    )
    sign_in_code = live.order_by("-created_at", "-pk").first()
    if sign_in_code is None:
        return None
    if not live.filter(pk=sign_in_code.pk).update(attempts=F("attempts") + 1):
        return None  # the last try went to a parallel request
    if not hmac.compare_digest(sign_in_code.code_hash, given_hash):
        return None
    if sign_in_code.member_id is None:
        return None  # a stranger's number: nobody was ever told this code
    if not SignInCode.objects.filter(pk=sign_in_code.pk, used_at__isnull=True).update(used_at=now):
        return None
    return (
        get_user_model()
        .objects.filter(
            member__pk=sign_in_code.member_id, is_active=True, is_staff=False, is_superuser=False
        )
        .first()
    )


def sign_in_records_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete asks and codes no limit or sign-in can use any more; return how many."""
    before = (now or timezone.now()) - KEEP_RECORDS
    asks, _ = SignInRequest.objects.filter(created_at__lt=before).delete()
    codes, _ = SignInCode.objects.filter(expires_at__lt=before).delete()
    return asks + codes


def _code_hash(*, phone: str, code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the table alone cannot be searched for the digits.
    return salted_hmac(
        "notifications.signin.code", f"{phone}:{code}", algorithm="sha256"
    ).hexdigest()


def _lock_sign_in_asks() -> None:
    """Serialize counting and recording asks across processes; call inside the transaction.

    SQLite's IMMEDIATE transactions hold the write lock already. Asks are rare and the lock
    is held for a few small queries, so one lock for all of them costs nothing noticeable.
    """
    lock_named("sign-in asks")


def _member_with_phone(phone: str) -> Member | None:
    # Staff and admins sign in with their password: an SMS alone is too weak for the admin.
    return (
        Member.objects.select_related("user")
        .filter(phone=phone, user__is_active=True, user__is_staff=False, user__is_superuser=False)
        .first()
    )


def _home_space_id(member: Member) -> int | None:
    """The centre a member uses: of their latest booking, else of a role they hold there."""
    booked = (
        Booking.objects.filter(booked_by_id=member.user_id)
        .order_by("-created_at")
        .values_list("space_id", flat=True)
        .first()
    )
    if booked is not None:
        return booked
    return (
        SpaceRole.objects.filter(user_id=member.user_id)
        .order_by("pk")
        .values_list("space_id", flat=True)
        .first()
    )


def _outcome(*, phone, ip, member, space_id, now) -> str:
    hour_ago = now - HOUR
    counted = SignInRequest.objects.filter(created_at__gt=hour_ago)
    # filter(x=None) matches NULL: asks with no address share one count.
    if (
        counted.filter(ip=ip).exclude(outcome=Outcome.IP_LIMIT).count()
        >= settings.SMS_SIGNIN_IP_HOURLY_LIMIT
    ):
        return Outcome.IP_LIMIT
    issued = SignInRequest.objects.filter(phone=phone, outcome__in=[Outcome.SENT, Outcome.UNKNOWN])
    for window, most in PHONE_LIMITS:
        if issued.filter(created_at__gt=now - window).count() >= most:
            return Outcome.PHONE_LIMIT
    if member is None:
        return Outcome.UNKNOWN
    sent = counted.filter(outcome=Outcome.SENT)
    if sent.filter(space_id=space_id).count() >= settings.SMS_SIGNIN_HOURLY_LIMIT:
        return Outcome.BUDGET
    if sent.count() >= settings.SMS_SIGNIN_NETWORK_HOURLY_LIMIT:
        return Outcome.BUDGET
    return Outcome.SENT


def _replace_live_code(*, phone, member, code_hash, ip, now) -> SignInCode:
    """Make the phone's new code; any earlier one stops working, so one code is live."""
    SignInCode.objects.filter(phone=phone, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    return SignInCode.objects.create(
        phone=phone,
        member=member,
        code_hash=code_hash,
        ip=ip,
        created_at=now,
        expires_at=now + CODE_LIFETIME,
    )
