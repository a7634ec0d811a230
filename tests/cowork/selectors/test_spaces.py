import datetime
import zoneinfo

import pytest

from cowork.models import OpeningHours
from cowork.selectors.spaces import space_is_open_at, spaces_by_country
from tests.factories import ClosureFactory, SpaceFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
BAKU = zoneinfo.ZoneInfo("Asia/Baku")
KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")


def test_open_is_judged_by_the_centres_own_clock():
    ganja = SpaceFactory(time_zone="Asia/Baku")
    # Monday 2027-03-01 05:30 UTC is 09:30 in Baku (UTC+4) but 07:30 in Kyiv.
    moment = datetime.datetime(2027, 3, 1, 5, 30, tzinfo=UTC)
    kramatorsk = SpaceFactory(time_zone="Europe/Kyiv", country="UA", city="Kramatorsk")
    assert space_is_open_at(space=ganja, moment=moment)
    assert not space_is_open_at(space=kramatorsk, moment=moment)


def test_opening_hours_are_half_open_intervals():
    space = SpaceFactory()
    at_opening = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=BAKU)
    at_closing = datetime.datetime(2027, 3, 1, 18, 0, tzinfo=BAKU)
    assert space_is_open_at(space=space, moment=at_opening)
    assert not space_is_open_at(space=space, moment=at_closing)


def test_a_closure_day_is_closed_even_within_opening_hours():
    space = SpaceFactory()
    ClosureFactory(
        space=space, starts_on=datetime.date(2027, 3, 22), ends_on=datetime.date(2027, 3, 22)
    )
    assert not space_is_open_at(space=space, moment=datetime.datetime(2027, 3, 22, 12, tzinfo=BAKU))
    assert space_is_open_at(space=space, moment=datetime.datetime(2027, 3, 23, 12, tzinfo=BAKU))


def test_opening_follows_kyiv_across_the_spring_dst_change():
    space = SpaceFactory(time_zone="Europe/Kyiv", country="UA", weekday_hours=False)
    OpeningHours.objects.create(
        space=space, weekday=0, opens=datetime.time(9), closes=datetime.time(18)
    )
    # Kyiv moves from UTC+2 to UTC+3 on Sunday 2027-03-28: 09:00 local is 07:00 UTC before
    # and 06:00 UTC after.
    before = datetime.datetime(2027, 3, 22, 7, 0, tzinfo=UTC)
    after = datetime.datetime(2027, 3, 29, 6, 0, tzinfo=UTC)
    assert space_is_open_at(space=space, moment=before)
    assert space_is_open_at(space=space, moment=after)
    assert not space_is_open_at(space=space, moment=after - datetime.timedelta(minutes=1))


def test_naive_moment_is_an_error_not_a_guess(space):
    with pytest.raises(ValueError):
        space_is_open_at(space=space, moment=datetime.datetime(2027, 3, 1, 12))


def test_centres_are_grouped_by_country_with_local_time(django_assert_max_num_queries):
    SpaceFactory(country="UZ", city="Navoi", time_zone="Asia/Tashkent")
    SpaceFactory(country="AZ", city="Shaki")
    SpaceFactory(country="AZ", city="Guba")
    SpaceFactory(country="UA", city="Kramatorsk", time_zone="Europe/Kyiv")
    now = datetime.datetime(2027, 7, 1, 10, 0, tzinfo=UTC)
    with django_assert_max_num_queries(4):
        groups = spaces_by_country(now=now)
    assert [group.country for group in groups] == ["AZ", "UA", "UZ"]
    assert [status.space.city for status in groups[0].spaces] == ["Guba", "Shaki"]
    assert groups[1].spaces[0].local_time.hour == 13  # Kyiv is UTC+3 in summer
    assert groups[2].spaces[0].local_time.hour == 15  # Tashkent is UTC+5
