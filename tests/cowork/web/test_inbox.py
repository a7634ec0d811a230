"""The host's inbox: what waits at every centre they manage, whatever its day, decided with
plain forms; its count in the header; nobody else's."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cowork.models import BookingStatus, Membership, RegistrationStatus
from cowork.services.accounts.sign_up import membership_join
from cowork.services.booking import booking_create
from cowork.services.events import registration_create
from tests import factories
from tests.cowork.web.conftest import booked, local

pytestmark = pytest.mark.django_db
INBOX = "/inbox/"


@pytest.fixture
def hall(space):
    return factories.RoomFactory(space=space, name="Hall", needs_approval=True)


@pytest.fixture
def request_next_month(space, hall, member, day):
    later = day + datetime.timedelta(days=28)
    return booked(hall, member, later, "14:00", "16:00", purpose="Youth council meeting")


@pytest.fixture
def waiting_registration(space):
    event = factories.EventFactory(
        room=factories.RoomFactory(space=space, name="Class"),
        title="Grant writing",
        registrations_need_approval=True,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        ends_at=timezone.now() + datetime.timedelta(days=2, hours=2),
    )
    registration, _key = registration_create(
        event=event, name="Leyla Mammadova", phone="+994501110009", language="az"
    )
    return registration


@pytest.fixture
def waiting_membership(space):
    space.members_need_approval = True
    space.save(update_fields=["members_need_approval"])
    member = factories.MemberFactory(user__first_name="Orkhan", user__last_name="Z.")
    return membership_join(member=member, space=space, now=timezone.now())


def test_everything_waiting_shows_whatever_its_day(
    host_client, request_next_month, waiting_registration, waiting_membership
):
    page = host_client.get(INBOX)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Hall" in html and "Youth council meeting" in html and "Nigar Aliyeva" in html
    assert "Grant writing" in html and "Leyla Mammadova" in html
    assert "Orkhan Z." in html
    assert page.context["total"] == 3
    # The header counts them on every page.
    assert '<span class="badge badge-count">3</span>' in html
    assert '<span class="badge badge-count">3</span>' in host_client.get("/").content.decode()


def test_approving_a_request_from_the_inbox_confirms_it_and_empties_the_count(
    host_client, request_next_month
):
    url = reverse("web:inbox-booking", args=[request_next_month.pk, "approve"])
    done = host_client.post(url, follow=True)
    assert done.redirect_chain == [(INBOX, 302)]
    request_next_month.refresh_from_db()
    assert request_next_month.status == BookingStatus.CONFIRMED
    html = done.content.decode()
    assert "Approved: Hall for Nigar Aliyeva." in html and "badge-count" not in html


def test_declining_a_request_needs_a_reason_and_a_missing_one_changes_nothing(
    host_client, request_next_month
):
    url = reverse("web:inbox-booking", args=[request_next_month.pk, "decline"])
    refused = host_client.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert "Say why the booking is declined." in refused.content.decode()
    request_next_month.refresh_from_db()
    assert request_next_month.status == BookingStatus.PENDING
    host_client.post(url, {"reason": "The hall is rented out"})
    request_next_month.refresh_from_db()
    assert request_next_month.status == BookingStatus.DECLINED
    assert request_next_month.reason == "The hall is rented out"


def test_a_second_decision_is_refused_on_the_item(host_client, host, request_next_month):
    url = reverse("web:inbox-booking", args=[request_next_month.pk, "approve"])
    host_client.post(url)
    again = host_client.post(
        reverse("web:inbox-booking", args=[request_next_month.pk, "decline"]), {"reason": "No"}
    )
    assert again.status_code == 422
    assert "A booking that is confirmed cannot be declined." in again.content.decode()
    request_next_month.refresh_from_db()
    assert request_next_month.status == BookingStatus.CONFIRMED


def test_registrations_and_members_are_decided_from_the_inbox(
    host_client, waiting_registration, waiting_membership
):
    url = reverse("web:inbox-registration", args=[waiting_registration.pk, "decline"])
    done = host_client.post(url, {"reason": "For women's NGOs only"}, follow=True)
    assert "Leyla Mammadova is not approved for Grant writing" in done.content.decode()
    waiting_registration.refresh_from_db()
    assert waiting_registration.status == RegistrationStatus.CANCELLED
    host_client.post(reverse("web:inbox-membership", args=[waiting_membership.pk, "approve"]))
    waiting_membership.refresh_from_db()
    assert waiting_membership.status == Membership.Status.APPROVED
    assert host_client.get(INBOX).context["total"] == 0


def test_a_registration_approved_from_the_inbox_takes_a_place(host_client, waiting_registration):
    url = reverse("web:inbox-registration", args=[waiting_registration.pk, "approve"])
    done = host_client.post(url, follow=True)
    waiting_registration.refresh_from_db()
    assert waiting_registration.status == RegistrationStatus.CONFIRMED
    assert "Leyla Mammadova is approved for Grant writing: Confirmed." in done.content.decode()


def test_the_inbox_is_the_hosts_own(client, space, member, request_next_month):
    assert client.get(INBOX)["Location"].startswith(reverse("login"))
    client.force_login(member)
    assert client.get(INBOX).status_code == 403
    staff = factories.HostFactory(space=space, role="staff").user
    client.force_login(staff)
    assert client.get(INBOX).status_code == 403
    # A host of another organization neither sees nor decides this centre's requests.
    stranger = factories.HostFactory(space=factories.SpaceFactory()).user
    client.force_login(stranger)
    assert "Hall" not in client.get(INBOX).content.decode()
    url = reverse("web:inbox-booking", args=[request_next_month.pk, "approve"])
    assert client.post(url).status_code == 404
    request_next_month.refresh_from_db()
    assert request_next_month.status == BookingStatus.PENDING


def test_deciding_needs_the_forms_csrf_token(host, request_next_month):
    client = Client(enforce_csrf_checks=True)
    client.force_login(host)
    url = reverse("web:inbox-booking", args=[request_next_month.pk, "approve"])
    assert client.post(url).status_code == 403
    request_next_month.refresh_from_db()
    assert request_next_month.status == BookingStatus.PENDING
    assert client.get(url).status_code == 405


def test_members_see_no_inbox_link(client, member):
    client.force_login(member)
    assert 'href="/inbox/"' not in client.get("/").content.decode()


def test_the_header_gives_staff_their_centre_and_hosts_their_inbox_too(
    client, space, request_next_month
):
    """Staff work at the centre (calendar, live) but manage nothing: no inbox, no count."""
    client.force_login(factories.HostFactory(space=space, role="staff").user)
    page = client.get("/").content.decode()
    assert 'href="/live/"' in page and 'href="/calendar/"' in page
    assert 'href="/inbox/"' not in page and 'href="/manage/"' not in page
    client.force_login(factories.HostFactory(space=space).user)
    page = client.get("/").content.decode()
    assert 'href="/live/"' in page and 'href="/manage/"' in page
    assert 'class="header-inbox" href="/inbox/"' in page


def test_the_inbox_page_runs_a_fixed_few_queries(
    host_client,
    request_next_month,
    waiting_registration,
    space,
    hall,
    member,
    day,
    django_assert_max_num_queries,
):
    for hour in ("10:00", "12:00"):
        booking_create(
            resource=hall,
            member=member,
            starts_at=local(space, day, hour),
            ends_at=local(space, day, hour) + datetime.timedelta(hours=1),
        )
    for _ in range(3):
        membership_join(member=factories.MemberFactory(), space=space, now=timezone.now())
    Membership.objects.update(status=Membership.Status.PENDING)
    with django_assert_max_num_queries(12):
        page = host_client.get(INBOX)
    assert page.status_code == 200 and page.context["total"] == 7
