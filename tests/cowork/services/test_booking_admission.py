"""At a centre whose hosts approve new members, a member books only once approved."""

import datetime

import pytest

from cowork.errors import NotAllowed
from cowork.models import Booking, Membership
from cowork.services.booking import booking_create
from tests.factories import HostFactory, MemberFactory, ResourceFactory, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def approving_centre(space):
    space.members_need_approval = True
    space.save(update_fields=["members_need_approval"])
    return space


def _book(space, user, *, acting_user=None):
    start = next_weekday(space)
    return booking_create(
        resource=ResourceFactory(space=space),
        member=user,
        acting_user=acting_user or user,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )


@pytest.mark.parametrize("status", [None, Membership.Status.PENDING, Membership.Status.DECLINED])
def test_a_member_not_yet_approved_is_refused_and_nothing_is_booked(approving_centre, status):
    member = MemberFactory()
    if status:
        Membership.objects.create(member=member, space=approving_centre, status=status)
    with pytest.raises(NotAllowed) as refused:
        _book(approving_centre, member.user)
    assert refused.value.code == "not_admitted"
    assert not Booking.objects.exists()


def test_an_approved_member_books(approving_centre):
    member = MemberFactory()
    Membership.objects.create(
        member=member, space=approving_centre, status=Membership.Status.APPROVED
    )
    assert _book(approving_centre, member.user).pk


def test_a_host_books_for_a_member_waiting_for_approval(approving_centre):
    host = HostFactory(space=approving_centre).user
    assert _book(approving_centre, MemberFactory().user, acting_user=host).pk


def test_centres_that_ask_no_approval_admit_everyone(space):
    assert _book(space, MemberFactory().user).pk
