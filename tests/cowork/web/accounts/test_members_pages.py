"""The hosts' members page: who waits for approval, approve or decline, the person told."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cowork.models import Membership
from cowork.services.accounts.sign_up import membership_join
from notifications.messaging.dispatch import dispatch_due
from tests import factories


@pytest.fixture
def centre(db):
    return factories.SpaceFactory(name="Kyiv Hub", country="UA", members_need_approval=True)


@pytest.fixture
def host_client(client, centre):
    client.force_login(factories.HostFactory(space=centre).user)
    return client


@pytest.fixture
def waiting(centre):
    member = factories.MemberFactory(
        phone="+380671112202", language="uk", user__first_name="Iryna", user__last_name="B."
    )
    return membership_join(member=member, space=centre, now=timezone.now())


def _url(name, centre, membership=None):
    args = [centre.slug] + ([membership.pk] if membership else [])
    return reverse(f"accounts:{name}", args=args)


def test_the_host_calendar_links_to_the_members_page(host_client, centre):
    page = host_client.get(reverse("web:host-calendar", args=[centre.slug])).content.decode()
    assert f'href="{_url("members", centre)}"' in page


def test_hosts_see_who_waits_and_approve_them_and_the_person_is_told(
    host_client, centre, waiting, locmem_sms, relay_now
):
    assert waiting.status == Membership.Status.PENDING
    page = host_client.get(_url("members", centre)).content.decode()
    assert "Iryna B." in page and "Approve Iryna B." in page

    done = host_client.post(_url("member-approve", centre, waiting), follow=True)
    assert "Iryna B. is approved and told by SMS." in done.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Membership.Status.APPROVED and waiting.decided_at is not None
    relay_now()
    dispatch_due()
    (sms,) = locmem_sms
    assert sms.to == "+380671112202" and "Kyiv Hub" in sms.body


def test_a_declined_person_is_told_and_a_second_decision_changes_nothing(
    host_client, centre, waiting, locmem_sms, relay_now
):
    host_client.post(_url("member-decline", centre, waiting))
    again = host_client.post(_url("member-approve", centre, waiting), follow=True)
    assert "already approved or declined" in again.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Membership.Status.DECLINED
    relay_now()
    dispatch_due()
    assert len(locmem_sms) == 1


def test_people_who_do_not_host_the_centre_cannot_see_or_decide(client, centre, waiting):
    other_host = factories.HostFactory().user
    client.force_login(other_host)
    assert client.get(_url("members", centre)).status_code == 403
    assert client.post(_url("member-approve", centre, waiting)).status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == Membership.Status.PENDING


def test_a_membership_of_another_centre_is_not_decided_here(host_client, centre, waiting):
    elsewhere = factories.SpaceFactory()
    stranger = membership_join(
        member=factories.MemberFactory(), space=elsewhere, now=timezone.now()
    )
    page = host_client.post(_url("member-approve", centre, stranger), follow=True)
    assert "No such person waits at this centre" in page.content.decode()
