"""Sign-up by phone: a person gives a name, a phone, a language and the centres they use; a
code sent to the phone proves it, and only then is the account made.

Signing up with a number that has an account already answers exactly as a success does, and
texts that number's owner instead of a code (`codes.phone_code_ask` with `tell_instead`),
within the same limits: nobody learns from the sign-up page whose number has an account.
"""

import datetime
import unicodedata
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cowork.models import CodePurpose, DomainEventKind, Member, Membership, Space
from cowork.services.accounts.codes import phone_code_ask, phone_code_verify
from cowork.services.outbox import domain_event_record

NAME_MAX_LENGTH = 150
# Bidirectional overrides and isolates: they make a name read differently from what it is.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class SignUpDetails:
    """What a person gave on the sign-up form, kept (in the session) until the code comes."""

    name: str
    phone: str  # E.164, read for the first centre
    language: str
    space_ids: tuple[int, ...]
    email: str = ""
    password_hash: str = ""  # Django's hash of the chosen password, or "" for none

    def to_dict(self) -> dict:
        return {**asdict(self), "space_ids": list(self.space_ids)}

    @classmethod
    def from_dict(cls, data: dict) -> "SignUpDetails":
        return cls(**{**data, "space_ids": tuple(data["space_ids"])})


def person_name_clean(value: str) -> str:
    """`value` as a person's name: trimmed, at most 150 characters, no control characters."""
    name = " ".join((value or "").split())
    if not name:
        raise ValidationError(_("Enter your name."), code="name_empty")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            _("A name can have at most %(most)d characters."),
            code="name_too_long",
            params={"most": NAME_MAX_LENGTH},
        )
    if any(unicodedata.category(c) == "Cc" or c in _BIDI_CONTROLS for c in value):
        raise ValidationError(
            _("A name cannot contain control characters."), code="name_control_characters"
        )
    return name


def email_in_use(email: str) -> bool:
    return bool(email) and get_user_model().objects.filter(email__iexact=email).exists()


def sign_up_request(
    *, details: SignUpDetails, ip: str | None, now: datetime.datetime | None = None
) -> None:
    """Send a sign-up code to `details.phone`, or tell its owner if it has an account.

    Returns nothing either way. Raises PhoneCodeAddressLimited when `ip` asked too often.
    """
    now = now or timezone.now()
    owner = Member.objects.filter(phone=details.phone).first()

    def tell_owner() -> None:
        domain_event_record(
            kind=DomainEventKind.SIGN_UP_WITH_TAKEN_PHONE, aggregate=owner, space=None
        )

    phone_code_ask(
        purpose=CodePurpose.SIGN_UP,
        phone=details.phone,
        ip=ip,
        member=None,
        send=owner is None,
        language=details.language,
        space_id=details.space_ids[0],
        now=now,
        tell_instead=tell_owner if owner is not None else None,
    )


def sign_up_complete(*, details: SignUpDetails, code: str, now: datetime.datetime | None = None):
    """The new user, if `code` is the sign-up code sent to `details.phone`; else None.

    The account gets the centres asked for: approved, or waiting for a host where the
    centre asks for approval. An e-mail taken meanwhile raises ValidationError.
    """
    now = now or timezone.now()
    with transaction.atomic():
        used = phone_code_verify(
            purpose=CodePurpose.SIGN_UP, phone=details.phone, code=code, now=now
        )
    if used is None:
        return None
    try:
        with transaction.atomic():
            if email_in_use(details.email):
                raise ValidationError(
                    _("This e-mail address is used by another account."), code="email_in_use"
                )
            user = user_for_phone_create(
                phone=details.phone,
                name=details.name,
                email=details.email,
                password_hash=details.password_hash,
            )
            member = Member.objects.create(
                user=user, phone=details.phone, language=details.language
            )
            spaces = Space.objects.filter(pk__in=details.space_ids, is_active=True)
            for space in spaces:
                membership_join(member=member, space=space, now=now)
    except IntegrityError:
        return None  # the number got an account a moment ago
    return user


def membership_join(
    *, member: Member, space: Space, now: datetime.datetime, approved: bool = False
) -> Membership:
    """Attach `space` to `member`: approved if `approved` or the centre asks no approval,
    else waiting for a host (`membership.requested`). A membership already there keeps its
    state, unless this one approves it. Runs inside the caller's transaction."""
    if approved or not space.members_need_approval:
        status, decided_at = Membership.Status.APPROVED, now
    else:
        status, decided_at = Membership.Status.PENDING, None
    membership, made = Membership.objects.get_or_create(
        member=member, space=space, defaults={"status": status, "decided_at": decided_at}
    )
    if made and status == Membership.Status.PENDING:
        # The centre's hosts have someone waiting for them (their inbox, and a notice).
        domain_event_record(
            kind=DomainEventKind.MEMBERSHIP_REQUESTED,
            aggregate=membership,
            space=None,
            payload={"space": space.pk},
        )
    if not made and approved and membership.status != Membership.Status.APPROVED:
        membership.status, membership.decided_at = Membership.Status.APPROVED, now
        membership.save(update_fields=["status", "decided_at"])
    return membership


def user_for_phone_create(*, phone: str, name: str, email: str = "", password_hash: str = ""):
    """A new user named `name` whose username is `phone` (what they type to sign in with a
    password); without `password_hash`, one who signs in by code only."""
    User = get_user_model()
    username = phone
    suffix = 1
    while User.objects.filter(username=username).exists():
        suffix += 1
        username = f"{phone}-{suffix}"
    user = User(username=username, first_name=name, email=email)
    if password_hash:
        user.password = password_hash
    else:
        user.set_unusable_password()
    user.save()
    return user
