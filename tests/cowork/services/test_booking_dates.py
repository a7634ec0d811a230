"""Dates in the booking service's refusals read as people of each language write them."""

import datetime
import zoneinfo

import pytest
from django.utils import translation

from cowork.services.booking.common import local_text

BAKU = zoneinfo.ZoneInfo("Asia/Baku")
# 07:00 UTC is 11:00 in Baku (UTC+4).
MOMENT = datetime.datetime(2030, 3, 4, 7, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Mar 4, 2030, 11:00"),
        ("az", "4 mar 2030 11:00"),
        ("ru", "4 мар. 2030\u202fг., 11:00"),
        ("uk", "4 бер. 2030\u202fр., 11:00"),
        ("uz", "4-mar, 2030, 11:00"),
    ],
)
def test_a_moment_reads_in_the_centres_zone_and_the_active_language(language, expected):
    with translation.override(language):
        assert local_text(MOMENT, BAKU) == expected
        assert local_text(MOMENT, BAKU, with_date=False) == "11:00"
