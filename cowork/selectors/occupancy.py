"""What a centre looks like now: each desk and room's state, the head count, today's visits.

These are the reads behind the live dashboard, room displays and the network view. They
return plain data; realtime/protocol.py turns it into messages.
"""

import datetime
import json
from collections import defaultdict
from typing import NamedTuple

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat

from cowork.db import JSONList, JSONRows, json_loaded
from cowork.models import (
    ACTIVE_STATUSES,
    Attendance,
    Booking,
    BookingStatus,
    Resource,
    Space,
    WalkIn,
)
from cowork.selectors.visits import WALK_IN_FIELDS, WalkInTally, tally_walk_ins, walk_in_rows

FREE = "free"
BOOKED = "booked"
OCCUPIED = "occupied"
RELEASED = "released"
OUT_OF_SERVICE = "out_of_service"

# How far ahead "next booking" looks.
NEXT_HORIZON = datetime.timedelta(days=7)

# Someone is in: checked in, from the moment they did (early check-in included) until
# they check out or the sweep does.
CHECKED_IN = Q(status=BookingStatus.CHECKED_IN)


def in_use_at(now: datetime.datetime) -> Q:
    """Bookings holding their resource at `now`: under way, or checked in early."""
    return CHECKED_IN | Q(status__in=ACTIVE_STATUSES, starts_at__lte=now, ends_at__gt=now)


# A booking of someone's own, not a room an event holds (its first or a further one).
PLAIN_BOOKING = Q(event_session__isnull=True, event_session_room__isnull=True)


def _person(prefix: str, field: str):
    return Concat(Value(prefix), Cast(field, output_field=CharField()))


# One key per person in the centre, so one person checked in at seven desks counts once:
# a member by their account; an event's attendee by the member account behind them when
# they have one (a member at a desk who joins the round-table is still one person), else
# by their participant record. An event's room booking itself is nobody: its holder is
# whoever organized it, not someone in the room.
PERSON_PRESENT = Case(
    When(CHECKED_IN & PLAIN_BOOKING, then=_person("u", "booked_by_id")),
    When(
        CHECKED_IN & Q(event_session__attendances__participant__member__isnull=False),
        then=_person("u", "event_session__attendances__participant__member__user_id"),
    ),
    When(
        CHECKED_IN & Q(event_session__attendances__isnull=False),
        then=_person("p", "event_session__attendances__participant_id"),
    ),
    output_field=CharField(),
)


class EventNow(NamedTuple):
    """The scheduled event a booking holds a room for, as the live views show it."""

    kind: str
    title: str
    is_public: bool


class BookingNow(NamedTuple):
    """What the live views read of a booking, whichever query read it."""

    pk: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: str
    holder: str
    purpose: str
    event: EventNow | None
    attendees: int


def holder_name(first_name: str, last_name: str, username: str) -> str:
    """What `User.get_full_name()`, else the username, gives, from the three columns."""
    return f"{first_name} {last_name}".strip() or username


def booking_now(booking: Booking) -> BookingNow:
    """A booking read with its holder and its event's session (`_bookings_by_resource`)."""
    event = booking.scheduled_event()
    holder = booking.booked_by
    return BookingNow(
        booking.pk,
        booking.starts_at,
        booking.ends_at,
        booking.status,
        holder_name(holder.first_name, holder.last_name, holder.get_username()),
        booking.purpose,
        EventNow(event.kind, event.title, event.is_public) if event is not None else None,
        getattr(booking, "attendees", None) or 0,
    )


def _booking_view(booking: BookingNow, *, zone, with_names: bool) -> dict:
    view = {
        "id": booking.pk,
        "starts_at": booking.starts_at.astimezone(zone).isoformat(),
        "ends_at": booking.ends_at.astimezone(zone).isoformat(),
        "status": booking.status,
    }
    if with_names:
        view["holder"] = booking.holder
        view["purpose"] = booking.purpose
    event = booking.event
    if event is not None:
        # A public event's title is on the public events page already; a closed one's is
        # for the centre's people only. How many are in is a number, never who.
        view["event"] = {
            "kind": event.kind,
            "title": event.title if with_names or event.is_public else "",
            "present": booking.attendees,
        }
    return view


def _current(bookings: list[BookingNow], now) -> BookingNow | None:
    """The booking that holds the resource now: one under way, else one checked in early,
    else a released one (the resource is free, but the screen says why)."""
    under_way = [b for b in bookings if b.starts_at <= now < b.ends_at]
    return (
        next((b for b in under_way if b.status != BookingStatus.RELEASED), None)
        or next(
            (b for b in bookings if b.status == BookingStatus.CHECKED_IN and b.starts_at > now),
            None,
        )
        or next(iter(under_way), None)
    )


# The fields of a resource `_state_of` reads (with its space's, for the zone): what a read
# for a resource's state alone needs.
STATE_FIELDS = (
    "id",
    "space_id",
    "kind",
    "name",
    "capacity",
    "out_of_service",
    "plan_x",
    "plan_y",
    "plan_width",
    "plan_height",
)


def _state_of(resource: Resource, bookings: list[BookingNow], now, *, zone, with_names) -> dict:
    """One resource's state now, from its bookings that end after `now` (sorted by start)."""
    current = _current(bookings, now)
    upcoming = next(
        (
            b
            for b in bookings
            if b.starts_at > now and b.status in ACTIVE_STATUSES and b is not current
        ),
        None,
    )
    if resource.out_of_service:
        state = OUT_OF_SERVICE
    elif current is None:
        state = FREE
    elif current.status == BookingStatus.CHECKED_IN:
        state = OCCUPIED
    elif current.status == BookingStatus.CONFIRMED and current.event is not None:
        # An event's room is in use from its start, before the sweep checks it in.
        state = OCCUPIED
    elif current.status == BookingStatus.RELEASED:
        state = RELEASED
    else:
        state = BOOKED
    return {
        "id": resource.pk,
        "name": resource.name,
        "kind": resource.kind,
        "capacity": resource.capacity,
        "state": state,
        "plan": (
            [resource.plan_x, resource.plan_y, resource.plan_width, resource.plan_height]
            if resource.on_plan
            else None
        ),
        "current": _booking_view(current, zone=zone, with_names=with_names) if current else None,
        "next": _booking_view(upcoming, zone=zone, with_names=with_names) if upcoming else None,
    }


# The bookings a resource's state is read from: those that may hold it now or next.
SHOWN_STATUSES = (*ACTIVE_STATUSES, BookingStatus.RELEASED)


def attendees_count(booking_ref) -> Subquery:
    """How many are in at the event whose room is the booking at `booking_ref`."""
    return Subquery(
        Attendance.objects.filter(
            Q(session__booking=booking_ref) | Q(session__other_rooms__booking=booking_ref)
        )
        .order_by()
        .values("session")
        .annotate(count=Count("pk", distinct=True))
        .values("count")[:1]
    )


def _bookings_by_resource(space_id: int, now, resource_ids=None) -> dict[int, list[BookingNow]]:
    bookings = Booking.objects.filter(
        space_id=space_id,
        status__in=SHOWN_STATUSES,
        ends_at__gt=now,
        starts_at__lt=now + NEXT_HORIZON,
    ).select_related("booked_by", "event_session__event", "event_session_room__session__event")
    # How many are in at an event, counted in the same query.
    bookings = bookings.annotate(attendees=attendees_count(OuterRef("pk")))
    if resource_ids is not None:
        bookings = bookings.filter(resource_id__in=resource_ids)
    grouped: dict[int, list[BookingNow]] = defaultdict(list)
    for booking in bookings.order_by("starts_at"):
        grouped[booking.resource_id].append(booking_now(booking))
    return grouped


def local_day_bounds(space: Space, now) -> tuple[datetime.datetime, datetime.datetime]:
    local = now.astimezone(space.zone)
    start = datetime.datetime.combine(local.date(), datetime.time(0), tzinfo=space.zone)
    return start, start + datetime.timedelta(days=1)


def walk_ins_column(space_ref, *, day, day_start, day_end) -> Subquery:
    """The space's walk-ins of `day` as a column of a query of spaces (or resources), JSON
    rows for `walk_ins_tally`, each saying whether its member checked in that day too: the
    walk-ins' people are those who did not, so no one counts twice."""
    today = Q(checked_in_at__gte=day_start, checked_in_at__lt=day_end) & PLAIN_BOOKING
    checked_in = Booking.objects.filter(
        today, space=OuterRef("space_id"), booked_by=OuterRef("visitor_id")
    )
    rows = (
        WalkIn.objects.filter(space=space_ref, day=day)
        .annotate(checked_in=Exists(checked_in))
        .order_by()
        .values("space")
        .annotate(rows=JSONRows(*WALK_IN_FIELDS, "checked_in"))
        .values("rows")
    )
    return Subquery(rows)


def walk_ins_tally(text: str | None) -> WalkInTally:
    """What `walk_ins_column` read, tallied."""
    rows = [tuple(row) for row in json_loaded(text)]
    return tally_walk_ins((row[:5] for row in rows), {row[:3] for row in rows if row[5]})


def space_figures(*, space: Space, now: datetime.datetime) -> dict:
    """Head count against safety capacity, and today's visits and unique visitors, in one
    query (the bookings' counts and the walk-ins, two columns of the space's row).

    The head count counts people (`PERSON_PRESENT`), from their check-in: members checked
    in and the attendees of events under way. Visits are check-ins to desks and rooms
    today, an event's room being put in use not one, and walk-ins (`cowork.selectors.visits`:
    a walk-in who also checked in today is counted once).
    """
    day_start, day_end = local_day_bounds(space, now)
    today = Q(checked_in_at__gte=day_start, checked_in_at__lt=day_end) & PLAIN_BOOKING
    totals = (
        Booking.objects.filter(space=OuterRef("pk"))
        .order_by()
        .values("space")
        .annotate(
            figures=JSONList(
                Count(PERSON_PRESENT, distinct=True),
                Count("pk", distinct=True, filter=today),
                Count("booked_by", distinct=True, filter=today),
            )
        )
        .values("figures")
    )
    totals, walk_ins = (
        Space.objects.filter(pk=space.pk)
        .order_by()
        .values_list(
            Subquery(totals),
            walk_ins_column(
                OuterRef("pk"), day=day_start.date(), day_start=day_start, day_end=day_end
            ),
        )
        .get()
    )
    present, visits, visitors = json.loads(totals or "[0, 0, 0]")
    tally = walk_ins_tally(walk_ins)
    return {
        "head_count": present,
        "safety_capacity": space.safety_capacity,
        "visits_today": visits + tally.visits,
        "unique_visitors_today": visitors + tally.people(),
    }


def occupancy_snapshot(*, space: Space, now: datetime.datetime, with_names: bool) -> dict:
    """Every resource of the space with its state, current and next booking, and the figures.

    `with_names` only for people who work at the space: others see states, never who.
    """
    return _snapshot(space, now, with_names, list(space.resources.order_by("kind", "name")))


def occupancy_snapshot_and_names(
    *, space: Space, now: datetime.datetime, with_names: bool, language: str | None
) -> tuple[dict, dict[int, str]]:
    """`occupancy_snapshot`, and its resources by id named in `language` where the host gave
    a name in it, from one read of the resources: live snapshots are shared by readers of
    every language and keep the names as typed; a page names them for its reader."""
    resources = list(space.resources.order_by("kind", "name"))
    names = {resource.pk: resource.name_in(language) for resource in resources}
    return _snapshot(space, now, with_names, resources), names


def _snapshot(space: Space, now, with_names: bool, resources: list[Resource]) -> dict:
    by_resource = _bookings_by_resource(space.pk, now)
    return {
        "space": {"id": space.pk, "name": space.name, "time_zone": space.time_zone},
        "seq": space.event_seq,
        "at": now.astimezone(space.zone).isoformat(),
        "resources": [
            _state_of(r, by_resource.get(r.pk, []), now, zone=space.zone, with_names=with_names)
            for r in resources
        ],
        **space_figures(space=space, now=now),
    }


def resource_occupancy(
    *, resource: Resource, now: datetime.datetime, bookings: list[BookingNow] | None = None
) -> tuple[dict, dict]:
    """One resource's state now, with names and without, from one read of its bookings
    (`bookings`, sorted by start, if read already)."""
    if bookings is None:
        bookings = _bookings_by_resource(resource.space_id, now, resource_ids=[resource.pk]).get(
            resource.pk, []
        )
    zone = resource.space.zone
    return (
        _state_of(resource, bookings, now, zone=zone, with_names=True),
        _state_of(resource, bookings, now, zone=zone, with_names=False),
    )


def network_occupancy(*, now: datetime.datetime) -> list[dict]:
    """Every active centre's desks in use, head count and visits, in a fixed few queries."""
    spaces = list(Space.objects.filter(is_active=True).order_by("country", "city"))
    desk_counts = dict(
        Resource.objects.filter(kind=Resource.Kind.DESK, out_of_service=False)
        .values_list("space")
        .annotate(count=Count("pk"))
    )
    busy = dict(
        Booking.objects.filter(in_use_at(now), resource__kind=Resource.Kind.DESK)
        .values_list("space")
        .annotate(count=Count("resource", distinct=True))
    )
    # Every centre's local "today" lies within a day and a half of now.
    recent = Booking.objects.filter(
        CHECKED_IN | Q(checked_in_at__gte=now - datetime.timedelta(hours=36))
    ).values_list(
        "space_id",
        "pk",
        "booked_by_id",
        "checked_in_at",
        PERSON_PRESENT,
        "event_session",
        "event_session_room",
    )
    present: dict[int, set[str]] = defaultdict(set)
    visits: dict[int, dict[int, int]] = defaultdict(dict)
    bounds = {space.pk: local_day_bounds(space, now) for space in spaces}
    today = {space_id: day_start.date() for space_id, (day_start, _end) in bounds.items()}
    for space_id, booking_id, member_id, checked_in_at, person, session, room in recent:
        if space_id not in bounds:
            continue
        if person is not None:
            present[space_id].add(person)
        day_start, day_end = bounds[space_id]
        own = session is None and room is None
        if own and checked_in_at and day_start <= checked_in_at < day_end:
            visits[space_id][booking_id] = member_id
    walk_ins: dict[int, list] = defaultdict(list)
    if today:
        rows = walk_in_rows(
            space_ids=list(today), first=min(today.values()), last=max(today.values())
        )
        for row in rows:
            if row[1] == today[row[0]]:
                walk_ins[row[0]].append(row)
    tallies = {
        space.pk: tally_walk_ins(
            walk_ins[space.pk],
            {(space.pk, today[space.pk], user) for user in visits[space.pk].values()},
        )
        for space in spaces
    }
    return [
        {
            "id": space.pk,
            "name": space.name,
            "city": space.city,
            "country": space.country,
            "seq": space.event_seq,
            "desks": desk_counts.get(space.pk, 0),
            "desks_in_use": busy.get(space.pk, 0),
            "head_count": len(present[space.pk]),
            "safety_capacity": space.safety_capacity,
            "visits_today": len(visits[space.pk]) + tallies[space.pk].visits,
            "unique_visitors_today": tallies[space.pk].people(visits[space.pk].values()),
        }
        for space in spaces
    ]
