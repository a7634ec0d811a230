"""The report page lists its events a page at a time (a year of a network's events is
thousands of rows); the CSV and XLSX hold every one, and a page costs the same queries."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cowork.web.reports import page
from tests.cowork.web.test_reports import CSV, MARCH, PAGE, csv_sections, page_tables

pytestmark = pytest.mark.django_db


def _events(response) -> list[str]:
    return [row[0] for row in page_tables(response)["table-events"][1:]]


def _queries(client, query) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE, query).status_code == 200
    return len(queries)


def test_the_page_lists_its_events_a_page_at_a_time(admin_client, network, monkeypatch):
    every = _events(admin_client.get(PAGE, MARCH))
    assert len(every) == 4
    assert "events_page" not in admin_client.get(PAGE, MARCH).content.decode()
    monkeypatch.setattr(page, "EVENTS_PER_PAGE", 2)

    first = admin_client.get(PAGE, MARCH)
    text = html.unescape(first.content.decode())
    assert _events(first) == every[:2]
    assert "Events 1 to 2 of 4" in text
    assert len(first.context["sentences"]) == 2
    kinds = [kind for kind, _texts in first.context["donor_sentences"]]
    assert kinds.count("event") == 2
    assert 'rel="next"' in text and 'rel="prev"' not in text
    assert "?start=2025-03-01&end=2025-03-31&events_page=2#events-heading" in text
    # The downloads are of the whole report, whatever page is shown.
    assert 'export.csv?start=2025-03-01&end=2025-03-31"' in text

    last = admin_client.get(PAGE, {**MARCH, "events_page": "2"})
    assert _events(last) == every[2:]
    assert 'rel="prev"' in last.content.decode() and 'rel="next"' not in last.content.decode()
    # A page past the end, or no number at all, is the last or the first.
    assert _events(admin_client.get(PAGE, {**MARCH, "events_page": "9"})) == every[2:]
    assert _events(admin_client.get(PAGE, {**MARCH, "events_page": "x"})) == every[:2]

    exported = [row[0] for row in csv_sections(admin_client.get(CSV, MARCH))["Events"][1:]]
    assert exported == every


def test_every_page_of_events_costs_the_same_queries(admin_client, network, monkeypatch):
    whole = _queries(admin_client, MARCH)
    monkeypatch.setattr(page, "EVENTS_PER_PAGE", 2)
    assert _queries(admin_client, MARCH) == whole
    assert _queries(admin_client, {**MARCH, "events_page": "2"}) == whole
