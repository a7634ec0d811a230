import datetime

import pytest
from django.http import QueryDict

from cowork.web.forms import SearchForm, aware, default_window, grid_times
from tests.factories import ClosureFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def test_grid_times_cover_the_opening_hours_on_the_grid(space):
    starts, ends = grid_times(space)
    assert starts[0] == datetime.time(9, 0) and starts[-1] == datetime.time(17, 45)
    assert ends[0] == datetime.time(9, 15) and ends[-1] == datetime.time(18, 0)
    assert len(starts) == 36


def test_a_wall_time_the_clocks_skip_is_refused_not_moved():
    kyiv = SpaceFactory(time_zone="Europe/Kyiv")
    spring_forward = datetime.date(2027, 3, 28)  # 03:00 → 04:00 in Kyiv
    assert aware(kyiv, spring_forward, datetime.time(3, 30)) is None
    moment = aware(kyiv, spring_forward, datetime.time(10, 0))
    assert moment.utcoffset() == datetime.timedelta(hours=3)


def test_search_defaults_fill_only_what_the_query_leaves_out(space):
    now = datetime.datetime(2027, 3, 1, 6, 7, tzinfo=datetime.UTC)  # Monday 10:07 in Baku
    form = SearchForm.from_query(QueryDict(""), space=space, now=now)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date"] == datetime.date(2027, 3, 1)
    # The next slot on the 15-minute grid, for an hour.
    assert (form.cleaned_data["start"], form.cleaned_data["end"]) == ("10:15", "11:15")
    assert form.cleaned_data["starts_at"].utcoffset() == datetime.timedelta(hours=4)

    form = SearchForm.from_query(QueryDict("date=2027-03-02"), space=space, now=now)
    assert form.is_valid()
    assert (form.cleaned_data["start"], form.cleaned_data["end"]) == ("09:00", "10:00")


def _baku(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour - 4, minute), tzinfo=datetime.UTC)


MONDAY, FRIDAY = datetime.date(2027, 3, 1), datetime.date(2027, 3, 5)


def test_the_default_window_is_todays_next_slot_while_the_centre_is_open(space):
    # Open 09:00-18:00 on weekdays, Baku time, on a 15-minute grid.
    assert default_window(space, _baku(MONDAY, 10, 7)) == (
        MONDAY,
        datetime.time(10, 15),
        datetime.time(11, 15),
    )
    assert default_window(space, _baku(MONDAY, 17, 30)) == (
        MONDAY,
        datetime.time(17, 30),
        datetime.time(18, 0),
    )


def test_after_closing_time_the_default_window_is_the_next_open_days_opening(space):
    tuesday = MONDAY + datetime.timedelta(days=1)
    assert default_window(space, _baku(MONDAY, 17, 50)) == (
        tuesday,
        datetime.time(9, 0),
        datetime.time(10, 0),
    )
    # Friday evening and the weekend: Monday.
    next_monday = MONDAY + datetime.timedelta(days=7)
    assert default_window(space, _baku(FRIDAY, 20))[0] == next_monday
    assert default_window(space, _baku(FRIDAY + datetime.timedelta(days=1), 12))[0] == next_monday


def test_the_default_window_passes_over_the_centres_closures(space):
    ClosureFactory(
        space=space,
        starts_on=MONDAY + datetime.timedelta(days=1),
        ends_on=MONDAY + datetime.timedelta(days=2),
    )
    assert default_window(space, _baku(MONDAY, 19))[0] == MONDAY + datetime.timedelta(days=3)


def test_a_day_asked_for_is_kept_even_when_it_is_over(space):
    # The person chose today: the page then says why nothing can be booked, rather than
    # moving them to another day unasked.
    assert default_window(space, _baku(MONDAY, 19), MONDAY) == (
        MONDAY,
        datetime.time(9, 0),
        datetime.time(10, 0),
    )
