"""The people page invites a phone without an account to work at the centre: read in the
centre's country, listed masked with its role and expiry until accepted, withdrawn with
one button, after which its link is refused."""

import re

import pytest
from django.urls import reverse

from cowork.models import Invitation, SpaceRole
from cowork.services.accounts.invitations import invitation_send
from notifications.messaging.dispatch import dispatch_due
from tests.factories import HostFactory, SpaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre():
    return SpaceFactory(name="Kyiv Hub", country="UA", languages=["uk", "en"])


@pytest.fixture
def host_client(client, centre):
    client.force_login(HostFactory(space=centre).user)
    return client


def _people(centre) -> str:
    return reverse("web:manage-people", args=[centre.slug])


def _link(outbox) -> str:
    return re.search(r"https?://[^/\s]+(/i/\S+/)", outbox[-1].body).group(1)


def test_a_national_number_without_an_account_is_invited_and_listed_masked(
    host_client, centre, locmem_sms
):
    form = host_client.get(_people(centre)).content.decode()
    assert "050 123 4567" in form  # the centre's country's example
    sent = host_client.post(_people(centre), {"who": "067 111 22 02", "role": "staff"}, follow=True)
    page = sent.content.decode()
    assert "An invitation (Staff) is on its way by SMS to +38067*****02." in page
    invitation = Invitation.objects.get()
    assert (invitation.phone, invitation.role) == ("+380671112202", "staff")
    listed = page[page.index("Invited, not accepted yet") :]
    assert "+38067*****02" in listed and "+380671112202" not in page
    assert "Staff" in listed and "works until" in listed
    dispatch_due()
    assert locmem_sms[-1].to == "+380671112202"


def test_withdrawing_takes_it_off_the_list_and_its_link_stops_working(
    host_client, centre, locmem_sms
):
    host_client.post(_people(centre), {"who": "+380671112202", "role": "host"})
    dispatch_due()
    link = _link(locmem_sms)
    invitation = Invitation.objects.get()
    withdraw = reverse("web:manage-invitation-withdraw", args=[centre.slug, invitation.pk])
    page = host_client.post(withdraw, follow=True).content.decode()
    assert "The invitation to +38067*****02 no longer works." in page
    assert "Invited, not accepted yet" not in page
    again = host_client.post(withdraw, follow=True).content.decode()
    assert "accepted, expired or withdrawn already" in again
    host_client.logout()
    assert host_client.get(link).status_code == 410


def test_the_link_opens_an_account_that_the_people_page_then_lists_with_its_role(
    host_client, centre, locmem_sms
):
    host_client.post(_people(centre), {"who": "067 111 22 02", "role": "host"})
    dispatch_due()
    link = _link(locmem_sms)
    host_client.logout()
    form = host_client.get(link).content.decode()
    assert "Your role at Kyiv Hub: Host." in form
    welcome = host_client.post(link, {"name": "Iryna Bondar", "language": "en"}, follow=True)
    assert "Your role at Kyiv Hub: Host." in welcome.content.decode()
    role = SpaceRole.objects.get(user__member__phone="+380671112202")
    assert (role.space, role.role) == (centre, "host")
    # The new host manages the centre at once, and sees themself on its people page.
    page = host_client.get(_people(centre)).content.decode()
    assert "Iryna Bondar" in page and "Invited, not accepted yet" not in page


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("nobody.here", "No account has this username. To invite someone, enter their phone."),
        ("044 123 4567", "is a landline and cannot receive SMS"),
        ("+998 90 111 22 33", "This centre accepts phone numbers from Ukraine only"),
    ],
)
def test_what_cannot_be_invited_is_said_on_the_form(host_client, centre, who, error):
    response = host_client.post(_people(centre), {"who": who, "role": "staff"})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_invitation_of_another_centre_is_not_found_through_this_one(
    host_client, centre, locmem_sms
):
    other = SpaceFactory(name="Lviv Hub", country="UA")
    theirs = invitation_send(
        space=other, host=HostFactory(space=other).user, phone="+380671112202", role="staff"
    )
    withdraw = reverse("web:manage-invitation-withdraw", args=[centre.slug, theirs.pk])
    assert host_client.post(withdraw).status_code == 404
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None
