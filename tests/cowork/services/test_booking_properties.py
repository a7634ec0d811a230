"""Property test of booking_create against the database: random requests by random members.

Whatever is accepted, the stored bookings never overlap per resource, never exceed the
head count, never give one person two desks at once, and respect quotas; every refusal is a
known rule or a conflict.
"""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cowork.errors import DomainError
from cowork.models import ACTIVE_STATUSES, Booking, Resource
from cowork.services.booking import booking_create
from tests.factories import MemberFactory, ResourceFactory, SpaceFactory, next_weekday

KNOWN = {
    "conflict",
    "safety_capacity",
    "quota_active_bookings",
    "quota_weekly_hours",
    "second_desk",
    "off_grid",
    "too_short",
    "too_long",
    "outside_opening_hours",
    "end_not_after_start",
}

attempts = st.lists(
    st.tuples(
        st.integers(0, 3),  # which desk
        st.integers(0, 2),  # which member
        st.integers(-4, 40),  # start, in quarter hours after 09:00 local
        st.integers(-1, 12),  # length in quarter hours
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.django_db
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(attempts)
def test_whatever_is_accepted_keeps_every_rule(script):
    with transaction.atomic():
        space = SpaceFactory(safety_capacity=2, max_active_bookings=3, max_hours_per_week=4)
        desks = [ResourceFactory(space=space) for _ in range(4)]
        members = [MemberFactory().user for _ in range(3)]
        nine = next_weekday(space, at=datetime.time(9, 0))
        for desk_index, member_index, quarter, length in script:
            start = nine + datetime.timedelta(minutes=15 * quarter)
            try:
                booking_create(
                    resource=desks[desk_index],
                    member=members[member_index],
                    starts_at=start,
                    ends_at=start + datetime.timedelta(minutes=15 * length),
                )
            except DomainError as refusal:
                assert refusal.code in KNOWN, refusal.code
        stored = list(
            Booking.objects.filter(space=space, status__in=ACTIVE_STATUSES).order_by("starts_at")
        )
        for booking in stored:
            local = [t.astimezone(space.zone).time() for t in (booking.starts_at, booking.ends_at)]
            assert datetime.time(9) <= local[0] and local[1] <= datetime.time(18)
            assert datetime.timedelta(minutes=30) <= booking.ends_at - booking.starts_at
            same_desk = [b for b in stored if b.resource_id == booking.resource_id and b != booking]
            assert all(
                not (b.starts_at < booking.ends_at and booking.starts_at < b.ends_at)
                for b in same_desk
            )
            at_start = [
                b
                for b in stored
                if b.resource.kind == Resource.Kind.DESK
                and b.starts_at <= booking.starts_at < b.ends_at
            ]
            assert len(at_start) <= space.safety_capacity
        for member in members:
            mine = [b for b in stored if b.booked_by_id == member.pk]
            assert len(mine) <= space.max_active_bookings
            hours = sum((b.ends_at - b.starts_at).total_seconds() for b in mine) / 3600
            assert hours <= space.max_hours_per_week
            # One person, one desk at a time.
            assert all(
                not (a.starts_at < b.ends_at and b.starts_at < a.ends_at)
                for a in mine
                for b in mine
                if a.pk < b.pk
            )
        transaction.set_rollback(True)
