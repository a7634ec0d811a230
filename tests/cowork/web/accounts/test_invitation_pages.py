"""Invitations: a host invites a phone read in the centre's country; one link by SMS opens
an account with the centre attached, once; a number with an account joins after sign-in."""

import datetime
import hashlib
import re

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from cowork.models import Invitation, Member, Membership
from notifications.messaging.dispatch import dispatch_due
from notifications.models import Notification
from tests import factories


@pytest.fixture
def centre(db):
    return factories.SpaceFactory(
        name="Kyiv Hub", country="UA", languages=["uk", "en"], members_need_approval=True
    )


@pytest.fixture
def host_client(client, centre):
    client.force_login(factories.HostFactory(space=centre).user)
    return client


def _invite(host_client, centre, phone="067 111 22 02"):
    return host_client.post(reverse("accounts:invite", args=[centre.slug]), {"phone": phone})


def _link(outbox) -> str:
    path = re.search(r"https?://[^/\s]+(/i/\S+/)", outbox[-1].body).group(1)
    return path


def test_a_host_invites_a_national_number_and_the_link_opens_an_account(
    host_client, centre, locmem_sms
):
    page = host_client.get(reverse("accounts:members", args=[centre.slug])).content.decode()
    assert "050 123 4567" in page  # the centre's country's example
    sent = _invite(host_client, centre)
    assert sent.status_code == 302
    dispatch_due()
    (sms,) = locmem_sms
    assert sms.to == "+380671112202" and "Kyiv Hub" in sms.body
    link = _link(locmem_sms)
    invitation = Invitation.objects.get()
    assert invitation.token_hash not in link and link.split("/")[2] not in invitation.token_hash
    assert Notification.objects.get().body == ""  # the link is forgotten once sent

    host_client.logout()
    form = host_client.get(link)
    assert form.status_code == 200 and "+38067*****02" in form.content.decode()
    done = host_client.post(link, {"name": "Iryna", "language": "uk"})
    assert done.status_code == 302
    member = Member.objects.get(phone="+380671112202")
    assert host_client.session["_auth_user_id"] == str(member.user.pk)
    # Invited people are approved, even where the centre asks for approval.
    assert member.memberships.get().status == Membership.Status.APPROVED

    host_client.logout()
    assert host_client.get(link).status_code == 410  # once


def test_a_forged_or_cut_link_is_refused(client, db):
    for token in ("abc", "abc:def", "x" * 60):
        page = client.get(reverse("accounts:invitation", args=[token]))
        assert page.status_code == 410
        assert "This invitation no longer works" in page.content.decode()


def test_an_invitation_expires_after_seven_days(host_client, centre, locmem_sms):
    _invite(host_client, centre)
    dispatch_due()
    Invitation.objects.update(expires_at=Invitation.objects.get().created_at)
    host_client.logout()
    assert host_client.get(_link(locmem_sms)).status_code == 410


def test_a_new_invitation_replaces_the_last_one(host_client, centre, locmem_sms):
    _invite(host_client, centre)
    dispatch_due()
    first = _link(locmem_sms)
    _invite(host_client, centre)
    dispatch_due()
    host_client.logout()
    assert host_client.get(first).status_code == 410
    assert host_client.get(_link(locmem_sms)).status_code == 200


def test_a_number_with_an_account_joins_after_signing_in(host_client, centre, locmem_sms):
    owner = factories.MemberFactory(phone="+380671112202").user
    _invite(host_client, centre)
    dispatch_due()
    link = _link(locmem_sms)
    host_client.logout()
    page = host_client.get(link).content.decode()
    assert "has an account already" in page and "/signin/sms/?next=" in page
    assert host_client.post(link, {"name": "Someone else", "language": "en"}).status_code == 200
    assert Member.objects.count() == 1 and not Membership.objects.exists()

    host_client.force_login(owner)
    assert host_client.post(link).status_code == 302
    assert owner.member.memberships.get().status == Membership.Status.APPROVED


def test_someone_else_signed_in_cannot_take_the_invitation(host_client, centre, locmem_sms):
    factories.MemberFactory(phone="+380671112202")
    _invite(host_client, centre)
    dispatch_due()
    link = _link(locmem_sms)
    host_client.force_login(factories.MemberFactory().user)
    page = host_client.post(link)
    assert page.status_code == 403
    assert "sent to another phone number" in page.content.decode()
    assert not Membership.objects.exists()
    assert Invitation.objects.get().accepted_at is None


@pytest.mark.parametrize(
    ("phone", "error"),
    [
        ("03112 34567", "is a landline"),
        ("0900 212 345", "cannot receive SMS"),
        ("+994 40 123 45 67", "accepts phone numbers from Ukraine only"),
    ],
)
def test_a_number_the_centre_cannot_text_is_refused(host_client, centre, phone, error):
    page = _invite(host_client, centre, phone)
    assert page.status_code == 400 and error in page.content.decode()
    assert not Invitation.objects.exists() and not Notification.objects.exists()


def test_only_hosts_of_the_centre_invite(client, centre):
    client.force_login(factories.HostFactory().user)
    assert _invite(client, centre).status_code == 403
    assert not Invitation.objects.exists()


def test_a_bad_name_on_the_invitation_page_stores_nothing(host_client, centre, locmem_sms):
    _invite(host_client, centre)
    dispatch_due()
    host_client.logout()
    page = host_client.post(_link(locmem_sms), {"name": "Iryna\x1b[2J", "language": "uk"})
    assert page.status_code == 400 and "control characters" in page.content.decode()
    assert not Member.objects.exists() and Invitation.objects.get().accepted_at is None


def test_a_long_link_sent_before_links_were_short_still_opens_once(client, centre):
    """Links sent as /invite/<secret>:<signature>/ keep working for their 7 days."""
    secret = "an-earlier-secret-of-24ch"
    now = timezone.now()
    Invitation.objects.create(
        space=centre,
        phone="+380671112202",
        token_hash=hashlib.sha256(secret.encode()).hexdigest(),
        created_at=now,
        expires_at=now + datetime.timedelta(days=7),
    )
    token = signing.Signer(salt="cowork.accounts.invitation").sign(secret)
    link = f"/invite/{token}/"
    forged = link.replace("earlier", "EARLIER")
    assert client.get(forged).status_code == 410
    assert client.get(link).status_code == 200
    assert client.post(link, {"name": "Iryna", "language": "uk"}).status_code == 302
    client.logout()
    assert client.get(link).status_code == 410


def test_the_members_page_says_which_invitations_were_withdrawn(host_client, centre):
    _invite(host_client, centre)
    invitation = Invitation.objects.get()
    withdraw = reverse("web:manage-invitation-withdraw", args=[centre.slug, invitation.pk])
    assert host_client.post(withdraw).status_code == 302
    page = host_client.get(reverse("accounts:members", args=[centre.slug])).content.decode()
    sent = page[page.index("Sent lately") :]
    assert "withdrawn" in sent and "not opened yet" not in sent


def test_the_members_page_lists_invited_numbers_masked(host_client, centre):
    _invite(host_client, centre)
    page = host_client.get(reverse("accounts:members", args=[centre.slug])).content.decode()
    sent = page[page.index("Sent lately") :]
    assert "+38067*****02" in sent
    assert "+380671112202" not in sent
