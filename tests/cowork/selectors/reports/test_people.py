"""People as donors count them: disability by the Washington Group cut-off, by domain, each
person once, first-time and returning people, and the sentence donors paste."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cowork.models import Event
from cowork.models.people import WG_DOMAINS
from cowork.selectors.reports.rounding import rounded
from cowork.selectors.reports.sentences import donor_sentences, event_sentence
from cowork.services.events import Demographics, registration_create
from cowork.services.profile import demographics_update
from tests.cowork.selectors.reports.expected import march_report, shown
from tests.cowork.selectors.reports.network import (
    BEFORE,
    answer_washington_group,
    attend,
    donor,
    ganja_round_table,
    make_event,
    name_of,
    phone_of,
    register,
)
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
DASH = "\u2009–\u2009"


def test_disability_is_counted_by_the_washington_group_cut_off(network, admin):
    answer_washington_group()
    report = march_report(admin)
    _gender, _age, disability = report.breakdowns
    # With 5 (P4, P5, P20, P21 by the six; P22 by the old "yes", having answered none of
    # them), without 7, not known 4 (<5), not given 5 — hidden as in the gender table.
    assert shown(disability) == {"with": "5", "without": "7", "unknown": "<5", "not_given": "x"}
    assert [row.dimension for row in report.domains] == list(WG_DOMAINS)
    seeing, hearing, walking, remembering, self_care, communicating = (
        shown(row) for row in report.domains
    )
    # Seeing: none 5, a lot 1, not answered 10 (eight consented people never saw the six
    # questions, and P5, P7 left it out), not given 5. The lone "a lot" (<5) and the hidden
    # "not given" (5) could only be 1 and 5, so "no difficulty" (5) goes too.
    assert seeing == {
        "none": "x",
        "some": "0",
        "a_lot": "<5",
        "cannot": "0",
        "undisclosed": "0",
        "not_answered": "10",
        "not_given": "x",
    }
    # Hearing: none 4, some 1, cannot 1 — three small cells hide each other.
    assert hearing == {
        "none": "<5",
        "some": "<5",
        "a_lot": "0",
        "cannot": "<5",
        "undisclosed": "0",
        "not_answered": "10",
        "not_given": "x",
    }
    assert walking["cannot"] == "<5" and walking["not_answered"] == "9"
    assert remembering["some"] == "<5" and self_care["undisclosed"] == "<5"
    assert communicating["a_lot"] == "<5"
    # No hidden count reaches the report, in any domain.
    assert all(cell.value is None for row in report.domains for cell in row.cells if cell.hidden)


def test_people_are_counted_once_and_those_who_came_before_are_returning(network, admin):
    ganja, tashkent = network.ganja, network.tashkent
    february = make_event(
        ganja, ganja.resources.get(name="Hall"), network.host_a, "February meeting",
        Event.Kind.CONSULTATION, [("2025-02-25", "10:00", "12:00")],
    )  # fmt: skip
    for n in (1, 20):
        attend(february.sessions.get(), register(february, n), network.host_a)
    report = march_report(admin)
    # 24 attendances (each time) by 21 people (once); P1 and P20 came in February.
    assert (report.total.attendances, report.total.unique_participants) == (24, 21)
    assert (report.total.returning_participants, report.total.first_time_participants) == (2, 19)
    by_centre = {row.name: row.figures for row in report.centres}
    assert (
        by_centre[ganja.name].returning_participants,
        by_centre[ganja.name].first_time_participants,
    ) == (1, 13)
    assert (
        by_centre[tashkent.name].returning_participants,
        by_centre[tashkent.name].first_time_participants,
    ) == (1, 6)
    (march,) = report.months
    assert (march.attendances, march.participants, march.first_time) == (24, 21, 19)
    # The EU's report counts only EU events: February's untagged meeting is not one.
    eu_report = march_report(donor(network.eu))
    assert (eu_report.total.unique_participants, eu_report.total.first_time_participants) == (
        rounded(17, "unique_participants"),
        rounded(17, "first_time_participants"),
    )


def _sentences(report, kind) -> list[list[tuple[str, str]]]:
    return [sentence.texts for sentence in donor_sentences(report) if sentence.kind == kind]


def test_donor_sentences_per_period_centre_tag_and_event_in_two_languages(network, admin):
    answer_washington_group()
    report = march_report(admin)
    # 21 people: the gender split hides its small "other" (1), so it is left out whole.
    period = "Mar 1" + DASH + "31, 2025"
    assert _sentences(report, "period") == [
        [
            ("en", f"In total, {period}: 21 participants, 5 with a disability"),
            ("az", f"Cəmi, 1{DASH}31 mar 2025: 21 iştirakçı, 5 nəfər əlilliyi olan"),
            (
                "uz",
                f"Jami, 1{DASH}31-mar, 2025: 21 nafar ishtirokchi, 5 nafar nogironligi bor",
            ),
        ]
    ]
    # Ganja: with disability P4, P5 (2): small, so "fewer than 5".
    centres = _sentences(report, "centre")
    assert centres[0][0] == (
        "en",
        f"Ganja Centre, {period}: 14 participants, fewer than 5 with a disability",
    )
    assert [texts[1][0] for texts in centres] == ["az", "uz"]
    assert [texts[0][1].split(":")[0] for texts in _sentences(report, "tag")] == [
        f"EU, {period}",
        f"Youth, {period}",
    ]
    assert _sentences(report, "tag")[0][0][1].endswith(": 17 participants, 5 with a disability")
    events = _sentences(report, "event")
    assert events[0][0] == ("en", f"Digital skills, Ganja, March 4{DASH}6: 5 participants")
    assert events[0][1][0] == "az"


def test_the_sentence_gives_the_split_and_disability_when_every_cell_is_shown(admin):
    ganja_round_table(men=6, women=5)
    for n in range(11):
        # Five of them (n = 0, 2, 4, 6, 8) have a lot of difficulty seeing.
        seeing = "a_lot" if n % 2 == 0 and n < 10 else "none"
        demographics_update(
            member=MemberFactory(phone=phone_of(100 + n)),
            consent=True,
            answers={"gender": "male" if n < 6 else "female", "wg_seeing": seeing}
            | {field: "none" for field in WG_DOMAINS[1:]},
            now=BEFORE,
        )
    (row,) = march_report(admin).events
    assert event_sentence(row) == (
        "Round-table on e-government, Ganja, March 12: 11 participants (6 men; 5 women),"
        " 5 with a disability"
    )
    ((_event, texts),) = [(s.kind, s.texts) for s in donor_sentences(march_report(admin))
                          if s.kind == "event"]  # fmt: skip
    assert texts[1] == (
        "az",
        "Round-table on e-government, Ganja, 12 mart: 11 iştirakçı (6 kişi; 5 qadın),"
        " 5 nəfər əlilliyi olan",
    )


def test_the_report_reads_people_in_a_fixed_number_of_queries(network, admin):
    answer_washington_group()

    def count():
        with CaptureQueriesContext(connection) as queries:
            march_report(admin)
        return len(queries)

    before = count()
    hall = network.ganja.resources.get(name="Hall")
    event = make_event(network.ganja, hall, network.host_a, "Extra", Event.Kind.TRAINING,
                       [("2025-03-13", "15:00", "16:00")], tags=[network.eu])  # fmt: skip
    for n in range(40, 52):
        registration = register_new(event, n)
        attend(event.sessions.get(), registration, network.host_a)
    assert count() == before


def register_new(event, n):
    registration, _key = registration_create(
        event=event,
        name=name_of(n),
        phone=phone_of(n),
        demographics=Demographics(gender="female", age_band="25-34", consent=True),
        now=BEFORE,
    )
    demographics_update(
        member=MemberFactory(phone=phone_of(n)),
        consent=True,
        answers={"gender": "female", **dict.fromkeys(WG_DOMAINS, "some")},
        now=BEFORE,
    )
    return registration
