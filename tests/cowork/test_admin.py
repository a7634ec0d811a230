"""Hosts manage their own organization's spaces in the admin, and nothing else."""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from cowork.models import Resource
from tests.factories import HostFactory, MemberFactory, ResourceFactory, SpaceFactory, network_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def host_role():
    return HostFactory()


@pytest.fixture
def stranger_space():
    return SpaceFactory(name="Other NGO centre")


def test_host_sees_only_their_organizations_spaces(client, host_role, stranger_space):
    sister = SpaceFactory(organization=host_role.space.organization, name="Sister centre")
    client.force_login(host_role.user)
    page = client.get(reverse("admin:cowork_space_changelist"))
    assert page.status_code == 200
    listed = set(page.context["cl"].queryset)
    assert listed == {host_role.space, sister}


def test_host_cannot_open_another_organizations_space(client, host_role, stranger_space):
    client.force_login(host_role.user)
    page = client.get(reverse("admin:cowork_space_change", args=[stranger_space.pk]))
    # The admin answers a row outside the queryset as missing (a redirect to the index
    # with a message), never with the row.
    assert page.status_code in (302, 404)
    assert stranger_space.name not in page.content.decode()


def test_host_cannot_move_a_resource_to_another_organizations_space(
    client, host_role, stranger_space
):
    desk = ResourceFactory(space=host_role.space, name="Desk 07")
    client.force_login(host_role.user)
    url = reverse("admin:cowork_resource_change", args=[desk.pk])
    form = client.get(url).context["adminform"].form
    assert stranger_space not in form.fields["space"].queryset
    response = client.post(
        url,
        {
            "space": stranger_space.pk,
            "kind": "desk",
            "name": "Desk 07",
            "capacity": 1,
            "price_per_hour": "0",
            "plan_width": 60,
            "plan_height": 40,
        },
    )
    assert response.status_code == 200  # the form comes back with an error
    assert "space" in response.context["adminform"].form.errors
    desk.refresh_from_db()
    assert desk.space == host_role.space


def test_host_edits_a_resource_of_their_own_space(client, host_role):
    client.force_login(host_role.user)
    response = client.post(
        reverse("admin:cowork_resource_add"),
        {
            "space": host_role.space.pk,
            "kind": "room",
            "name": "Training room",
            "capacity": 24,
            "equipment": ["projector", "interactive_whiteboard"],
            "price_per_hour": "20.00",
            "plan_width": 300,
            "plan_height": 120,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    room = Resource.objects.get(name="Training room")
    assert room.equipment == ["projector", "interactive_whiteboard"]


def test_people_and_outbox_are_for_network_admins_only(client, host_role):
    MemberFactory()
    client.force_login(host_role.user)
    assert client.get(reverse("admin:cowork_member_changelist")).status_code == 403
    assert client.get(reverse("admin:cowork_domainevent_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_network_admin_sees_every_space(client, host_role, stranger_space):
    client.force_login(network_admin())
    page = client.get(reverse("admin:cowork_space_changelist"))
    assert set(page.context["cl"].queryset) == {host_role.space, stranger_space}
    assert client.get(reverse("admin:cowork_member_changelist")).status_code == 200


def test_host_filters_and_searches_resources_as_they_would_daily(client, host_role):
    ResourceFactory(space=host_role.space, name="Desk 01")
    ResourceFactory(space=host_role.space, name="Meeting room", kind="room", capacity=10)
    client.force_login(host_role.user)
    page = client.get(reverse("admin:cowork_resource_changelist"), {"kind__exact": "room"})
    assert [resource.name for resource in page.context["cl"].queryset] == ["Meeting room"]
    page = client.get(reverse("admin:cowork_resource_changelist"), {"q": "Desk"})
    assert [resource.name for resource in page.context["cl"].queryset] == ["Desk 01"]


def test_host_reads_bookings_of_their_spaces_only(client, host_role, stranger_space):
    from cowork.services.booking import booking_create
    from tests.factories import next_weekday

    mine = ResourceFactory(space=host_role.space, name="Desk 01")
    theirs = ResourceFactory(space=stranger_space, name="Desk 99")
    member = MemberFactory().user
    for resource in (mine, theirs):
        start = next_weekday(resource.space)
        booking_create(
            resource=resource, member=member, starts_at=start, ends_at=start.replace(hour=11)
        )
    client.force_login(host_role.user)
    page = client.get(reverse("admin:cowork_booking_changelist"))
    assert [booking.resource for booking in page.context["cl"].queryset] == [mine]


def test_host_sees_events_and_registrations_of_their_centres_only(
    client, host_role, stranger_space
):
    import datetime

    from cowork.services.events import event_create, registration_create
    from tests.factories import HostFactory, RoomFactory, next_weekday

    events = []
    for space, host in (
        (host_role.space, host_role.user),
        (stranger_space, HostFactory(space=stranger_space).user),
    ):
        room = RoomFactory(space=space)
        start = next_weekday(space, at=datetime.time(11))
        event = event_create(
            space=space,
            room=room,
            host=host,
            kind="training",
            title=f"Training at {space.name}",
            sessions=[(start, start + datetime.timedelta(hours=2))],
            capacity=5,
        )
        registration_create(event=event, name="Zaur", phone=f"+99450555{space.pk:04d}")
        events.append(event)
    client.force_login(host_role.user)
    page = client.get(reverse("admin:cowork_event_changelist"))
    assert list(page.context["cl"].queryset) == [events[0]]
    page = client.get(reverse("admin:cowork_registration_changelist"))
    assert [r.event for r in page.context["cl"].queryset] == [events[0]]
    assert client.get(reverse("admin:cowork_event_add")).status_code == 403


def test_host_sets_the_countries_and_new_numbers_their_centre_texts(client, host_role):
    space = host_role.space
    client.force_login(host_role.user)
    page = client.get(reverse("admin:cowork_space_change", args=[space.pk]))
    form = page.context["adminform"].form
    assert {"phone_countries", "sms_unverified_daily_limit"} <= set(form.fields)
    data = {
        **model_to_dict(space, fields=list(form.fields)),
        "phone_countries": ["AZ", "GE"],
        "sms_unverified_daily_limit": 50,
    }
    edited = type(form)(data=data, instance=space)
    assert edited.is_valid(), edited.errors
    edited.save()
    space.refresh_from_db()
    assert space.accepted_phone_countries == ["AZ", "GE"]
    assert space.sms_unverified_daily_limit == 50
    refused = type(form)(data={**data, "phone_countries": ["XX"]}, instance=space)
    assert "phone_countries" in refused.errors
