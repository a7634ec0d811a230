"""A space's booking rules read in one query, or within the API's read of the resource:
the same opening hours and closures as the ORM's own reads, and no query afterwards."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cowork.errors import NotFound
from cowork.models import Closure, OpeningHours
from cowork.selectors.rules import rules_read, space_with_rules
from cowork.selectors.spaces import resource_bookable
from tests.factories import ClosureFactory, ResourceFactory

pytestmark = pytest.mark.django_db

AROUND = datetime.datetime(2027, 3, 19, 10, tzinfo=datetime.UTC)


def _rules(space) -> tuple[list, list]:
    return (
        [(h.pk, h.weekday, h.opens, h.closes) for h in space.opening_hours.all()],
        [
            (c.pk, c.starts_on, c.ends_on, c.reason, c.yearly_series, c.translations)
            for c in space.closures.all()
        ],
    )


def test_the_rules_read_in_the_resource_query_are_the_space_s_own_and_cost_nothing_more(space):
    OpeningHours.objects.create(
        space=space, weekday=5, opens=datetime.time(10, 30), closes=datetime.time(14)
    )
    near = ClosureFactory(  # 20–24 March, its reason named in Ukrainian too
        space=space, yearly_series=uuid.uuid4(), translations={"uk": {"reason": "Новруз"}}
    )
    ClosureFactory(
        space=space, starts_on=datetime.date(2027, 3, 1), ends_on=datetime.date(2027, 3, 2)
    )
    desk = ResourceFactory(space=space)
    expected_hours = [
        (h.pk, h.weekday, h.opens, h.closes)
        for h in OpeningHours.objects.filter(space=space).order_by("weekday", "opens")
    ]
    with CaptureQueriesContext(connection) as queries:
        resource = resource_bookable(resource_id=desk.pk, rules_around=AROUND)
        hours, closures = _rules(resource.space)
    assert len(queries) == 1
    assert resource.pk == desk.pk and resource.space.pk == space.pk
    assert resource.space.safety_capacity == space.safety_capacity
    assert hours == expected_hours and len(hours) == 6
    assert closures == [
        (near.pk, near.starts_on, near.ends_on, near.reason, near.yearly_series, near.translations)
    ]
    assert resource.space.closures.all()[0].text_in("reason", "uk") == "Новруз"
    assert all(rule.space is resource.space for rule in resource.space.closures.all())

    # Read for that day already: nothing more; for another day, one query.
    with CaptureQueriesContext(connection) as queries:
        assert rules_read(resource.space, around=AROUND) is resource.space
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        rules_read(resource.space, around=AROUND + datetime.timedelta(days=30))
    assert len(queries) == 1 and _rules(resource.space)[1] == []
    assert _rules(space_with_rules(space.pk, around=AROUND)) == (expected_hours, closures)


def test_a_space_without_rules_reads_none_and_a_missing_resource_is_not_found(space):
    OpeningHours.objects.filter(space=space).delete()
    Closure.objects.filter(space=space).delete()
    desk = ResourceFactory(space=space)
    assert _rules(resource_bookable(resource_id=desk.pk, rules_around=AROUND).space) == ([], [])
    space.is_active = False
    space.save(update_fields=["is_active"])
    with pytest.raises(NotFound):
        resource_bookable(resource_id=desk.pk, rules_around=AROUND)


def test_rules_read_with_the_space_keep_what_else_was_prefetched_with_it(space):
    from cowork.models import Space
    from cowork.selectors.rules import rules_attached, rules_columns

    desk = ResourceFactory(space=space)
    OpeningHours.objects.create(
        space=space, weekday=4, opens=datetime.time(9), closes=datetime.time(18)
    )
    read = (
        Space.objects.annotate(**rules_columns(around=AROUND))
        .prefetch_related("resources")
        .get(pk=space.pk)
    )
    rules_attached(read, around=AROUND, row=read)
    expected = _rules(Space.objects.get(pk=space.pk))
    with CaptureQueriesContext(connection) as queries:
        assert list(read.resources.all()) == [desk]
        assert _rules(read) == expected
    assert queries.captured_queries == []
