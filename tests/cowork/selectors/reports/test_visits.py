"""Walk-ins in a report: added to the check-ins, and nobody counted twice (hand-counted).

On top of the network of `network.py` (its member checked in twice at Ganja on 3 March and
once at Tashkent on 18 March), Ganja logs these walk-ins:

- 3 March: the member signs in at the door kiosk with their phone (they checked in that
  day: no new visit, no new person); three "+1 visitor" taps (a woman 18–24, a man, nobody
  said); a visitor with a phone the network does not know;
- 4 March: the member signs in at the kiosk (no check-in that day: a visit, not a new
  person);
- 10 March: the unknown phone again (a visit, the same person);
- 31 March 23:30 in Ganja (20:30 UTC): one tap, a March visit;
- 1 April 00:30 in Ganja (31 March 21:30 UTC): one tap, not in March.

Ganja: 2 check-ins + 7 walk-ins = 9 visits; visitors: the member, the phone, 4 taps = 6.
Tashkent: 1 visit, 1 visitor (the member). Total: 10 visits, 7 walk-ins, 6 visitors (the
member once across both centres).
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cowork.models import Member
from cowork.selectors.reports.suppression import SMALL_MARK
from cowork.services.displays import display_token_create
from cowork.services.visits import walk_in_record
from tests.cowork.selectors.reports.expected import march_report
from tests.cowork.selectors.reports.network import donor as make_donor
from tests.cowork.selectors.reports.network import local

pytestmark = pytest.mark.django_db

STRANGER = "+994557654321"


@pytest.fixture
def walk_ins(network):
    ganja, host = network.ganja, network.host_a
    tablet, _key = display_token_create(space=ganja, host=host, name="Door")
    phone = Member.objects.get(user=network.member).phone
    keys = iter(range(100))

    def kiosk(day, wall, number):
        return walk_in_record(
            space=ganja, source="kiosk", client_key=f"k{next(keys)}", display=tablet,
            phone=number, now=local(ganja, day, wall),
        )  # fmt: skip

    def tap(day, wall, **answers):
        return walk_in_record(
            space=ganja, source="live", client_key=f"t{next(keys)}", logged_by=host,
            now=local(ganja, day, wall), **answers,
        )  # fmt: skip

    kiosk("2025-03-03", "12:00", phone)
    tap("2025-03-03", "12:01", gender="female", age_band="18-24")
    tap("2025-03-03", "12:02", gender="male")
    tap("2025-03-03", "12:03")
    kiosk("2025-03-03", "15:00", STRANGER)
    kiosk("2025-03-04", "15:00", phone)
    assert kiosk("2025-03-10", "10:00", STRANGER).returning
    tap("2025-03-31", "23:30")
    tap("2025-04-01", "00:30")
    return network


def test_visits_add_walk_ins_to_check_ins_without_counting_anyone_twice(walk_ins, admin):
    report = march_report(admin)
    ganja, tashkent = report.centres
    assert (ganja.figures.visits, ganja.figures.walk_ins, ganja.figures.visitors) == (9, 7, 6)
    assert (tashkent.figures.visits, tashkent.figures.walk_ins, tashkent.figures.visitors) == (
        1, 0, 1,
    )  # fmt: skip
    total = report.total
    assert (total.visits, total.walk_ins, total.visitors) == (10, 7, 6)


def test_daily_visits_include_walk_ins_on_the_centres_local_day(walk_ins, admin):
    report = march_report(admin)
    assert {d.day.isoformat(): d.visits for d in report.daily_visits if d.visits} == {
        "2025-03-03": 2 + 4,
        "2025-03-04": 1,
        "2025-03-10": 1,
        "2025-03-18": 1,
        "2025-03-31": 1,
    }


def test_walk_ins_by_sex_and_age_band_are_suppressed(walk_ins, admin):
    sex, age = march_report(admin).walk_in_breakdowns
    assert sex.total == age.total == 7
    shown = {code: cell.shown for code, _label, cell in sex.rows}
    # One woman and one man: small cells, and the five not given hidden with them.
    assert shown["female"] == shown["male"] == SMALL_MARK
    assert all(cell.value is None for _c, _l, cell in sex.rows if cell.value != 0)
    assert {code: cell.shown for code, _label, cell in age.rows}["18-24"] == SMALL_MARK


def test_a_donor_sees_no_walk_ins(walk_ins):
    report = march_report(make_donor(walk_ins.eu))
    assert report.total.walk_ins is None and report.total.visitors is None
    assert report.walk_in_breakdowns == []
    assert all(row.figures.walk_ins is None for row in report.centres)


def test_walk_ins_cost_no_more_queries_however_many_there_are(walk_ins, admin):
    with CaptureQueriesContext(connection) as few:
        march_report(admin)
    ganja = walk_ins.ganja
    for n in range(30):
        walk_in_record(
            space=ganja, source="live", client_key=f"more{n}", logged_by=walk_ins.host_a,
            now=datetime.datetime(2025, 3, 12, 8, n, tzinfo=datetime.UTC),
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        report = march_report(admin)
    assert len(many) == len(few)
    assert report.total.walk_ins == 37
