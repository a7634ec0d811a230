import pytest
from django.contrib.auth.models import AnonymousUser

from cowork.selectors.access import spaces_managed_by, spaces_staffed_by
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
