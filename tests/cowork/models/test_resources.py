import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cowork.models import Resource
from tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fields", "field", "database_refuses"),
    [
        pytest.param(
            {"kind": Resource.Kind.DESK, "name": "Desk 01", "capacity": 4},
            "capacity",
            True,
            id="a-desk-seating-many",
        ),
        pytest.param(
            {"kind": Resource.Kind.EQUIPMENT, "name": "Laptop 1"},
            "equipment_type",
            False,
            id="equipment-not-saying-what-it-is",
        ),
        pytest.param(
            {"kind": Resource.Kind.DESK, "name": "Desk 02", "plan_x": 10},
            "plan_y",
            True,
            id="half-a-floor-plan-position",
        ),
    ],
)
def test_a_resource_breaking_a_rule_is_refused_by_clean_and_by_the_database_where_it_can(
    space, fields, field, database_refuses
):
    resource = Resource(space=space, **fields)
    with pytest.raises(ValidationError) as excinfo:
        resource.full_clean()
    assert field in excinfo.value.message_dict
    if database_refuses:
        with pytest.raises(IntegrityError), transaction.atomic():
            resource.save()


def test_out_of_service_needs_a_reason_members_can_read(space):
    desk = ResourceFactory.build(space=space, out_of_service=True)
    with pytest.raises(ValidationError) as excinfo:
        desk.full_clean()
    assert "out_of_service_reason" in excinfo.value.message_dict


def test_two_resources_of_one_space_cannot_share_a_name(space):
    ResourceFactory(space=space, name="Desk 01")
    with pytest.raises(IntegrityError), transaction.atomic():
        ResourceFactory(space=space, name="Desk 01")
