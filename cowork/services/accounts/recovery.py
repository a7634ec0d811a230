"""Recovery: a new password after a code by SMS to the member's phone.

The same codes, limits and answers as sign-in (`codes`): only an active member who is not
staff is texted, any other number gets the same answer and a code that opens nothing. (Reset
by e-mail is Django's own PasswordResetView, which answers alike for every address.)
"""

import datetime

from django.contrib.auth import password_validation
from django.db import transaction
from django.utils import timezone

from cowork.models import CodePurpose
from cowork.services.accounts.codes import phone_code_verify
from cowork.services.accounts.sign_in import (
    member_code_ask,
    user_who_may_use_codes,
)


def recovery_code_request(*, phone: str, ip: str | None, now: datetime.datetime | None = None):
    """Send a code to set a new password to `phone` if it is a member's; answer alike if not.

    Raises ValidationError for text that is not a phone number, and
    PhoneCodeAddressLimited when `ip` asked too often this hour.
    """
    member_code_ask(purpose=CodePurpose.RECOVERY, phone=phone, ip=ip, now=now)


def password_recover(*, phone: str, code: str, password: str, now: datetime.datetime | None = None):
    """Set `password` for the member whose recovery `code` this is; return the user, or None
    if the code is not right.

    A password the validators refuse raises ValidationError and leaves the code unused.
    """
    now = now or timezone.now()
    with transaction.atomic():
        used = phone_code_verify(purpose=CodePurpose.RECOVERY, phone=phone, code=code, now=now)
        user = user_who_may_use_codes(used.member_id) if used and used.member_id else None
        if user is None:
            return None
        # Raised inside the transaction, a refusal rolls the use of the code back too.
        password_validation.validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
    return user
