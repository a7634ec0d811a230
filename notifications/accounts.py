"""The SMS of accounts: codes and invitation links handed over through the domain's port
(`cowork.services.accounts.delivery`), and news of a membership or a changed phone from
domain events. Registered in NotificationsConfig.ready()."""

from django.urls import reverse
from django.utils import timezone

from cowork import outbox
from cowork.models import DomainEvent, DomainEventKind, Member, Membership
from cowork.services.accounts.delivery import INVITATION, SecretSms, secret_sender_register
from notifications.ical.site import site_url
from notifications.messaging.enqueue import dispatch_soon, notification_enqueue
from notifications.models import Notification
from notifications.sms.messages import MessageFacts, render_message, sms_language

Kind = Notification.Kind

_SECRET_KINDS = {
    "sign_in": Kind.SIGN_IN_CODE,
    "sign_up": Kind.SIGN_UP_CODE,
    "recovery": Kind.RECOVERY_CODE,
    "phone_change": Kind.PHONE_CHANGE_CODE,
    INVITATION: Kind.INVITATION,
}
# An invitation to work at the centre says in which role.
_ROLE_INVITATION_KINDS = {"host": Kind.HOST_INVITATION, "staff": Kind.STAFF_INVITATION}


def subscribe() -> None:
    """Register the sender of secrets and subscribe to account events."""
    secret_sender_register(secret_sms_enqueue)
    for kind, handler in (
        (DomainEventKind.MEMBERSHIP_APPROVED, membership_decided),
        (DomainEventKind.MEMBERSHIP_DECLINED, membership_decided),
        (DomainEventKind.MEMBER_PHONE_CHANGED, phone_changed),
        (DomainEventKind.SIGN_UP_WITH_TAKEN_PHONE, sign_up_with_taken_phone),
    ):
        outbox.subscribe(kind, handler)


def secret_sms_enqueue(message: SecretSms) -> None:
    """Make the row of a code or an invitation, in the caller's transaction, and wake a
    worker after commit. The text is rendered now (the secret is not kept anywhere else)
    and forgotten once sent."""
    kind = _ROLE_INVITATION_KINDS.get(message.role) or _SECRET_KINDS[message.kind]
    language = sms_language(message.language)
    link = ""
    if message.token:
        link = site_url() + reverse("accounts:invitation", args=[message.token])
    facts = MessageFacts(
        space=message.space.name_in(language) if message.space else "",
        code=message.code,
        link=link,
    )
    notification_enqueue(
        key=message.key,
        kind=kind,
        phone=message.phone,
        language=language,
        due_at=timezone.now(),
        space=message.space,
        essential=True,
        # In plain Latin where the centre sends so, as every other message of it.
        body=render_message(
            kind=kind,
            language=language,
            facts=facts,
            plain_latin=bool(message.space and message.space.sms_transliterate),
        ),
    )
    dispatch_soon()


def membership_decided(event: DomainEvent) -> None:
    membership = (
        Membership.objects.select_related("member", "space").filter(pk=event.aggregate_id).first()
    )
    if membership is None or not membership.member.phone:
        return
    approved = event.kind == DomainEventKind.MEMBERSHIP_APPROVED
    _notice(
        event,
        kind=Kind.MEMBERSHIP_APPROVED if approved else Kind.MEMBERSHIP_DECLINED,
        member=membership.member,
        phone=membership.member.phone,
        space=membership.space,
    )


def phone_changed(event: DomainEvent) -> None:
    """Tell the number the account had before: if someone else changed it, its owner knows."""
    member = Member.objects.filter(pk=event.aggregate_id).first()
    if member is not None:
        _notice(event, kind=Kind.PHONE_CHANGED, member=member, phone=event.payload["old_phone"])


def sign_up_with_taken_phone(event: DomainEvent) -> None:
    member = Member.objects.filter(pk=event.aggregate_id).first()
    if member is not None and member.phone:
        _notice(event, kind=Kind.SIGN_UP_ATTEMPT, member=member, phone=member.phone)


def _notice(event: DomainEvent, *, kind: str, member: Member, phone: str, space=None) -> None:
    language = sms_language(member.language)
    facts = MessageFacts(space=space.name_in(language) if space else "")
    made = notification_enqueue(
        key=f"account:{event.pk}:{kind}",
        kind=kind,
        phone=phone,
        language=language,
        due_at=event.created_at,
        space=space,
        essential=True,
        email=member.user.email,
        recipient_name=str(member),
        body=render_message(kind=kind, language=language, facts=facts),
    )
    if made is not None:
        dispatch_soon()
