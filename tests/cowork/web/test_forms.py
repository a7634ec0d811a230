import datetime

import pytest
from django.http import QueryDict

from cowork.web.forms import SearchForm, aware, grid_times
from tests.factories import SpaceFactory

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
