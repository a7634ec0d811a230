import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cowork.models import Resource
from tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def test_desk_seating_many_is_refused_by_clean_and_by_the_database(space):
    desk = Resource(space=space, kind=Resource.Kind.DESK, name="Desk 01", capacity=4)
    with pytest.raises(ValidationError) as excinfo:
        desk.full_clean()
    assert "capacity" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        desk.save()


def test_equipment_must_say_what_it_is(space):
    laptop = Resource(space=space, kind=Resource.Kind.EQUIPMENT, name="Laptop 1")
    with pytest.raises(ValidationError) as excinfo:
        laptop.full_clean()
    assert "equipment_type" in excinfo.value.message_dict


def test_half_a_floor_plan_position_is_refused(space):
    desk = Resource(space=space, kind=Resource.Kind.DESK, name="Desk 02", plan_x=10)
    with pytest.raises(ValidationError) as excinfo:
        desk.full_clean()
    assert "plan_y" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        desk.save()


def test_out_of_service_needs_a_reason_members_can_read(space):
    desk = ResourceFactory.build(space=space, out_of_service=True)
    with pytest.raises(ValidationError) as excinfo:
        desk.full_clean()
    assert "out_of_service_reason" in excinfo.value.message_dict


def test_two_resources_of_one_space_cannot_share_a_name(space):
    ResourceFactory(space=space, name="Desk 01")
    with pytest.raises(IntegrityError), transaction.atomic():
        ResourceFactory(space=space, name="Desk 01")
