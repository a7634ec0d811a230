"""Invitations to work at a centre: the link by SMS opens an account (or joins one) and
gives the role, through the roles' own service and its event; only the centre's hosts and
network admins invite, a withdrawn or expired link is refused, and a link works once."""

import datetime
import re

import pytest
from django.utils import timezone

from cowork.errors import InvalidInput, NotAllowed
from cowork.models import DomainEvent, DomainEventKind, Invitation, Member, Membership, SpaceRole
from cowork.selectors.accounts import role_invitations_pending
from cowork.services.accounts.invitations import (
    InvitationInvalid,
    invitation_accept_member,
    invitation_accept_new,
    invitation_open,
    invitation_send,
    invitation_withdraw,
)
from notifications.messaging.dispatch import dispatch_due
from notifications.models import Notification
from notifications.sms.segments import segment_count
from tests import factories

PHONE = "+380671112202"


@pytest.fixture
def centre(db):
    return factories.SpaceFactory(name="Kyiv Hub", country="UA", languages=["uk", "en"])


@pytest.fixture
def host(centre):
    return factories.HostFactory(space=centre).user


def _token(outbox) -> str:
    return re.search(r"/i/(\S+)/", outbox[-1].body).group(1)


def _role_events():
    return DomainEvent.objects.filter(kind=DomainEventKind.ROLE_GRANTED)


def test_a_new_phone_accepts_and_has_an_account_with_the_role_and_its_event(
    centre, host, locmem_sms
):
    invitation = invitation_send(space=centre, host=host, phone=PHONE, role="staff")
    dispatch_due()
    (sms,) = locmem_sms
    assert sms.to == PHONE and "Kyiv Hub" in sms.body and "працівником" in sms.body
    assert Notification.objects.get().kind == Notification.Kind.STAFF_INVITATION
    assert invitation.token_hash not in sms.body
    assert not _role_events().exists()  # nothing is given before the link is opened

    user = invitation_accept_new(token=_token(locmem_sms), name="Iryna", language="uk")
    role = SpaceRole.objects.get(user=user)
    assert (role.space, role.role) == (centre, "staff")
    assert user.member.memberships.get(space=centre).status == Membership.Status.APPROVED
    (event,) = _role_events()
    assert event.space_id == centre.pk
    assert event.payload == {"by": host.pk, "user": user.pk, "role": "staff"}
    invitation.refresh_from_db()
    assert invitation.accepted_by == user.member


def test_an_existing_account_joins_with_the_role_after_signing_in(centre, host, locmem_sms):
    owner = factories.MemberFactory(phone=PHONE).user
    invitation_send(space=centre, host=host, phone=PHONE, role="host")
    dispatch_due()
    assert Notification.objects.get().kind == Notification.Kind.HOST_INVITATION
    token = _token(locmem_sms)
    with pytest.raises(InvitationInvalid):  # a second account for the same phone: never
        invitation_accept_new(token=token, name="Someone", language="en")
    stranger = factories.MemberFactory().user
    with pytest.raises(NotAllowed):
        invitation_accept_member(token=token, user=stranger)
    assert not SpaceRole.objects.filter(space=centre).exclude(user=host).exists()

    invitation_accept_member(token=token, user=owner)
    assert SpaceRole.objects.get(space=centre, user=owner).role == "host"
    assert _role_events().get().payload["user"] == owner.pk
    assert Member.objects.filter(phone=PHONE).count() == 1


def test_a_link_works_once(centre, host, locmem_sms):
    invitation_send(space=centre, host=host, phone=PHONE, role="staff")
    dispatch_due()
    token = _token(locmem_sms)
    user = invitation_accept_new(token=token, name="Iryna", language="uk")
    with pytest.raises(InvitationInvalid):
        invitation_accept_member(token=token, user=user)
    assert invitation_open(token=token) is None
    assert _role_events().count() == 1


def test_a_withdrawn_link_is_refused_and_gives_nothing(centre, host, locmem_sms):
    invitation = invitation_send(space=centre, host=host, phone=PHONE, role="host")
    dispatch_due()
    now = timezone.now()
    assert list(role_invitations_pending(space=centre, now=now)) == [invitation]
    invitation_withdraw(space=centre, invitation_id=invitation.pk, by=host)
    assert not role_invitations_pending(space=centre, now=now).exists()
    with pytest.raises(InvitationInvalid):
        invitation_accept_new(token=_token(locmem_sms), name="Iryna", language="uk")
    with pytest.raises(InvalidInput):  # once withdrawn, it stays so
        invitation_withdraw(space=centre, invitation_id=invitation.pk, by=host)
    assert not Member.objects.filter(phone=PHONE).exists()
    assert not _role_events().exists()


def test_an_expired_link_is_refused(centre, host, locmem_sms):
    sent_at = timezone.now() - datetime.timedelta(days=7, minutes=1)
    invitation_send(space=centre, host=host, phone=PHONE, role="staff", now=sent_at)
    dispatch_due()
    assert not role_invitations_pending(space=centre, now=timezone.now()).exists()
    with pytest.raises(InvitationInvalid):
        invitation_accept_new(token=_token(locmem_sms), name="Iryna", language="uk")
    assert not SpaceRole.objects.exclude(user=host).exists()


def test_a_link_of_a_host_who_since_lost_the_centre_gives_nothing(centre, host, locmem_sms):
    invitation_send(space=centre, host=host, phone=PHONE, role="host")
    dispatch_due()
    SpaceRole.objects.filter(user=host).delete()
    with pytest.raises(InvitationInvalid, match="no longer runs this centre"):
        invitation_accept_new(token=_token(locmem_sms), name="Iryna", language="uk")
    # Nothing of it stays: no account, and the link is not used up.
    assert not Member.objects.filter(phone=PHONE).exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_host_invites_only_to_the_centres_they_manage(demo, locmem_sms):
    samarkand = factories.SpaceFactory(name="Samarkand Hub", country="UZ", languages=["uz"])
    for space in (demo.ganja, samarkand):
        with pytest.raises(NotAllowed):
            invitation_send(space=space, host=demo.host, phone="+998901112233", role="host")
        with pytest.raises(NotAllowed):
            invitation_send(space=space, host=demo.member, phone="+998901112233", role="staff")
    theirs = invitation_send(space=demo.ganja, host=demo.ganja_host, phone=PHONE, role="staff")
    with pytest.raises(NotAllowed):
        invitation_withdraw(space=demo.ganja, invitation_id=theirs.pk, by=demo.host)
    # Nor through their own centre: the invitation is not of it.
    with pytest.raises(InvalidInput):
        invitation_withdraw(space=demo.kramatorsk, invitation_id=theirs.pk, by=demo.host)
    assert Invitation.objects.get().withdrawn_at is None
    # A network admin invites to any centre.
    invitation_send(space=samarkand, host=demo.admin, phone="+998901112233", role="host")
    assert Invitation.objects.filter(space=samarkand, role="host").count() == 1


def test_a_role_is_host_or_staff(centre, host):
    with pytest.raises(InvalidInput):
        invitation_send(space=centre, host=host, phone=PHONE, role="owner")
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("language", ["en", "az", "ru", "uk", "uz"])
@pytest.mark.parametrize("role", ["host", "staff"])
def test_the_sms_names_centre_and_role_in_the_fewest_segments(db, locmem_sms, language, role):
    """With the link as sent: one GSM-7 segment where the language allows GSM-7 (English,
    Uzbek, Azerbaijani in plain Latin); two in UCS-2, whose 70 characters a link alone
    nearly fills."""
    space = factories.SpaceFactory(name="Kramatorsk Hub", languages=[language, "en"])
    invitation_send(space=space, host=factories.network_admin(), phone=PHONE, role=role)
    dispatch_due()
    body = locmem_sms[-1].body
    segments, encoding = segment_count(body)
    assert "Kramatorsk Hub" in body
    assert segments == (1 if encoding == "GSM-7" else 2), body
    if language in ("en", "uz"):
        assert encoding == "GSM-7"
    space.sms_transliterate = True
    space.save(update_fields=["sms_transliterate"])
    invitation_send(space=space, host=factories.network_admin(), phone=PHONE, role=role)
    dispatch_due()
    if language in ("az", "uz"):
        assert segment_count(locmem_sms[-1].body) == (1, "GSM-7"), locmem_sms[-1].body
