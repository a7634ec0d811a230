"""A centre's weekly opening hours: several periods a weekday, in local wall-clock time."""

import datetime
import itertools

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.booking_rules import Period
from cowork.errors import InvalidInput
from cowork.models import DomainEventKind, OpeningHours, Space
from cowork.models.spaces import WEEKDAYS
from cowork.selectors.centres import bookings_stranded_by_hours
from cowork.services.centres._common import managed_space, record
from cowork.services.centres.stranded import settle_stranded


def _check(periods: list[Period]) -> None:
    """Each period closes after it opens, and no two of one weekday overlap."""
    names = dict(WEEKDAYS)
    by_day: dict[int, list[Period]] = {}
    for period in periods:
        if period.weekday not in names:
            raise InvalidInput(_("A weekday is a number from 0 (Monday) to 6 (Sunday)."))
        if period.closes <= period.opens:
            raise InvalidInput(
                _("%(day)s: closing time must be after opening time.")
                % {"day": names[period.weekday]},
                code="closes_before_opens",
                details={"weekday": period.weekday},
            )
        by_day.setdefault(period.weekday, []).append(period)
    for weekday, day in by_day.items():
        day.sort(key=lambda p: p.opens)
        for earlier, later in itertools.pairwise(day):
            if later.opens < earlier.closes:
                raise InvalidInput(
                    _("%(day)s: the periods overlap.") % {"day": names[weekday]},
                    code="periods_overlap",
                    details={"weekday": weekday},
                )


def opening_hours_replace(
    *,
    space: Space,
    by,
    periods: list[Period],
    cancel_bookings: bool = False,
    now: datetime.datetime | None = None,
) -> int:
    """Make `periods` the centre's whole week; returns how many bookings were cancelled.

    Upcoming bookings inside the old hours but outside the new ones are listed
    (`StrandsBookings`) unless `cancel_bookings`, when they are cancelled with notices.
    """
    now = now or timezone.now()
    _check(periods)
    with transaction.atomic():
        space = managed_space(
            space.pk, by=by, spaces=Space.objects.prefetch_related("opening_hours")
        )
        stranded = bookings_stranded_by_hours(space=space, periods=periods, now=now)
        cancelled = settle_stranded(
            stranded=stranded,
            by=by,
            cancel=cancel_bookings,
            reason=_("The centre's opening hours changed."),
        )
        OpeningHours.objects.filter(space=space).delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(space=space, weekday=p.weekday, opens=p.opens, closes=p.closes)
            for p in periods
        )
        record(
            DomainEventKind.SPACE_HOURS_CHANGED,
            aggregate=space,
            space=space,
            by=by,
            hours=[[p.weekday, f"{p.opens:%H:%M}", f"{p.closes:%H:%M}"] for p in periods],
            cancelled=cancelled,
        )
    return cancelled
