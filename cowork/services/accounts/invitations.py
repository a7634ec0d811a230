"""Invitations: a host invites a phone to a centre; one link by SMS opens an account there.

The link's secret is random and signed (a forged or mistyped link is refused before any
query), kept only as a SHA-256 hash, works once and expires after `INVITATION_LIFETIME`.
Whoever opens it holds the phone the SMS went to, so the phone needs no code: a new person
gives a name and a language and has an account with the centre attached, approved. A
number that has an account already joins the centre once its owner has signed in.
"""

import datetime
import hashlib
import secrets

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.errors import NotAllowed, RuleViolation
from cowork.models import Invitation, Member, Membership, Space
from cowork.selectors.access import user_manages_space
from cowork.services.accounts.delivery import INVITATION, SecretSms, secret_sms_send
from cowork.services.accounts.sign_up import membership_join, user_for_phone_create

# The SMS says "open within 7 days": change both together.
INVITATION_LIFETIME = datetime.timedelta(days=7)
_SIGNER = signing.Signer(salt="cowork.accounts.invitation")


class InvitationInvalid(RuleViolation):
    code = "invitation_invalid"


def invitation_send(
    *, space: Space, host, phone: str, now: datetime.datetime | None = None
) -> Invitation:
    """Invite `phone` (E.164, read for `space`) to `space` and text it the link.

    An earlier invitation of the same phone to the centre stops working: one link is live.
    """
    if not user_manages_space(user=host, space=space):
        raise NotAllowed(_("Only the centre's hosts invite people to it."))
    now = now or timezone.now()
    secret = secrets.token_urlsafe(18)
    token = _SIGNER.sign(secret)
    with transaction.atomic():
        Invitation.objects.filter(
            space=space, phone=phone, accepted_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        invitation = Invitation.objects.create(
            space=space,
            phone=phone,
            invited_by=host,
            token_hash=_hash(secret),
            created_at=now,
            expires_at=now + INVITATION_LIFETIME,
        )
        member = Member.objects.filter(phone=phone).first()
        secret_sms_send(
            SecretSms(
                key=f"invitation:{invitation.pk}",
                kind=INVITATION,
                phone=phone,
                language=member.language if member else space.default_language,
                space=space,
                token=token,
            )
        )
    return invitation


def invitation_open(*, token: str, now: datetime.datetime | None = None) -> Invitation | None:
    """The live invitation `token` is the link of, or None (forged, used or expired)."""
    try:
        secret = _SIGNER.unsign(token)
    except signing.BadSignature:
        return None
    return (
        Invitation.objects.select_related("space")
        .filter(
            token_hash=_hash(secret),
            accepted_at__isnull=True,
            expires_at__gt=now or timezone.now(),
        )
        .first()
    )


def phone_has_account(phone: str) -> bool:
    return Member.objects.filter(phone=phone).exists()


def invitation_accept_new(
    *, token: str, name: str, language: str, now: datetime.datetime | None = None
):
    """Open an account for the invited phone, with the centre attached; return the user.

    Raises InvitationInvalid if the link is no longer live or the phone has an account.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            invitation = _claim(token=token, now=now)
            user = user_for_phone_create(phone=invitation.phone, name=name)
            member = Member.objects.create(user=user, phone=invitation.phone, language=language)
            _accepted(invitation, member=member, now=now)
    except IntegrityError as error:
        raise _no_longer_valid() from error
    return user


def invitation_accept_member(
    *, token: str, user, now: datetime.datetime | None = None
) -> Membership:
    """Attach the invitation's centre, approved, to the signed-in `user` whose phone it is."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = _claim(token=token, now=now)
        member = Member.objects.filter(user=user).first()
        if member is None or member.phone != invitation.phone:
            raise NotAllowed(
                _("This invitation was sent to another phone number than your account's.")
            )
        return _accepted(invitation, member=member, now=now)


def _claim(*, token: str, now) -> Invitation:
    invitation = invitation_open(token=token, now=now)
    if invitation is None or not Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True
    ).update(accepted_at=now):
        raise _no_longer_valid()
    return invitation


def _accepted(invitation: Invitation, *, member: Member, now) -> Membership:
    Invitation.objects.filter(pk=invitation.pk).update(accepted_by=member)
    return membership_join(member=member, space=invitation.space, now=now, approved=True)


def _no_longer_valid() -> InvitationInvalid:
    return InvitationInvalid(
        _("This invitation is used, expired or not whole. Ask the centre for a new one.")
    )


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
