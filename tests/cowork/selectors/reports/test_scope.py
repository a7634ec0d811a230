"""Who may report on what: donors see their events and no use of centres; hosts their own centre."""

import pytest

from cowork.errors import NotAllowed
from cowork.models import Tag
from cowork.selectors.reports.rounding import rounded
from cowork.selectors.reports.scope import report_choices
from cowork.selectors.reports.sentences import event_sentences
from tests.cowork.selectors.reports.expected import (
    GANJA,
    NO_USE,
    TASHKENT,
    USE,
    as_a_donor_reads,
    figures_of,
    march_report,
    shown,
)
from tests.cowork.selectors.reports.network import (
    MARCH,
    donor,
)
from tests.factories import (
    HostFactory,
    MemberFactory,
)

pytestmark = pytest.mark.django_db


def test_donor_sees_their_events_figures_and_no_desk_room_or_visit_figures(network):
    eu_donor = donor(network.eu)
    report = march_report(eu_donor)
    assert [row.title for row in report.events] == [
        "Round-table on e-government",
        "Open data seminar",
    ]
    ganja, tashkent = report.centres
    # A donor reads every count of people rounded to base 5 (`rounding`); events are exact.
    assert figures_of(ganja.figures) == as_a_donor_reads(
        {
            **GANJA,
            "events_held": 1,
            "events_cancelled": 0,
            "registrations": 13,
            "attendances": 10,
            "unique_participants": 10,
            "no_shows": 2,
            "no_show_base": 12,
            **NO_USE,
        }
    )
    assert figures_of(ganja.figures)["no_shows"] == 5  # 2 no-shows: never shown as 0
    assert figures_of(tashkent.figures) == as_a_donor_reads({**TASHKENT, **NO_USE})
    assert figures_of(report.total)["attendances"] == rounded(17, "attendances")
    assert report.rounded_to == 5
    assert all(value is None for key, value in figures_of(report.total).items() if key in USE)
    assert not report.shows_use
    assert report.daily_visits == [] and report.heat_maps == []
    # E1 and E3: 17 attendees, 8 women, 5 men, 4 not given (hidden with the next smallest).
    assert shown(report.breakdowns[0]) == {
        "female": str(rounded(8, "gender:female")),
        "male": "x",
        "other": "0",
        "undisclosed": "0",
        "not_given": "<5",
    }

    youth_report = march_report(donor(network.youth))
    assert [row.name for row in youth_report.centres] == ["Ganja Centre"]
    assert youth_report.total.events_held == 1
    assert youth_report.total.attendances == rounded(7, "attendances")
    assert youth_report.total.desks is None and youth_report.total.visits is None


def test_donor_whose_tags_have_no_events_in_the_period_sees_no_centre(network):
    unused = Tag.objects.create(kind=Tag.Kind.DONOR, name="Unused")
    report = march_report(donor(unused))
    assert report.centres == []
    assert report.events == []
    assert report.total.desks is None
    assert report.total.visits is None
    assert report.daily_visits == []


def test_donor_is_refused_a_tag_or_centre_outside_their_scope(network):
    eu_donor = donor(network.eu)
    with pytest.raises(NotAllowed):
        march_report(eu_donor, tag_ids=[network.youth.pk])
    youth_donor = donor(network.youth)
    with pytest.raises(NotAllowed):
        march_report(youth_donor, space_ids=[network.tashkent.pk])
    with pytest.raises(NotAllowed):
        event_sentences(viewer=youth_donor, space_ids=[network.tashkent.pk], **MARCH)
    choices = report_choices(viewer=eu_donor)
    assert choices.tags == [network.eu]
    assert {space.name for space in choices.centres} == {"Ganja Centre", "Tashkent Centre"}
    assert [
        row.name for row in march_report(youth_donor, space_ids=[network.ganja.pk]).centres
    ] == ["Ganja Centre"]


def test_host_sees_only_their_own_centre(network):
    report = march_report(network.host_b)
    assert [row.name for row in report.centres] == ["Tashkent Centre"]
    assert figures_of(report.total) == TASHKENT
    assert [row.title for row in report.events] == ["Open data seminar"]
    # Asking for the other centre is refused rather than answered, even with nothing.
    with pytest.raises(NotAllowed):
        march_report(network.host_b, space_ids=[network.ganja.pk])
    assert [space.name for space in report_choices(viewer=network.host_b).centres] == [
        "Tashkent Centre"
    ]
    staff = HostFactory(space=network.tashkent, role="staff").user
    assert figures_of(march_report(staff).total) == TASHKENT


def test_members_without_a_role_get_no_report(network):
    with pytest.raises(NotAllowed):
        march_report(MemberFactory().user)
    with pytest.raises(NotAllowed):
        event_sentences(viewer=MemberFactory().user, **MARCH)
