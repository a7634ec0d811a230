import pytest
from django.contrib.auth.models import AnonymousUser

from cowork.selectors.access import (
    SpaceRoles,
    space_roles_of,
    spaces_managed_by,
    spaces_staffed_by,
    user_is_network_admin,
    user_manages_space,
    user_works_at_space,
)
from tests.factories import HostFactory, SpaceFactory, UserFactory, network_admin

pytestmark = pytest.mark.django_db


def test_host_manages_every_space_of_their_organization_and_no_other():
    role = HostFactory()
    sister = SpaceFactory(organization=role.space.organization)
    stranger = SpaceFactory()
    managed = set(spaces_managed_by(user=role.user))
    assert managed == {role.space, sister}
    assert stranger not in managed


def test_staff_work_at_their_space_but_manage_nothing():
    role = HostFactory(role="staff")
    assert list(spaces_staffed_by(user=role.user)) == [role.space]
    assert not spaces_managed_by(user=role.user).exists()


def test_network_admin_manages_every_space():
    spaces = {SpaceFactory(), SpaceFactory()}
    assert set(spaces_managed_by(user=network_admin())) == spaces


def test_anonymous_and_plain_members_manage_nothing():
    SpaceFactory()
    assert not spaces_managed_by(user=AnonymousUser()).exists()
    assert not spaces_managed_by(user=UserFactory()).exists()
    assert not spaces_staffed_by(user=AnonymousUser()).exists()


def _roles_read_afresh(user):
    """`space_roles_of` on a copy of `user` read from the database, as a request reads it."""
    return space_roles_of(user=type(user).objects.get(pk=user.pk))


def test_roles_read_once_say_what_the_checks_say(django_assert_num_queries):
    host = HostFactory()
    sister = SpaceFactory(organization=host.space.organization)
    elsewhere = HostFactory(user=host.user, role="staff").space
    stranger = SpaceFactory()
    user = type(host.user).objects.get(pk=host.user.pk)
    with django_assert_num_queries(1):
        roles = space_roles_of(user=user)
        assert space_roles_of(user=user) is roles  # kept on the user for the request
    assert roles == SpaceRoles(
        staffed=frozenset({host.space.pk, sister.pk, elsewhere.pk}),
        managed=frozenset({host.space.pk, sister.pk}),
    )
    fresh = type(user).objects.get(pk=user.pk)  # the same person, no roles read yet
    for space in (host.space, sister, elsewhere, stranger):
        assert roles.works_at(space) == user_works_at_space(user=fresh, space=space)
        assert roles.manages(space) == user_manages_space(user=fresh, space=space)
    with django_assert_num_queries(0):  # the checks answer from what was read
        assert user_manages_space(user=user, space=sister)
        assert not user_works_at_space(user=user, space=stranger)
        assert not user_is_network_admin(user=user)


def test_roles_of_network_admins_members_and_strangers():
    space = SpaceFactory()
    admin = _roles_read_afresh(network_admin())
    assert admin.network_admin and admin.works_at(space) and admin.manages(space)
    member = _roles_read_afresh(UserFactory())
    assert member == SpaceRoles() and not member.works_somewhere
    assert space_roles_of(user=AnonymousUser()) == SpaceRoles()
    staff = _roles_read_afresh(HostFactory(role="staff", space=space).user)
    assert staff.works_somewhere and staff.works_at(space) and not staff.manages(space)
