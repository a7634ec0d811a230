"""Property tests of the time rules: random hours, closures, DST dates and requests.

An accepted request satisfies every rule, checked by an oracle written independently (on
absolute instants, not wall-clock strings); a refused one names only rules the oracle
agrees it breaks.
"""

import datetime
import zoneinfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cowork.booking_rules import BookingPolicy, ClosedDays, Period, time_violations

ZONES = ["Asia/Baku", "Europe/Kyiv", "Asia/Tashkent"]
# Weeks around Kyiv's DST changes of 2027 (28 March, 31 October), and a plain one.
ANCHORS = [datetime.date(2027, 3, 24), datetime.date(2027, 10, 27), datetime.date(2027, 7, 7)]
NOW = datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC)


@st.composite
def periods(draw):
    result = []
    for weekday in range(7):
        for _ in range(draw(st.integers(0, 2))):
            opens = draw(st.integers(6 * 4, 21 * 4))  # quarter hours after midnight
            closes = draw(st.integers(opens + 1, 23 * 4))
            result.append(
                Period(
                    weekday,
                    datetime.time(opens // 4, opens % 4 * 15),
                    datetime.time(closes // 4, closes % 4 * 15),
                )
            )
    return result


@st.composite
def closures(draw):
    result = []
    for _ in range(draw(st.integers(0, 2))):
        start = draw(st.sampled_from(ANCHORS)) + datetime.timedelta(days=draw(st.integers(-3, 6)))
        result.append(
            ClosedDays(start, start + datetime.timedelta(days=draw(st.integers(0, 2))), "holiday")
        )
    return result


@st.composite
def requests(draw, zone):
    day = draw(st.sampled_from(ANCHORS)) + datetime.timedelta(days=draw(st.integers(-3, 6)))
    minute = draw(st.integers(5 * 60, 23 * 60))
    if draw(st.booleans()):
        minute -= minute % 15  # mostly on the grid, sometimes not
    start = datetime.datetime.combine(day, datetime.time(minute // 60, minute % 60), tzinfo=zone)
    start = start.astimezone(datetime.UTC)  # requests arrive in any offset
    duration = datetime.timedelta(minutes=draw(st.integers(-60, 14 * 60)))
    return start, start + duration


@st.composite
def cases(draw):
    zone = zoneinfo.ZoneInfo(draw(st.sampled_from(ZONES)))
    policy = BookingPolicy(
        zone=zone,
        grid_minutes=draw(st.sampled_from([15, 30, 60])),
        min_minutes=draw(st.sampled_from([15, 30, 60])),
        max_minutes=draw(st.sampled_from([120, 480, 720])),
        max_days_ahead=draw(st.sampled_from([30, 60, 400])),
        buffer_minutes=0,
    )
    start, end = draw(requests(zone))
    return policy, draw(periods()), draw(closures()), start, end


def oracle(policy, hours, closed, start, end, now):
    """Which rules the request breaks, judged on absolute instants."""
    zone = policy.zone
    broken = set()
    if end <= start:
        return {"end_not_after_start"}
    for moment in (start, end):
        local = moment.astimezone(zone)
        if (local.hour * 60 + local.minute) % policy.grid_minutes or local.second:
            broken.add("off_grid")
    length = end - start
    if length < datetime.timedelta(minutes=policy.min_minutes):
        broken.add("too_short")
    if length > datetime.timedelta(minutes=policy.max_minutes):
        broken.add("too_long")
    if start <= now - datetime.timedelta(minutes=policy.grid_minutes):
        broken.add("in_past")
    if start > now + datetime.timedelta(days=policy.max_days_ahead):
        broken.add("too_far_ahead")
    days = {start.astimezone(zone).date(), end.astimezone(zone).date()}
    if any(c.starts_on <= day <= c.ends_on for c in closed for day in days):
        broken.add("closed")
        return broken
    day = start.astimezone(zone).date()
    inside = any(
        period.weekday == day.weekday()
        and datetime.datetime.combine(day, period.opens, tzinfo=zone) <= start
        and end <= datetime.datetime.combine(day, period.closes, tzinfo=zone)
        for period in hours
    )
    if not inside:
        broken.add("outside_opening_hours")
    return broken


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_accepted_requests_keep_every_rule_and_refusals_name_a_broken_one(case):
    policy, hours, closed, start, end = case
    violations = time_violations(
        policy=policy, hours=hours, closures=closed, starts_at=start, ends_at=end, now=NOW
    )
    broken = oracle(policy, hours, closed, start, end, NOW)
    named = {violation.code for violation in violations}
    assert named == broken
    for violation in violations:
        assert violation.message


def test_kyiv_ten_oclock_on_the_dst_sunday_week_is_inside_nine_to_six():
    zone = zoneinfo.ZoneInfo("Europe/Kyiv")
    policy = BookingPolicy(zone, 15, 30, 600, 400, 0)
    hours = [Period(day, datetime.time(9), datetime.time(18)) for day in range(7)]
    # 2027-03-28: clocks jump 03:00 → 04:00; 10:00 local is 07:00 UTC that day.
    start = datetime.datetime(2027, 3, 28, 7, 0, tzinfo=datetime.UTC)
    assert not time_violations(
        policy=policy,
        hours=hours,
        closures=[],
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=8),
        now=NOW,
    )
