"""Codes sent by SMS that prove a phone: for signing in, signing up, setting a new password
and changing one's number.

A code is 6 digits, lives 10 minutes and allows 5 tries; a phone has one live code at a
time, and a code works only for the purpose it was asked for. Asking gives the same answer,
and does the same work, whether or not anybody is told the digits: the caller says whom the
code may reach, and a number that may not (a stranger's at sign-in) gets a code row that
can never prove anything. That alone stops SMS pumping where only members are texted; the
limits below bound what bombing costs, for every purpose together:

- per phone: 3 codes in 15 minutes, 5 in an hour — answered as if sent, so a limit never
  tells whether a number is a member's;
- per IP address: `SMS_SIGNIN_IP_HOURLY_LIMIT` asks an hour — answered honestly ("too many,
  try later"), since it says nothing about any phone;
- per centre and for the network: `SMS_SIGNIN_HOURLY_LIMIT` and
  `SMS_SIGNIN_NETWORK_HOURLY_LIMIT` SMS an hour — answered as if sent (only the asks that
  text someone spend the budget, so saying so would tell a member's number from a stranger's).

The counts live in `PhoneCodeRequest` rows, shared by every web process; counting and
recording run under one lock, so concurrent asks cannot slip past a limit together.

The SMS leaves through `delivery.secret_sms_send`, in the same transaction as the code: the
sender makes a message row that a worker claims and sends once, after commit.
"""

import datetime
import hmac
import logging
import secrets
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from cowork.models import CodePurpose, Member, PhoneCode, PhoneCodeRequest, Space
from cowork.services.accounts.delivery import SecretSms, secret_sms_send
from cowork.services.locking import lock_named

logger = logging.getLogger(__name__)

Outcome = PhoneCodeRequest.Outcome

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
# What is counted against the per-phone limits, and what against the SMS budgets.
_ISSUED = (Outcome.SENT, Outcome.UNKNOWN, Outcome.TOLD_OWNER)
_TEXTED = (Outcome.SENT, Outcome.TOLD_OWNER)


class PhoneCodeAddressLimited(Exception):
    """Too many asks from one IP address this hour; the person may be told so."""


def phone_code_ask(
    *,
    purpose: CodePurpose,
    phone: str,
    ip: str | None,
    member: Member | None,
    send: bool,
    language: str,
    space_id: int | None,
    now: datetime.datetime,
    tell_instead: Callable[[], None] | None = None,
) -> str:
    """Count and record an ask for a `purpose` code to `phone` (E.164), make the phone's one
    live code and, if `send`, text it; return the ask's outcome.

    When `send` is false and `tell_instead` is given, it is called in place of the SMS (it
    must text the number something else, in this transaction), within the same limits.
    Raises PhoneCodeAddressLimited, after recording the ask, when `ip` asked too often.
    """
    # Made and hashed for every ask, so an ask nobody is told costs the same as another.
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    code_hash = _code_hash(phone=phone, code=code)
    texts = send or tell_instead is not None
    with transaction.atomic():
        lock_named("phone code asks")
        outcome = _outcome(phone=phone, ip=ip, texts=texts, space_id=space_id, now=now)
        if outcome == Outcome.SENT and not send:
            outcome = Outcome.TOLD_OWNER
        PhoneCodeRequest.objects.create(
            purpose=purpose, phone=phone, ip=ip, space_id=space_id, outcome=outcome, created_at=now
        )
        if outcome in _ISSUED:
            phone_code = _replace_live_code(
                purpose=purpose,
                phone=phone,
                member=member,
                sent=outcome == Outcome.SENT,
                code_hash=code_hash,
                ip=ip,
                now=now,
            )
        if outcome == Outcome.SENT:
            # From the centre's sender, and counted in its monthly SMS spend.
            space = Space.objects.get(pk=space_id) if space_id is not None else None
            secret_sms_send(
                SecretSms(
                    key=f"code:{phone_code.pk}",
                    kind=purpose,
                    phone=phone,
                    language=language,
                    space=space,
                    code=code,
                )
            )
        if outcome == Outcome.TOLD_OWNER:
            tell_instead()
    if outcome == Outcome.BUDGET:
        logger.warning("Codes by SMS: the hourly SMS budget is spent (centre %s)", space_id)
    if outcome == Outcome.IP_LIMIT:
        raise PhoneCodeAddressLimited
    return outcome


def phone_code_verify(
    *,
    purpose: CodePurpose,
    phone: str,
    code: str,
    now: datetime.datetime,
    member: Member | None = None,
) -> PhoneCode | None:
    """The `purpose` code of `phone` that `code` is, now used; None if it is not one.

    With `member`, only a code asked by that member counts (a change of phone number).
    The try is counted before the code is compared, in one conditional UPDATE, so guesses
    sent in parallel still get `MAX_ATTEMPTS` between them; marking the code used is
    conditional too, so two requests with the right code cannot both use it.
    """
    given_hash = _code_hash(phone=phone, code=(code or "").strip())
    live = PhoneCode.objects.filter(
        phone=phone, used_at__isnull=True, expires_at__gt=now, attempts__lt=MAX_ATTEMPTS
    )
    phone_code = live.order_by("-created_at", "-pk").first()
    if phone_code is None:
        return None
    if not live.filter(pk=phone_code.pk).update(attempts=F("attempts") + 1):
        return None  # the last try went to a parallel request
    if not hmac.compare_digest(phone_code.code_hash, given_hash):
        return None
    if not phone_code.sent or phone_code.purpose != purpose:
        return None  # nobody was ever told this code, or it was sent for something else
    if member is not None and phone_code.member_id != member.pk:
        return None
    if not PhoneCode.objects.filter(pk=phone_code.pk, used_at__isnull=True).update(used_at=now):
        return None
    return phone_code


def phone_code_records_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete asks and codes no limit or code can use any more; return how many."""
    before = (now or timezone.now()) - KEEP_RECORDS
    asks, _ = PhoneCodeRequest.objects.filter(created_at__lt=before).delete()
    codes, _ = PhoneCode.objects.filter(expires_at__lt=before).delete()
    return asks + codes


def _code_hash(*, phone: str, code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the table alone cannot be searched for the digits.
    return salted_hmac("cowork.accounts.code", f"{phone}:{code}", algorithm="sha256").hexdigest()


def _outcome(*, phone, ip, texts, space_id, now) -> str:
    hour_ago = now - HOUR
    counted = PhoneCodeRequest.objects.filter(created_at__gt=hour_ago)
    # filter(x=None) matches NULL: asks with no address share one count.
    if (
        counted.filter(ip=ip).exclude(outcome=Outcome.IP_LIMIT).count()
        >= settings.SMS_SIGNIN_IP_HOURLY_LIMIT
    ):
        return Outcome.IP_LIMIT
    issued = PhoneCodeRequest.objects.filter(phone=phone, outcome__in=_ISSUED)
    for window, most in PHONE_LIMITS:
        if issued.filter(created_at__gt=now - window).count() >= most:
            return Outcome.PHONE_LIMIT
    if not texts:
        return Outcome.UNKNOWN
    sent = counted.filter(outcome__in=_TEXTED)
    if sent.filter(space_id=space_id).count() >= settings.SMS_SIGNIN_HOURLY_LIMIT:
        return Outcome.BUDGET
    if sent.count() >= settings.SMS_SIGNIN_NETWORK_HOURLY_LIMIT:
        return Outcome.BUDGET
    return Outcome.SENT


def _replace_live_code(*, purpose, phone, member, sent, code_hash, ip, now) -> PhoneCode:
    """Make the phone's new code; any earlier one stops working, so one code is live."""
    PhoneCode.objects.filter(phone=phone, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    return PhoneCode.objects.create(
        purpose=purpose,
        phone=phone,
        member=member,
        sent=sent,
        code_hash=code_hash,
        ip=ip,
        created_at=now,
        expires_at=now + CODE_LIFETIME,
    )
