"""The live relay's read: after a change at a centre, the resource it touched, that
resource's bookings and the centre's figures, all in one statement compiled once.

The relay runs it after every booking, so it is built by the ORM once (`Prepared`) and
read back without model instances for the bookings: each becomes a `BookingNow`, as the
dashboard's own read gives them.
"""

import datetime
from typing import NamedTuple

from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import JSONObject
from django.utils.dateparse import parse_datetime

from cowork.db import JSONRows, Param, Prepared, json_loaded
from cowork.models import Booking, Event, Resource, Space
from cowork.selectors.occupancy import (
    NEXT_HORIZON,
    PERSON_PRESENT,
    PLAIN_BOOKING,
    SHOWN_STATUSES,
    STATE_FIELDS,
    BookingNow,
    EventNow,
    attendees_count,
    holder_name,
    in_use_at,
    local_day_bounds,
    walk_ins_column,
    walk_ins_tally,
)

# A booking's columns as `_bookings_column` reads them: the booking, its holder, the event
# whose room it is (as its session's room, or as a further room), how many are in there.
_EVENT = ("kind", "title", "is_public", "status")
_BOOKING_COLUMNS = (
    "id",
    "starts_at",
    "ends_at",
    "status",
    "booked_by__first_name",
    "booked_by__last_name",
    "booked_by__username",
    "purpose",
    *(f"event_session__event__{name}" for name in _EVENT),
    *(f"event_session_room__session__event__{name}" for name in _EVENT),
    "attendees",
)


def _rows_of(queryset, group: str, fields) -> Subquery:
    """The rows of `queryset` as one JSON column (`JSONRows`), for the outer row."""
    return Subquery(
        queryset.order_by().values(group).annotate(rows=JSONRows(*fields)).values("rows")
    )


def _centre_columns(space_ref) -> dict:
    """The centre's columns, on the space at `space_ref`; the values change from run to
    run (`Param`), the query does not."""
    now, day_start, day_end = (Param(name, DateTimeField()) for name in ("now", "start", "end"))
    # As the dashboard counts them (`occupancy`): a room an event holds is no one's visit.
    today = Q(checked_in_at__gte=day_start, checked_in_at__lt=day_end) & PLAIN_BOOKING
    totals = (
        Booking.objects.filter(space=space_ref)
        .order_by()
        .values("space")
        .annotate(
            figures=JSONObject(
                present=Count(PERSON_PRESENT, distinct=True),
                visits=Count("pk", distinct=True, filter=today),
                visitors=Count("booked_by", distinct=True, filter=today),
                in_use=Count(
                    "resource",
                    distinct=True,
                    filter=in_use_at(now) & Q(resource__kind=Resource.Kind.DESK),
                ),
            )
        )
        .values("figures")
    )
    desks = (
        Resource.objects.filter(space=space_ref, kind=Resource.Kind.DESK, out_of_service=False)
        .order_by()
        .values("space")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return {
        "live_totals": Subquery(totals, output_field=JSONField()),
        "live_desks": Subquery(desks),
        "live_walk_ins": walk_ins_column(
            space_ref, day=Param("day", DateField()), day_start=day_start, day_end=day_end
        ),
    }


def _bookings_column() -> Subquery:
    """The bookings of the resource of the outer row that may hold it now or next."""
    now = Param("now", DateTimeField())
    bookings = Booking.objects.filter(
        resource=OuterRef("pk"),
        space=OuterRef("space_id"),
        status__in=SHOWN_STATUSES,
        ends_at__gt=now,
        starts_at__lt=Param("horizon", DateTimeField()),
    ).annotate(attendees=attendees_count(OuterRef("pk")))
    return _rows_of(bookings, "resource", _BOOKING_COLUMNS)


# The resource's fields its state is made of, in the model's order (as `from_db` takes
# them); the others are left deferred.
_RESOURCE_FIELDS = [
    field.attname for field in Resource._meta.concrete_fields if field.attname in STATE_FIELDS
]
_CENTRE_FIELDS = ("live_totals", "live_desks", "live_walk_ins")
# The relay runs these after every change: built and compiled once. One row each, by its
# key: not sorted by the default order (for a resource, a join to its space for nothing).
_RESOURCE_AND_CENTRE = Prepared(
    lambda: (
        Resource.objects.filter(
            pk=Param("resource", IntegerField()), space_id=Param("space", IntegerField())
        )
        .order_by()
        .annotate(**_centre_columns(OuterRef("space_id")), live_bookings=_bookings_column())
        .values_list(*_RESOURCE_FIELDS, "live_bookings", *_CENTRE_FIELDS)
    )
)
_CENTRE = Prepared(
    lambda: (
        Space.objects.filter(pk=Param("space", IntegerField()))
        .order_by()
        .annotate(**_centre_columns(OuterRef("pk")))
        .values_list("pk", *_CENTRE_FIELDS)
    )
)


def _moment(value: str) -> datetime.datetime:
    """A time read as JSON: with its offset on PostgreSQL, in UTC without one on SQLite."""
    moment = parse_datetime(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=datetime.UTC)


def _event(kind, title, is_public, status) -> EventNow | None:
    if kind is None or status != Event.Status.SCHEDULED:
        return None
    return EventNow(kind, title, bool(is_public))


def _booking(row: list) -> BookingNow:
    pk, starts_at, ends_at, status, first, last, username, purpose = row[:8]
    events = len(_EVENT)
    session, room = row[8 : 8 + events], row[8 + events : 8 + 2 * events]
    return BookingNow(
        pk,
        _moment(starts_at),
        _moment(ends_at),
        status,
        holder_name(first, last, username),
        purpose,
        _event(*session) or _event(*room),
        row[-1] or 0,
    )


class LiveState(NamedTuple):
    """What a live delta is made of: `live_read`'s answer at `now`."""

    now: datetime.datetime
    resource: Resource | None
    bookings: list[BookingNow]
    figures: dict


def live_read(
    *, space: Space, now: datetime.datetime, resource_id: int | None = None
) -> tuple[Resource | None, list[BookingNow], dict]:
    """`centre_now`, with the resource's bookings that may hold it now or next (sorted by
    start, as `resource_occupancy` takes them), in the same one statement."""
    return _live_read(space, now, resource_id, None)


def live_read_after(
    update: tuple[str, list], *, space: Space, now: datetime.datetime, resource_id: int | None
) -> tuple[Resource | None, list[BookingNow], dict] | None:
    """`live_read`, made only if `update` (an UPDATE statement and its values) changed a
    row, in the same statement on PostgreSQL (`Prepared.rows_after`); None if it changed
    none. For the live relay, whose claim of an event precedes every read."""
    return _live_read(space, now, resource_id, update)


def _live_read(space: Space, now: datetime.datetime, resource_id: int | None, update):
    start, end = local_day_bounds(space, now)
    values = {"space": space.pk, "now": now, "start": start, "end": end, "day": start.date()}
    if resource_id is not None:
        values["resource"], values["horizon"] = resource_id, now + NEXT_HORIZON
    prepared = _CENTRE if resource_id is None else _RESOURCE_AND_CENTRE
    rows = prepared.rows(**values) if update is None else prepared.rows_after(*update, **values)
    if rows is None:
        return None
    resource, bookings = None, []
    if rows and resource_id is not None:
        width = len(_RESOURCE_FIELDS)
        resource = Resource.from_db("default", _RESOURCE_FIELDS, rows[0][:width])
        resource.space = space
        bookings = sorted(
            (_booking(row) for row in json_loaded(rows[0][width])),
            key=lambda booking: booking.starts_at,
        )
        rows = [rows[0][width + 1 :]]
    else:
        if resource_id is not None:
            # The resource is gone: the centre alone.
            rows = _CENTRE.rows(**values)
        rows = [rows[0][1:]]  # the space's key first
    totals, desks, walk_in_rows = rows[0]
    totals = totals or {}
    tally = walk_ins_tally(walk_in_rows)
    return (
        resource,
        bookings,
        {
            "head_count": totals.get("present", 0),
            "safety_capacity": space.safety_capacity,
            "visits_today": totals.get("visits", 0) + tally.visits,
            "unique_visitors_today": totals.get("visitors", 0) + tally.people(),
            "desks": desks or 0,
            "desks_in_use": totals.get("in_use", 0),
        },
    )


def centre_now(
    *, space: Space, now: datetime.datetime, resource_id: int | None = None
) -> tuple[Resource | None, dict]:
    """The space's figures at `now` — `space_figures` with its desks and the desks in use,
    as the network view shows them — and, with `resource_id`, that resource of the space
    read fresh with the fields of its state (None if it is gone; others load when
    asked): all in one query, for the live relay."""
    resource, _bookings, figures = live_read(space=space, now=now, resource_id=resource_id)
    return resource, figures


def network_centre(*, space: Space, now: datetime.datetime, figures: dict | None = None) -> dict:
    """One centre's row of the network view, after a change there (`figures`: its
    `centre_now` figures at `now`, if read already)."""
    if figures is None:
        _resource, figures = centre_now(space=space, now=now)
    return {
        "id": space.pk,
        "name": space.name,
        "city": space.city,
        "country": space.country,
        "seq": space.event_seq,
        **figures,
    }
