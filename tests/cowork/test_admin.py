"""Hosts manage their own organization's spaces in the admin, and nothing else; only
superusers give privileges; tags belong to an organization."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.forms.models import model_to_dict
from django.urls import reverse

from cowork.errors import NotAllowed
from cowork.models import Event, Resource, SpaceRole, Tag
from cowork.services.booking import booking_create
from cowork.services.events import event_create
from tests.cowork.admin_forms import change_page_data
from tests.cowork.conftest import demo_copied_for_each_test
from tests.factories import (
    HostFactory,
    MemberFactory,
    ResourceFactory,
    SpaceFactory,
    UserFactory,
    network_admin,
    next_weekday,
    one_session_event,
)

pytestmark = pytest.mark.django_db

# The demo network (26 centres), seeded once for the module's tests that ask for it;
# each gets a copy, and what it writes is rolled back after it.
demo = pytest.fixture(demo_copied_for_each_test, name="demo")


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

    from cowork.services.events import registration_create
    from tests.factories import HostFactory, RoomFactory, next_weekday

    events = []
    for space, host in (
        (host_role.space, host_role.user),
        (stranger_space, HostFactory(space=stranger_space).user),
    ):
        room = RoomFactory(space=space)
        start = next_weekday(space, at=datetime.time(11))
        event = one_session_event(room, host, start, title=f"Training at {space.name}", capacity=5)
        registration_create(event=event, name="Zaur", phone=f"+99450555{space.pk:04d}")
        events.append(event)
    client.force_login(host_role.user)
    page = client.get(reverse("admin:cowork_event_changelist"))
    assert list(page.context["cl"].queryset) == [events[0]]
    page = client.get(reverse("admin:cowork_registration_changelist"))
    assert [r.event for r in page.context["cl"].queryset] == [events[0]]
    assert client.get(reverse("admin:cowork_event_add")).status_code == 403


# --- Who may give privileges -------------------------------------------------------------


def test_network_admin_who_is_no_superuser_cannot_make_anyone_superuser_or_grant_permissions(
    client, demo
):

    editors = Group.objects.create(name="Editors")
    editors.permissions.set(Permission.objects.all())
    every_permission = list(Permission.objects.values_list("pk", flat=True))
    client.force_login(demo.admin)
    for user in (demo.admin, demo.host):
        url = reverse("admin:auth_user_change", args=[user.pk])
        page = client.get(url)
        assert page.status_code == 200
        form = page.context["adminform"].form
        assert not {"is_superuser", "groups", "user_permissions"} & set(form.fields)
        data = change_page_data(page)
        data.update(
            is_superuser="on",
            groups=[str(editors.pk)],
            user_permissions=[str(pk) for pk in every_permission],
            first_name="Renamed",
        )
        response = client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        user.refresh_from_db()
        assert user.first_name == "Renamed"  # the rest of the form was taken
        assert not user.is_superuser
        assert not user.groups.exists() and not user.user_permissions.exists()


def test_network_admin_who_is_no_superuser_cannot_change_a_superuser(client, demo):

    root = UserFactory(is_staff=True, is_superuser=True, email="root@example.org")
    client.force_login(demo.admin)
    url = reverse("admin:auth_user_change", args=[root.pk])
    page = client.get(url)
    assert page.status_code == 200  # to read
    assert not page.context["has_change_permission"]
    data = change_page_data(page) | {"email": "mine@example.org"}
    assert client.post(url, data).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[root.pk])
    assert client.post(password, {"password1": "x" * 20, "password2": "x" * 20}).status_code == 403
    assert (
        client.post(reverse("admin:auth_user_delete", args=[root.pk]), {"post": "yes"}).status_code
        == 403
    )
    root.refresh_from_db()
    assert root.email == "root@example.org" and root.check_password("correct horse battery staple")


def test_superuser_still_gives_superuser_status(client, demo):

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:auth_user_change", args=[demo.admin.pk])
    data = change_page_data(client.get(url)) | {"is_superuser": "on"}
    assert client.post(url, data).status_code == 302
    demo.admin.refresh_from_db()
    assert demo.admin.is_superuser


# --- What hosts may look up --------------------------------------------------------------

AUTOCOMPLETE = reverse("admin:autocomplete")


def _people_found(client, term: str) -> set[str]:
    response = client.get(
        AUTOCOMPLETE,
        {"app_label": "cowork", "model_name": "spacerole", "field_name": "user", "term": term},
    )
    assert response.status_code == 200
    return {result["text"] for result in response.json()["results"]}


def test_host_autocomplete_finds_only_people_of_their_centres(client, demo):

    desk = demo.kramatorsk.resources.filter(kind=Resource.Kind.DESK).first()
    start = next_weekday(demo.kramatorsk, weekday=1)
    booking_create(
        resource=desk, member=demo.member, starts_at=start, ends_at=start.replace(hour=12)
    )
    client.force_login(demo.host)
    # The Kramatorsk host, and the member who booked a desk there.
    assert _people_found(client, "") == {"host", "member"}
    # Nobody else, whether looked for by e-mail, last name or user name.
    for term in (
        "host.ganja@demo.cowork.invalid",
        "Huseynova",
        "Mammadova",
        "admin",
        "demo.cowork",
    ):
        assert _people_found(client, term) <= {"host", "member"}, term
    assert _people_found(client, "Huseynova") == set()
    client.force_login(demo.admin)
    assert _people_found(client, "Huseynova") == {"host.ganja"}


def test_host_cannot_give_a_role_to_someone_outside_their_centres(client, demo):

    client.force_login(demo.host)
    response = client.post(
        reverse("admin:cowork_spacerole_add"),
        {"user": demo.ganja_host.pk, "space": demo.kramatorsk.pk, "role": "staff"},
    )
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not SpaceRole.objects.filter(user=demo.ganja_host, space=demo.kramatorsk).exists()


# --- Tags belong to an organization -------------------------------------------------------


def test_kramatorsk_host_neither_lists_nor_renames_ganjas_tag(client, demo):

    network_tag = Tag.objects.create(kind=Tag.Kind.PROJECT, name="Digital skills for all")
    client.force_login(demo.host)
    listed = client.get(reverse("admin:cowork_tag_changelist"))
    assert set(listed.context["cl"].queryset) == {network_tag}
    assert "EU4Youth Ganja grant" not in listed.content.decode()
    url = reverse("admin:cowork_tag_change", args=[demo.ganja_tag.pk])
    assert client.get(url).status_code in (302, 404)
    response = client.post(url, {"kind": "donor", "name": "Kramatorsk grant"})
    assert response.status_code in (302, 403, 404)
    # The network's tag is theirs to use, not to rename.
    network_url = reverse("admin:cowork_tag_change", args=[network_tag.pk])
    assert client.post(network_url, {"kind": "project", "name": "Renamed"}).status_code == 403
    demo.ganja_tag.refresh_from_db()
    network_tag.refresh_from_db()
    assert (demo.ganja_tag.name, network_tag.name) == (
        "EU4Youth Ganja grant",
        "Digital skills for all",
    )
    # Their own organization's tags they rename at will.
    client.force_login(demo.ganja_host)
    response = client.post(
        url,
        {
            "kind": "donor",
            "name": "EU4Youth Ganja grant 2027",
            "organization": demo.ganja.organization_id,
        },
    )
    assert response.status_code == 302
    demo.ganja_tag.refresh_from_db()
    assert demo.ganja_tag.name == "EU4Youth Ganja grant 2027"


def test_kramatorsk_host_cannot_attach_ganjas_tag_to_an_event(client, demo, kramatorsk_event):

    network_tag = Tag.objects.create(kind=Tag.Kind.PROJECT, name="Digital skills for all")
    event = kramatorsk_event
    client.force_login(demo.host)
    url = reverse("admin:cowork_event_change", args=[event.pk])
    page = client.get(url)
    assert set(page.context["adminform"].form.fields["tags"].queryset) == {network_tag}
    data = change_page_data(page)
    response = client.post(url, data | {"tags": [str(demo.ganja_tag.pk)]})
    assert response.status_code == 200
    assert "tags" in response.context["adminform"].form.errors
    assert not event.tags.exists()
    # The network's tags any centre uses.
    assert client.post(url, data | {"tags": [str(network_tag.pk)]}).status_code == 302
    assert list(event.tags.all()) == [network_tag]
    # Nor through the service the event pages call.
    with pytest.raises(NotAllowed):
        event_create(
            space=demo.kramatorsk,
            room=event.room,
            host=demo.host,
            kind="training",
            title="Tagged elsewhere",
            sessions=[(event.starts_at.replace(hour=13), event.ends_at.replace(hour=15))],
            capacity=5,
            tags=[demo.ganja_tag],
        )
    assert not Event.objects.filter(title="Tagged elsewhere").exists()
    # The event admin's tag filter names only tags on the events the host may see.
    listed = client.get(reverse("admin:cowork_event_changelist"))
    assert "EU4Youth Ganja grant" not in listed.content.decode()


def test_hosts_tags_belong_to_their_organization_and_network_tags_to_admins(client, demo):

    add = reverse("admin:cowork_tag_add")
    client.force_login(demo.host)
    form = client.get(add).context["adminform"].form
    assert list(form.fields["organization"].queryset) == [demo.kramatorsk.organization]
    for organization in ("", demo.ganja.organization_id):
        response = client.post(
            add, {"kind": "project", "name": "Sneaky", "organization": organization}
        )
        assert response.status_code == 200
        assert "organization" in response.context["adminform"].form.errors
    response = client.post(
        add,
        {
            "kind": "project",
            "name": "IT Kramatorsk",
            "organization": demo.kramatorsk.organization_id,
        },
    )
    assert response.status_code == 302
    assert Tag.objects.get(name="IT Kramatorsk").organization == demo.kramatorsk.organization
    assert not Tag.objects.filter(name="Sneaky").exists()

    client.force_login(demo.admin)
    assert (
        client.post(add, {"kind": "donor", "name": "EU4Youth", "organization": ""}).status_code
        == 302
    )
    assert Tag.objects.get(name="EU4Youth").organization is None


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
