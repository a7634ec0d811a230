"""A change of a member's phone number: a code sent to the new number proves it, and the old
number is told once the change is made (if someone else did it, its owner knows)."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from cowork.models import CodePurpose, DomainEventKind, Member, Space
from cowork.services.accounts.codes import phone_code_ask, phone_code_verify
from cowork.services.outbox import domain_event_record


def member_first_centre(member: Member) -> Space | None:
    """The first centre the member joined: new numbers are read in its country."""
    membership = member.memberships.select_related("space").order_by("pk").first()
    return membership.space if membership is not None else None


def phone_change_request(
    *, member: Member, new_phone: str, ip: str | None, now: datetime.datetime | None = None
) -> None:
    """Send a code to `new_phone` (E.164) that proves it is the member's.

    A number another account uses is answered alike and sent nothing, so this page cannot
    tell whose a number is. Raises PhoneCodeAddressLimited when `ip` asked too often.
    """
    taken = Member.objects.filter(phone=new_phone).exclude(pk=member.pk).exists()
    centre = member_first_centre(member)
    phone_code_ask(
        purpose=CodePurpose.PHONE_CHANGE,
        phone=new_phone,
        ip=ip,
        member=member,
        send=not taken and new_phone != member.phone,
        language=member.language,
        space_id=centre.pk if centre is not None else None,
        now=now or timezone.now(),
    )


def phone_change_confirm(
    *, member: Member, new_phone: str, code: str, now: datetime.datetime | None = None
) -> bool:
    """Give the member `new_phone` if `code` is the one sent to it for them; tell the old
    number after commit. False, changing nothing, if the code is not right."""
    now = now or timezone.now()
    with transaction.atomic():
        used = phone_code_verify(
            purpose=CodePurpose.PHONE_CHANGE, phone=new_phone, code=code, now=now, member=member
        )
    if used is None:
        return False
    try:
        with transaction.atomic():
            member = Member.objects.select_for_update().select_related("user").get(pk=member.pk)
            old_phone = member.phone
            member.phone = new_phone
            member.save(update_fields=["phone"])
            user = member.user
            # A username that was the old number (as sign-up makes it) follows the number.
            if old_phone and user.username == old_phone:
                user.username = new_phone
                user.save(update_fields=["username"])
            if old_phone:
                domain_event_record(
                    kind=DomainEventKind.MEMBER_PHONE_CHANGED,
                    aggregate=member,
                    space=None,
                    payload={"old_phone": old_phone},
                )
    except IntegrityError:
        return False  # another account took the number a moment ago
    return True
