"""The sentences donors paste, one per event, naming no person."""

import pytest
from django.utils import translation

from cowork.models import Event
from cowork.selectors.reports.sentences import event_sentence, event_sentences
from tests.cowork.selectors.reports.expected import march_report
from tests.cowork.selectors.reports.network import (
    MARCH,
    REPORT_NOW,
    attend,
    ganja_round_table,
    make_event,
    register,
)
from tests.factories import HostFactory, RoomFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def test_events_and_sentences_name_no_person_and_hide_small_gender_splits(network, admin):
    report = march_report(admin)
    assert [
        (row.title, row.registrations, row.attendances, row.participants, row.happened)
        for row in report.events
    ] == [
        ("Digital skills", 6, 7, 5, True),
        ("Round-table on e-government", 13, 10, 10, True),
        ("Open data seminar", 8, 7, 7, True),
        ("Youth forum", 3, 0, 0, False),
    ]
    # E1: 2 men, 6 women, 2 others — the two small cells hide each other.
    assert [cell.shown for cell in report.events[1].gender_split] == ["<5", "6", "<5"]
    # One person with a disability (by the old "yes") at E1 and at E3: "fewer than 5".
    assert [event_sentence(row) for row in report.events] == [
        "Digital skills, Ganja, March 4\u2009–\u20096: 5 participants",
        "Round-table on e-government, Ganja, March 12: 10 participants,"
        " fewer than 5 with a disability",
        "Open data seminar, Tashkent, March 18: 7 participants, fewer than 5 with a disability",
        "Youth forum, Ganja, March 31: 3 registered so far",
    ]
    assert event_sentences(viewer=admin, now=REPORT_NOW, **MARCH) == [
        event_sentence(row) for row in report.events
    ]


def test_sentence_shows_the_gender_split_when_every_count_is_five_or_more(admin):
    event, _host = ganja_round_table(men=6, women=5)
    lone = SpaceFactory(city="Shaki")
    lone_host = HostFactory(space=lone).user
    single = make_event(
        lone, RoomFactory(space=lone), lone_host, "Consultation", Event.Kind.CONSULTATION,
        [("2025-03-13", "10:00", "11:00")],
    )  # fmt: skip
    attend(single.sessions.get(), register(single, 1), lone_host)
    assert event_sentences(viewer=admin, now=REPORT_NOW, space_ids=[event.space_id], **MARCH) == [
        "Round-table on e-government, Ganja, March 12: 11 participants (6 men; 5 women)",
    ]
    # With the consultation's one woman beside it, the period's 6 women less the
    # round-table's 5 would give her away: the round-table's split is left out too.
    assert event_sentences(viewer=admin, now=REPORT_NOW, **MARCH) == [
        "Round-table on e-government, Ganja, March 12: 11 participants",
        "Consultation, Shaki, March 13: 1 participant",
    ]


def test_sentences_give_dates_as_the_readers_language_writes_them(network, admin):
    with translation.override("ru"):
        sentences = event_sentences(viewer=admin, now=REPORT_NOW, **MARCH)
        months = [month.label for month in march_report(admin).months]
    assert "4—6 марта" in sentences[0]
    assert "12 марта" in sentences[1]
    assert months == ["март 2025\u202fг."]
