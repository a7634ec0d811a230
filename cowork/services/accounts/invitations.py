"""Invitations: a host invites a phone to a centre; one link by SMS opens an account there.

The link's secret is random and signed (a forged or mistyped link is refused before any
query), kept only as a SHA-256 hash, works once and expires after `INVITATION_LIFETIME`
unless a host withdraws it first. Whoever opens it holds the phone the SMS went to, so the
phone needs no code: a new person gives a name and a language and has an account with the
centre attached, approved. A number that has an account already joins the centre once its
owner has signed in. An invitation with a role also makes the person host or staff of the
centre, granted by `space_role_grant` in the name of the host who invited them, so the
role's rules and its `role.granted` event are those of a role given on the people page.
"""

import base64
import datetime
import hashlib
import secrets

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from cowork.errors import InvalidInput, NotAllowed, RuleViolation
from cowork.models import Invitation, Member, Membership, Space, SpaceRole
from cowork.selectors.access import user_manages_space
from cowork.selectors.accounts import invitations_live
from cowork.services.accounts.delivery import INVITATION, SecretSms, secret_sms_send
from cowork.services.accounts.sign_up import membership_join, user_for_phone_create
from cowork.services.centres.roles import space_role_grant

# The SMS says "open within 7 days": change both together.
INVITATION_LIFETIME = datetime.timedelta(days=7)
_SALT = "cowork.accounts.invitation"
# Links sent before links were short: "<secret>:<signature>". Still read until they expire.
_SIGNER = signing.Signer(salt=_SALT)
# A link's secret (96 random bits) and its keyed hash, short enough for the link to leave
# room in one GSM-7 segment for the centre and the role.
_SECRET_BYTES = 12
_MAC_BYTES = 9


class InvitationInvalid(RuleViolation):
    code = "invitation_invalid"


def invitation_send(
    *,
    space: Space,
    host,
    phone: str,
    role: str | None = None,
    now: datetime.datetime | None = None,
) -> Invitation:
    """Invite `phone` (E.164, read for `space`) to `space` and text it the link; with a
    `role` (host or staff), to work there in that role.

    An earlier invitation of the same phone to the centre stops working: one link is live.
    """
    if role is not None and role not in SpaceRole.Role.values:
        raise InvalidInput(_("A role is host or staff."), code="unknown_role")
    if not user_manages_space(user=host, space=space):
        raise NotAllowed(_("Only the centre's hosts invite people to it."))
    now = now or timezone.now()
    secret, token = _new_link_token()
    with transaction.atomic():
        invitations_live(Invitation.objects.filter(space=space, phone=phone), now=now).update(
            expires_at=now
        )
        invitation = Invitation.objects.create(
            space=space,
            phone=phone,
            invited_by=host,
            role=role,
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
                role=role or "",
            )
        )
    return invitation


def invitation_open(*, token: str, now: datetime.datetime | None = None) -> Invitation | None:
    """The live invitation `token` is the link of, or None (forged, used, withdrawn or
    expired)."""
    secret = _secret_of(token)
    if secret is None:
        return None
    return (
        invitations_live(Invitation.objects.select_related("space"), now=now or timezone.now())
        .filter(token_hash=_hash(secret))
        .first()
    )


def invitation_withdraw(
    *, space: Space, invitation_id: int, by, now: datetime.datetime | None = None
) -> Invitation:
    """Stop a live invitation to `space` from working; its link is refused from now on."""
    if not user_manages_space(user=by, space=space):
        raise NotAllowed(_("Only the centre's hosts invite people to it."))
    now = now or timezone.now()
    with transaction.atomic():
        mine = Invitation.objects.select_for_update().filter(pk=invitation_id, space=space)
        invitation = invitations_live(mine, now=now).first()
        if invitation is None:
            raise InvalidInput(
                _("This invitation is accepted, expired or withdrawn already."),
                code="invitation_not_live",
            )
        invitation.withdrawn_at = now
        invitation.save(update_fields=["withdrawn_at"])
    return invitation


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
    if invitation is None or not invitations_live(
        Invitation.objects.filter(pk=invitation.pk), now=now
    ).update(accepted_at=now):
        raise _no_longer_valid()
    return invitation


def _accepted(invitation: Invitation, *, member: Member, now) -> Membership:
    Invitation.objects.filter(pk=invitation.pk).update(accepted_by=member)
    membership = membership_join(member=member, space=invitation.space, now=now, approved=True)
    if invitation.role:
        _role_grant(invitation, user=member.user)
    return membership


def _role_grant(invitation: Invitation, *, user) -> None:
    """The invitation's role, given by the host who sent it, under the rules of any role
    given: someone who no longer manages the centre gives nothing, and nothing is accepted."""
    if invitation.invited_by is None:
        raise _no_longer_valid()
    try:
        space_role_grant(
            space=invitation.space, by=invitation.invited_by, user=user, role=invitation.role
        )
    except NotAllowed as error:
        raise InvitationInvalid(
            _("Whoever invited you no longer runs this centre. Ask the centre for a new one.")
        ) from error


def _no_longer_valid() -> InvitationInvalid:
    return InvitationInvalid(
        _("This invitation is used, expired or not whole. Ask the centre for a new one.")
    )


def _new_link_token() -> tuple[str, str]:
    """A new secret and the link's token: the secret and its keyed hash."""
    secret = secrets.token_urlsafe(_SECRET_BYTES)
    return secret, f"{secret}.{_mac(secret)}"


def _secret_of(token: str) -> str | None:
    """The secret a link's `token` carries, or None for a token we did not make."""
    if ":" in token:
        try:
            return _SIGNER.unsign(token)
        except signing.BadSignature:
            return None
    secret, _dot, mac = token.partition(".")
    if not secret or not constant_time_compare(mac, _mac(secret)):
        return None
    return secret


def _mac(secret: str) -> str:
    digest = salted_hmac(_SALT, secret, algorithm="sha256").digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(digest).decode()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
