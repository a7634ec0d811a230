"""The booking rules a space holds for the days around a booking: its opening hours and
the closures that can touch those days. Read in one query, or as two columns of the query
that reads the space or the resource anyway; then `space.opening_hours.all()` and
`space.closures.all()` answer from memory, as after a prefetch."""

import datetime

from django.db.models import OuterRef, Subquery

from cowork.db import JSONRows, json_rows
from cowork.models import Closure, OpeningHours, Space

# Closures are read from two days before the booking's first day to two days after it.
NEAR_DAYS = datetime.timedelta(days=2)
HOURS_FIELDS = ("id", "space", "weekday", "opens", "closes")
CLOSURE_FIELDS = ("id", "space", "starts_on", "ends_on", "reason", "yearly_series", "translations")


def _rows(queryset, fields) -> Subquery:
    return Subquery(
        queryset.order_by().values("space").annotate(rows=JSONRows(*fields)).values("rows")
    )


def near_days(around: datetime.datetime) -> tuple[datetime.date, datetime.date]:
    """The first and last day whose closures can touch a booking at `around`."""
    day = around.date()
    return day - NEAR_DAYS, day + NEAR_DAYS


def rules_columns(*, around=None, space_ref=None, near=None) -> dict:
    """Columns to annotate a query of spaces (or, with `space_ref=OuterRef("space_id")`, of
    resources) with; give what they read to `rules_attached`. `near`: the `near_days` of
    `around` (or expressions giving them), if `around` is not given."""
    space_ref = space_ref if space_ref is not None else OuterRef("pk")
    first, last = near if near is not None else near_days(around)
    closures = Closure.objects.filter(space=space_ref, starts_on__lte=last, ends_on__gte=first)
    return {
        "rules_hours": _rows(OpeningHours.objects.filter(space=space_ref), HOURS_FIELDS),
        "rules_closures": _rows(closures, CLOSURE_FIELDS),
    }


def rules_attached(space: Space, *, around: datetime.datetime, row) -> Space:
    """`space` holding the rules `rules_columns` read into `row` (a dict or an instance)."""
    read = row if isinstance(row, dict) else vars(row)
    hours = json_rows(OpeningHours, HOURS_FIELDS, read["rules_hours"])
    closures = json_rows(Closure, CLOSURE_FIELDS, read["rules_closures"])
    # Alongside what else was prefetched with the space (its resources), not instead.
    space._prefetched_objects_cache = getattr(space, "_prefetched_objects_cache", {})
    for name, rows in (
        ("opening_hours", sorted(hours, key=lambda h: (h.weekday, h.opens))),
        ("closures", sorted(closures, key=lambda c: c.starts_on)),
    ):
        for rule in rows:
            rule.space = space
        queryset = getattr(space, name).all()
        queryset._result_cache, queryset._prefetch_done = rows, True
        space._prefetched_objects_cache[name] = queryset
    space._rules_day = around.date()
    return space


def has_rules_for(space: Space, *, around: datetime.datetime) -> bool:
    """Whether `space` holds the rules for `around`'s day already."""
    return getattr(space, "_rules_day", None) == around.date()


def space_with_rules(space_id: int, *, around: datetime.datetime) -> Space:
    """The space with its opening hours and the closures that can touch `around`'s days."""
    space = Space.objects.annotate(**rules_columns(around=around)).get(pk=space_id)
    return rules_attached(space, around=around, row=space)


def rules_read(space: Space, *, around: datetime.datetime) -> Space:
    """`space`, read in this request already, given the rules of `around`'s day: one query,
    none if it holds them already. Rules read for another day are read again."""
    if has_rules_for(space, around=around):
        return space
    row = Space.objects.filter(pk=space.pk).values(**rules_columns(around=around)).get()
    return rules_attached(space, around=around, row=row)
