"""Forms of the booking pages.

People choose a date and wall-clock times of the centre; these forms turn them into aware
datetimes in the centre's own zone, so no naive time ever reaches a service. Anything
that does not parse (a naive ISO timestamp in the query string, a time off the grid, a
date that is not a date) is a form error, never a guess.
"""

import datetime

from babel.dates import format_date
from django import forms
from django.utils.translation import gettext_lazy as _

from cowork.booking_rules import closures_of, periods_of
from cowork.dates import current_locale
from cowork.models import Resource, Space
from cowork.models.resources import ROOM_EQUIPMENT
from cowork.selectors.equipment import space_equipment_groups
from cowork.services.series import Repeat, series_rule

TIME_FORMAT = "%H:%M"
DATE_FORMAT = "%Y-%m-%d"

# Built-in room equipment and the types of bookable equipment, one entry per code:
# `free_resources` matches a code against either.
EQUIPMENT_FILTER_CHOICES = list(
    {code: label for code, label in [*ROOM_EQUIPMENT, *Resource.EquipmentType.choices]}.items()
)


def grid_times(space: Space) -> tuple[list[datetime.time], list[datetime.time]]:
    """Start and end times on the space's grid inside any of its weekly opening periods.

    One list for every day, so the choices do not change under a person who picks another
    date; whether the times fit the chosen day is checked in `clean`.
    """
    step = datetime.timedelta(minutes=space.booking_grid_minutes)
    starts: set[datetime.time] = set()
    ends: set[datetime.time] = set()
    for period in periods_of(space):
        moment = datetime.datetime.combine(datetime.date.min, period.opens)
        closes = datetime.datetime.combine(datetime.date.min, period.closes)
        while moment < closes:
            starts.add(moment.time())
            moment += step
            if moment <= closes:
                ends.add(moment.time())
    return sorted(starts), sorted(ends)


def local_today(space: Space, now: datetime.datetime) -> datetime.date:
    return now.astimezone(space.zone).date()


def aware(space: Space, day: datetime.date, wall: datetime.time) -> datetime.datetime | None:
    """The moment the space's clocks show `wall` on `day`; None if the clocks skip it."""
    moment = datetime.datetime.combine(day, wall, tzinfo=space.zone)
    # A wall time inside a spring-forward gap does not exist; a round trip through UTC
    # shows it, and the person is asked for another time instead of being moved silently.
    back = moment.astimezone(datetime.UTC).astimezone(space.zone)
    if back.replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return moment


def _time_choices(times: list[datetime.time]) -> list[tuple[str, str]]:
    return [(wall.strftime(TIME_FORMAT), wall.strftime(TIME_FORMAT)) for wall in times]


class WindowForm(forms.Form):
    """A local date and start and end times of one space; cleans to aware datetimes.

    `cleaned_data` gains `starts_at` and `ends_at` (aware, in the space's zone), `closed`
    (the centre does not open that day) and `closure_reason` (a holiday's name, if any).
    """

    date = forms.DateField(
        label=_("Date"),
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
    )
    start = forms.ChoiceField(label=_("From"))
    end = forms.ChoiceField(label=_("Until"))

    def __init__(self, *args, space: Space, **kwargs):
        super().__init__(*args, **kwargs)
        self.space = space
        starts, ends = grid_times(space)
        self.fields["start"].choices = _time_choices(starts)
        self.fields["end"].choices = _time_choices(ends)

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start"), data.get("end")
        data["closed"], data["closure_reason"] = False, ""
        if day is None or start is None or end is None:
            return data
        start_wall = datetime.datetime.strptime(start, TIME_FORMAT).time()
        end_wall = datetime.datetime.strptime(end, TIME_FORMAT).time()
        if end_wall <= start_wall:
            raise forms.ValidationError(
                _("Choose an end time after the start time."), code="end_not_after_start"
            )
        starts_at, ends_at = aware(self.space, day, start_wall), aware(self.space, day, end_wall)
        if starts_at is None or ends_at is None:
            raise forms.ValidationError(
                _("The clocks change that day and skip that time; choose another."),
                code="skipped_time",
            )
        data["starts_at"], data["ends_at"] = starts_at, ends_at
        if not self.keeps_opening_hours():
            return data
        data["closed"], data["closure_reason"] = self._closed(day)
        if not data["closed"] and not self._inside_one_period(day, start_wall, end_wall):
            raise forms.ValidationError(
                _("%(start)s–%(end)s is outside the centre's opening hours on that day."),
                code="outside_opening_hours",
                params={"start": start, "end": end},
            )
        return data

    def keeps_opening_hours(self) -> bool:
        """Whether the window must lie inside the centre's hours (not so for a place elsewhere)."""
        return True

    def _closed(self, day: datetime.date) -> tuple[bool, str]:
        for closure in closures_of(self.space):
            if closure.starts_on <= day <= closure.ends_on:
                return True, closure.reason
        opens = any(period.weekday == day.weekday() for period in periods_of(self.space))
        return not opens, ""

    def _inside_one_period(self, day, start_wall, end_wall) -> bool:
        return any(
            period.weekday == day.weekday()
            and period.opens <= start_wall
            and end_wall <= period.closes
            for period in periods_of(self.space)
        )

    def window_query(self) -> dict[str, str]:
        """The cleaned window as query parameters, for links to the next step."""
        return {
            "date": self.cleaned_data["date"].strftime(DATE_FORMAT),
            "start": self.cleaned_data["start"],
            "end": self.cleaned_data["end"],
        }


def default_window(space: Space, now: datetime.datetime, day: datetime.date | None = None):
    """The day's first grid slot still ahead (today's from now), or its opening, for 1 h.

    With no day asked for: today while a slot of it is still ahead, else the next day the
    centre opens, closures left out, as far ahead as it takes bookings: after closing time, on
    a Sunday or a holiday, the page offers the next places one can book, not an hour already
    past or a closed day.
    """
    today = local_today(space, now)
    starts, _ends = grid_times(space)
    if not starts:
        return day or today, None, None
    grid = datetime.timedelta(minutes=space.booking_grid_minutes)
    wall_now = now.astimezone(space.zone).replace(tzinfo=None)
    if day is None:
        day, start = _next_open_day(space, today, wall_now, grid)
    else:
        start = _first_slot(space, day, grid, after=wall_now if day == today else None)
    if start is None:
        periods = _periods_on(space, day)
        if periods:
            start = (datetime.datetime.combine(day, periods[0].opens), periods[0])
    if start is None:
        return day, starts[0], (datetime.datetime.combine(day, starts[0]) + grid).time()
    begin, period = start
    end = min(begin + datetime.timedelta(hours=1), datetime.datetime.combine(day, period.closes))
    return day, begin.time(), end.time()


def _periods_on(space: Space, day: datetime.date) -> list:
    return sorted(
        (p for p in periods_of(space) if p.weekday == day.weekday()), key=lambda p: p.opens
    )


def _first_slot(space: Space, day: datetime.date, grid, *, after=None):
    """(start, period) of the first grid slot of `day` that starts at `after` (a wall time)
    or later and ends within its period; None if there is none."""
    for period in _periods_on(space, day):
        candidate = datetime.datetime.combine(day, period.opens)
        while candidate + grid <= datetime.datetime.combine(day, period.closes):
            if after is None or candidate >= after:
                return candidate, period
            candidate += grid
    return None


def _next_open_day(space: Space, today: datetime.date, wall_now, grid):
    """Today and its next slot if one is still ahead, else the first later day the centre
    opens (not closed) and its first slot, within the days it takes bookings for; today and
    None if there is none."""
    closures = closures_of(space)
    for offset in range(space.max_days_ahead + 1):
        day = today + datetime.timedelta(days=offset)
        if any(c.starts_on <= day <= c.ends_on for c in closures):
            continue
        slot = _first_slot(space, day, grid, after=wall_now if offset == 0 else None)
        if slot:
            return day, slot
    return today, None


def bookable_days(space: Space, now: datetime.datetime) -> tuple[datetime.date, datetime.date, int]:
    """The first and last day anything of `space` can be booked, and the days ahead: today,
    and as many days ahead as the most generous of its resources allows."""
    today = local_today(space, now)
    overrides = [
        resource.max_days_ahead
        for resource in space.resources.all()
        if resource.max_days_ahead is not None
    ]
    days = max([space.max_days_ahead, *overrides])
    return today, (now + datetime.timedelta(days=days)).astimezone(space.zone).date(), days


class SearchForm(WindowForm):
    """What to look for: a window, a kind of resource, and filters.

    The date goes from today to the last bookable day (`bookable_days`), also as the date
    input's min and max; a day outside them is a form error that says why.
    """

    kind = forms.ChoiceField(label=_("What"), choices=Resource.Kind.choices)
    accessible = forms.BooleanField(label=_("Wheelchair accessible only"), required=False)
    equipment = forms.MultipleChoiceField(
        label=_("With equipment"),
        required=False,
        choices=EQUIPMENT_FILTER_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )

    @classmethod
    def from_query(cls, query, *, space: Space, now: datetime.datetime) -> "SearchForm":
        """Bind to the query string, filling what it leaves out with today's defaults."""
        data = query.copy()
        day = None
        if data.get("date"):
            try:
                day = datetime.datetime.strptime(data["date"], DATE_FORMAT).date()
            except ValueError:
                day = None  # the bound field reports it
        default_day, start, end = default_window(space, now, day)
        defaults = {
            "date": default_day.strftime(DATE_FORMAT),
            "start": start.strftime(TIME_FORMAT) if start else "",
            "end": end.strftime(TIME_FORMAT) if end else "",
            "kind": Resource.Kind.DESK,
        }
        for key, value in defaults.items():
            if not data.get(key):
                data[key] = value
        return cls(data, space=space, now=now)

    def __init__(self, *args, space: Space, now: datetime.datetime, **kwargs):
        super().__init__(*args, space=space, **kwargs)
        self.first_day, self.last_day, self.days_ahead = bookable_days(space, now)
        self.fields["date"].widget.attrs.update(
            min=self.first_day.strftime(DATE_FORMAT), max=self.last_day.strftime(DATE_FORMAT)
        )

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day < self.first_day:
            raise forms.ValidationError(
                _("That day has passed. Choose today or a later day."), code="in_past"
            )
        if day > self.last_day:
            raise forms.ValidationError(
                _("Bookings open %(days)d days ahead: choose a day until %(last)s."),
                code="too_far_ahead",
                params={
                    "days": self.days_ahead,
                    "last": format_date(self.last_day, "long", locale=current_locale()),
                },
            )
        return day

    def search_query(self) -> dict:
        """The whole cleaned search as query parameters, to come back to it."""
        return {
            **self.window_query(),
            "kind": self.cleaned_data["kind"],
            **({"accessible": "on"} if self.cleaned_data["accessible"] else {}),
            "equipment": self.cleaned_data["equipment"],
        }


REPEAT_CHOICES = [
    ("", _("Only this date")),
    ("weekly", _("Every week")),
    ("fortnightly", _("Every two weeks")),
    ("monthly", _("Every month, on the same date")),
]
MAX_REPEAT_COUNT = 52


class BookingForm(WindowForm):
    """The confirm step: the window again, how many of each kind of equipment to bring
    into a room ("2 laptops"; the service picks the units), a purpose, and how often to
    repeat it (until a date, or a number of times).

    `cleaned_data["rrule"]` is the series' rule, or "" for one date.
    """

    purpose = forms.CharField(label=_("Purpose (optional)"), max_length=200, required=False)
    repeat = forms.ChoiceField(label=_("Repeat"), choices=REPEAT_CHOICES, required=False)
    ends = forms.ChoiceField(
        label=_("Ends"),
        choices=[("until", _("On a date")), ("count", _("After a number of times"))],
        required=False,
        widget=forms.RadioSelect,
    )
    until = forms.DateField(
        label=_("Last date"),
        input_formats=[DATE_FORMAT],
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
    )
    count = forms.IntegerField(
        label=_("Number of times"), min_value=2, max_value=MAX_REPEAT_COUNT, required=False
    )

    def __init__(self, *args, resource: Resource, **kwargs):
        super().__init__(*args, space=resource.space, **kwargs)
        self.resource = resource
        # Every kind of the centre's equipment in service validates; the page offers as
        # many as are free, and the service refuses more than are free meanwhile.
        self.equipment_groups = (
            space_equipment_groups(space=resource.space)
            if resource.kind == Resource.Kind.ROOM
            else []
        )
        for group in self.equipment_groups:
            self.fields[equipment_field(group)] = forms.IntegerField(
                label=group.label, min_value=0, max_value=len(group.units), required=False
            )

    def equipment_quantities(self) -> dict[str, int]:
        """How many of each kind were asked for, by group key; only kinds asked for."""
        return {
            group.key: count
            for group in self.equipment_groups
            if (count := self.cleaned_data.get(equipment_field(group)))
        }

    def clean(self):
        data = super().clean()
        data["rrule"] = ""
        repeat = data.get("repeat")
        if not repeat or "starts_at" not in data:
            return data
        ends = data.get("ends") or ("count" if data.get("count") else "until")
        if ends == "until":
            until = data.get("until")
            if until is None:
                self.add_error("until", _("Give the last date of the series."))
                return data
            if until <= data["date"]:
                self.add_error("until", _("The last date comes after the first."))
                return data
            data["rrule"] = series_rule(repeat=Repeat(repeat), until=until)
        else:
            if data.get("count") is None:
                self.add_error(
                    "count",
                    _("Say how many times, from 2 to %(most)d.") % {"most": MAX_REPEAT_COUNT},
                )
                return data
            data["rrule"] = series_rule(repeat=Repeat(repeat), count=data["count"])
        return data

    def window_is_valid(self) -> bool:
        """Whether only the repeat choices or an equipment number are wrong: the window and
        the rest are fine, so the confirm step shows again with those errors."""
        repeat_fields = {"repeat", "ends", "until", "count"}
        return "starts_at" in self.cleaned_data and all(
            name in repeat_fields or name.startswith("equipment-") for name in self.errors
        )


def equipment_field(group) -> str:
    return f"equipment-{group.key}"


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=300, required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the member"),
        max_length=300,
        error_messages={"required": _("Say why the booking is declined.")},
    )


class PersonReasonForm(forms.Form):
    """A host's optional word to a person whose place is declined or cancelled."""

    reason = forms.CharField(
        label=_("Reason for the person (optional)"), max_length=300, required=False
    )


class CalendarForm(forms.Form):
    """Which day or week of a centre's calendar to show; missing parts default to today."""

    VIEWS = [("day", _("Day")), ("week", _("Week"))]

    date = forms.DateField(
        label=_("Date"),
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
    )
    view = forms.ChoiceField(label=_("View"), choices=VIEWS)
    kind = forms.ChoiceField(
        label=_("What"),
        choices=[("", _("Everything")), *Resource.Kind.choices],
        required=False,
    )

    @classmethod
    def from_query(cls, query, *, space: Space, now: datetime.datetime) -> "CalendarForm":
        data = query.copy()
        if not data.get("date"):
            data["date"] = local_today(space, now).strftime(DATE_FORMAT)
        if not data.get("view"):
            data["view"] = "day"
        return cls(data)
