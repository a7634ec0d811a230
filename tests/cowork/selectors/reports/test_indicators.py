"""The indicator values' periods, and what `report_indicators` refuses."""

import datetime

import pytest

from cowork.errors import InvalidInput, NotAllowed
from cowork.selectors.reports.indicators import month_periods, report_indicators
from tests.cowork.selectors.reports.network import donor
from tests.factories import MemberFactory

D = datetime.date


def test_a_period_per_calendar_month_cut_to_the_report():
    assert month_periods(D(2024, 12, 20), D(2025, 2, 3)) == [
        (D(2024, 12, 20), D(2024, 12, 31)),
        (D(2025, 1, 1), D(2025, 1, 31)),
        (D(2025, 2, 1), D(2025, 2, 3)),
    ]
    assert month_periods(D(2024, 2, 1), D(2024, 2, 29)) == [(D(2024, 2, 1), D(2024, 2, 29))]
    assert month_periods(D(2025, 3, 5), D(2025, 3, 5)) == [(D(2025, 3, 5), D(2025, 3, 5))]


@pytest.mark.django_db
def test_a_period_ending_before_it_starts_and_a_viewer_without_a_role_are_refused(admin):
    with pytest.raises(InvalidInput):
        report_indicators(viewer=admin, start=D(2025, 3, 31), end=D(2025, 3, 1))
    with pytest.raises(NotAllowed):
        report_indicators(viewer=MemberFactory().user, start=D(2025, 3, 1), end=D(2025, 3, 31))


@pytest.mark.django_db
def test_a_donors_tag_is_an_activity_even_in_a_month_without_its_events(network):
    (activity,) = report_indicators(
        viewer=donor(network.eu), start=D(2025, 1, 1), end=D(2025, 1, 31)
    )
    assert activity.tag_id == network.eu.pk
    totals = {v.indicator: v.cell.value for v in activity.values if not v.dimensions}
    assert totals == {"events_held": 0, "attendances": 0, "participants": 0}
