"""Sign-in by a code sent by SMS, for members who have a phone but no password.

Only an active member's phone is texted; any other number gets the same answer and the
same work (`codes.phone_code_ask`), and its code can sign nobody in. Staff and admins
sign in with their password: an SMS alone is too weak for the admin.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from cowork.models import Booking, CodePurpose, Member, SpaceRole
from cowork.phones import phone_to_e164
from cowork.services.accounts.codes import phone_code_ask, phone_code_verify


def sign_in_code_request(*, phone: str, ip: str | None, now: datetime.datetime | None = None):
    """Send a sign-in code to `phone` if it is an active member's, within the limits.

    Returns nothing either way, so the caller cannot tell a member's phone from another.
    Raises ValidationError for text that is not a phone number, and
    PhoneCodeAddressLimited when `ip` asked too often this hour.
    """
    member_code_ask(purpose=CodePurpose.SIGN_IN, phone=phone, ip=ip, now=now)


def member_code_ask(
    *, purpose: str, phone: str, ip: str | None, now: datetime.datetime | None = None
) -> None:
    """Ask for a code for `purpose`, sent only when `phone` is a member's who may use codes.

    A stranger's number is asked for alike, and counted against the limits, but nothing is
    sent: the answer never tells a member's phone from another.
    """
    now = now or timezone.now()
    phone = phone_to_e164(phone)
    member = member_who_may_use_codes(phone)
    phone_code_ask(
        purpose=purpose,
        phone=phone,
        ip=ip,
        member=member,
        send=member is not None,
        language=member.language if member is not None else "",
        space_id=home_space_id(member) if member is not None else None,
        now=now,
    )


def sign_in_code_verify(*, phone: str, code: str, now: datetime.datetime | None = None):
    """The user whom `code` signs in, or None; a right code works once."""
    now = now or timezone.now()
    try:
        phone = phone_to_e164(phone)
    except ValidationError:
        return None
    used = phone_code_verify(purpose=CodePurpose.SIGN_IN, phone=phone, code=code, now=now)
    if used is None or used.member_id is None:
        return None
    return user_who_may_use_codes(used.member_id)


def member_who_may_use_codes(phone: str) -> Member | None:
    """The active member with `phone` who may sign in by a code: not staff, not an admin."""
    return (
        Member.objects.select_related("user")
        .filter(phone=phone, user__is_active=True, user__is_staff=False, user__is_superuser=False)
        .first()
    )


def user_who_may_use_codes(member_id: int):
    return (
        get_user_model()
        .objects.filter(member__pk=member_id, is_active=True, is_staff=False, is_superuser=False)
        .first()
    )


def home_space_id(member: Member) -> int | None:
    """The centre a member uses: of their latest booking, else of a role they hold there,
    else the first centre they joined."""
    in_turn = (
        Booking.objects.filter(booked_by_id=member.user_id).order_by("-created_at"),
        SpaceRole.objects.filter(user_id=member.user_id).order_by("pk"),
        member.memberships.order_by("pk"),
    )
    for rows in in_turn:
        space_id = rows.values_list("space_id", flat=True).first()
        if space_id is not None:
            return space_id
    return None
