"""Centre management through its services: what hosts change, what they are told first,
and what members holding bookings are spared from finding out at the door."""

import datetime

import pytest

from cowork.booking_rules import Period
from cowork.errors import InvalidInput, NotAllowed
from cowork.models import Booking, BookingStatus, Closure, DomainEvent, DomainEventKind, Resource
from cowork.services.booking import booking_create
from cowork.services.centres.closures import (
    YEARLY_YEARS,
    ClosedDays,
    closure_remove,
    closures_add,
    yearly_closures_extend,
)
from cowork.services.centres.hours import opening_hours_replace
from cowork.services.centres.resources import desks_add, floor_plan_arrange, resource_retire
from cowork.services.centres.roles import space_role_grant, space_role_revoke
from cowork.services.centres.spaces import space_update
from cowork.services.centres.stranded import StrandsBookings
from tests.factories import HostFactory, MemberFactory, ResourceFactory, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(space):
    desk = ResourceFactory(space=space, name="Desk 01")
    start = next_weekday(space, weekday=2, at=datetime.time(16))
    return booking_create(
        resource=desk,
        member=MemberFactory().user,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )


def _kinds() -> list[str]:
    return list(DomainEvent.objects.order_by("id").values_list("kind", flat=True))


def test_shorter_hours_list_the_bookings_they_strand_and_change_nothing(space, host, booking):
    events = DomainEvent.objects.count()
    shorter = [Period(day, datetime.time(9), datetime.time(15)) for day in range(5)]
    with pytest.raises(StrandsBookings) as refused:
        opening_hours_replace(space=space, by=host, periods=shorter)
    assert refused.value.bookings == [booking]
    assert space.opening_hours.filter(closes=datetime.time(18)).count() == 5
    assert DomainEvent.objects.count() == events


def test_shorter_hours_cancel_the_stranded_bookings_when_asked(space, host, booking):
    shorter = [Period(day, datetime.time(9), datetime.time(15)) for day in range(5)]
    cancelled = opening_hours_replace(space=space, by=host, periods=shorter, cancel_bookings=True)
    assert cancelled == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert _kinds()[-2:] == [DomainEventKind.BOOKING_CANCELLED, DomainEventKind.SPACE_HOURS_CHANGED]


def test_a_day_may_have_several_periods_but_not_overlapping_ones(space, host):
    split = [
        Period(0, datetime.time(9), datetime.time(13)),
        Period(0, datetime.time(14), datetime.time(18)),
    ]
    opening_hours_replace(space=space, by=host, periods=split)
    assert space.opening_hours.filter(weekday=0).count() == 2
    with pytest.raises(InvalidInput):
        opening_hours_replace(
            space=space,
            by=host,
            periods=[*split, Period(0, datetime.time(12), datetime.time(15))],
        )
    assert space.opening_hours.filter(weekday=0).count() == 2


def test_a_closure_on_a_booked_day_is_refused_until_the_bookings_are_cancelled(
    space, host, booking
):
    day = booking.starts_at.astimezone(space.zone).date()
    holiday = [ClosedDays(day, day, "Independence Day")]
    with pytest.raises(StrandsBookings):
        closures_add(space=space, by=host, closures=holiday)
    assert not Closure.objects.filter(space=space, reason="Independence Day").exists()
    closures_add(space=space, by=host, closures=holiday, cancel_bookings=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert Closure.objects.filter(space=space, starts_on=day).exists()


def test_a_yearly_closure_closes_the_day_every_year_and_goes_as_one(space, host):
    first = datetime.date(2031, 9, 1)
    (row, *_rest) = closures_add(
        space=space, by=host, closures=[ClosedDays(first, first, "Independence Day", yearly=True)]
    )
    days = list(space.closures.order_by("starts_on").values_list("starts_on", flat=True))
    assert days == [first.replace(year=first.year + n) for n in range(YEARLY_YEARS)]
    assert closure_remove(closure=row, by=host) == YEARLY_YEARS
    assert not space.closures.exists()


def test_retiring_a_booked_desk_lists_its_bookings_then_cancels_them(space, host, booking):
    desk = booking.resource
    with pytest.raises(StrandsBookings):
        resource_retire(resource=desk, by=host, reason="Broken chair")
    desk.refresh_from_db()
    assert not desk.out_of_service
    assert resource_retire(resource=desk, by=host, reason="Broken chair", cancel_bookings=True) == 1
    desk.refresh_from_db()
    assert desk.out_of_service and desk.out_of_service_reason == "Broken chair"
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED


def test_ten_desks_are_numbered_and_laid_out_without_overlap(space, host):
    desks = desks_add(space=space, by=host, count=10, prefix="Desk")
    assert [d.name for d in desks] == [f"Desk {n:02d}" for n in range(1, 11)]
    boxes = {(d.plan_x, d.plan_y) for d in desks}
    assert len(boxes) == 10 and None not in {x for x, _y in boxes}
    more = desks_add(
        space=space, by=host, count=1, prefix="Desk", prefixes={"ru": "Стол", "uz": " "}
    )
    assert more[0].name == "Desk 11"
    assert more[0].translations == {"ru": {"name": "Стол 11"}}  # an empty name is no name
    assert _kinds().count(DomainEventKind.RESOURCE_CREATED) == 11


def test_a_place_outside_the_plan_is_refused_and_nothing_moves(space, host):
    desk = ResourceFactory(space=space, name="Desk 01", plan_x=20, plan_y=20)
    with pytest.raises(InvalidInput):
        floor_plan_arrange(space=space, by=host, positions={desk.pk: (space.floor_plan_width, 0)})
    assert floor_plan_arrange(space=space, by=host, positions={desk.pk: (100, 200)}) == 1
    desk.refresh_from_db()
    assert (desk.plan_x, desk.plan_y) == (100, 200)
    assert Resource.objects.get(pk=desk.pk).plan_x == 100


def test_hosts_change_rules_but_not_what_costs_the_network(space, host):
    space_update(space=space, by=host, changes={"max_days_ahead": 30, "sms_sender_id": "Centre"})
    space.refresh_from_db()
    assert (space.max_days_ahead, space.sms_sender_id) == (30, "Centre")
    with pytest.raises(InvalidInput):
        space_update(space=space, by=host, changes={"sms_monthly_budget": 999999})
    with pytest.raises(InvalidInput):
        space_update(space=space, by=host, changes={"sms_sender_id": "!!"})
    space.refresh_from_db()
    assert space.sms_sender_id == "Centre"


def test_someone_else_cannot_change_the_centre(space):
    stranger = HostFactory().user  # a host of another organization's centre
    with pytest.raises(NotAllowed):
        space_update(space=space, by=stranger, changes={"name": "Mine now"})
    with pytest.raises(NotAllowed):
        desks_add(space=space, by=stranger, count=1, prefix="Desk")
    assert not space.resources.exists()


def test_a_host_gives_and_takes_roles_but_keeps_their_own(space, host):
    helper = MemberFactory().user
    role = space_role_grant(space=space, by=host, user=helper, role="staff")
    assert space.roles.get(user=helper).role == "staff"
    space_role_revoke(role=role, by=host)
    assert not space.roles.filter(user=helper).exists()
    with pytest.raises(NotAllowed):
        space_role_revoke(role=space.roles.get(user=host), by=host)
    assert _kinds()[-2:] == [DomainEventKind.ROLE_GRANTED, DomainEventKind.ROLE_REVOKED]


def test_the_daily_schedule_keeps_yearly_closures_written_five_years_ahead(space, host):
    leap_day = datetime.date(2028, 2, 29)
    closures_add(
        space=space, by=host, closures=[ClosedDays(leap_day, leap_day, "Leap day", yearly=True)]
    )
    closures_add(
        space=space, by=host, closures=[ClosedDays(leap_day, leap_day, "Once only", yearly=False)]
    )
    assert yearly_closures_extend(today=datetime.date(2028, 6, 1)) == 0

    # Two years on: 2033 and 2034 are added, on the 28th in those common years.
    assert yearly_closures_extend(today=datetime.date(2030, 1, 1)) == 2
    days = list(
        Closure.objects.filter(reason="Leap day")
        .order_by("starts_on")
        .values_list("starts_on", flat=True)
    )
    assert [day.year for day in days] == list(range(2028, 2035))
    assert days[-1] == datetime.date(2034, 2, 28) and days[4] == datetime.date(2032, 2, 29)
    added = DomainEvent.objects.filter(kind=DomainEventKind.CLOSURE_ADDED).order_by("-pk")[:2]
    assert {event.payload["starts_on"] for event in added} == {"2033-02-28", "2034-02-28"}
    assert all(event.payload["by"] is None for event in added)
    # Run again the same day: nothing more, and the one-off closure never repeats.
    assert yearly_closures_extend(today=datetime.date(2030, 1, 1)) == 0
    assert Closure.objects.filter(reason="Once only").count() == 1
