"""The reports page and its exports: who may see them, the filters, and that the CSV and
the XLSX hold exactly the numbers of the page, and nothing about any one person.

The network is the hand-built one of tests/cowork/selectors/reports/network.py. The page uses
the real clock, so every session of March 2025 is in the past here: E6's three
registrations count as no-shows too (7 of 29 confirmed).
"""

import csv
import datetime
import io
import re
from html.parser import HTMLParser

import openpyxl
import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from cowork.models import Event, Participant
from tests.cowork.selectors.reports.network import (
    PEOPLE,
    donor,
    make_event,
)
from tests.factories import MemberFactory, network_admin

pytestmark = pytest.mark.django_db

PAGE = reverse("web:reports")
CSV = reverse("web:report-csv")
XLSX = reverse("web:report-xlsx")
MARCH = {"start": "2025-03-01", "end": "2025-03-31"}


class _Tables(HTMLParser):
    """Every <table> with an id (or inside an element with one): its rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._ids: list[str | None] = []
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            key = attrs.get("id") or next((i for i in reversed(self._ids) if i), None)
            self._table = self.tables.setdefault(key, [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []
        self._ids.append(attrs.get("id"))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            # Layout whitespace only: a thin space in a date span ("March 4 – 6") is text.
            self._table[-1].append(re.sub(r"[ \t\r\n]+", " ", "".join(self._cell)).strip())
            self._cell = None
        elif tag == "table":
            self._table = None
        if self._ids:
            self._ids.pop()

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page_tables(response) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def csv_sections(response) -> dict[str, list[list[str]]]:
    """The CSV's tables by title: the header row, then the rows."""
    text = response.content.decode("utf-8-sig")
    sections, current = {}, None
    for row in csv.reader(io.StringIO(text)):
        if not row:
            current = None
        elif current is None:
            current = sections.setdefault(row[0], [])
        else:
            current.append(row)
    return sections


def same(value):
    """A cell as a comparable value: a number as a float, anything else as text."""
    text = "" if value is None else str(value)
    try:
        return float(text)
    except ValueError:
        return text


def as_page_text(value) -> str:
    return "–" if value in ("", None) else str(value)


# --- Access -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PAGE, CSV, XLSX])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", [PAGE, CSV, XLSX])
def test_members_without_a_role_are_refused(client, url):
    client.force_login(MemberFactory().user)
    assert client.get(url, MARCH).status_code == 403


def test_reports_link_shows_for_admins_hosts_and_donors_only(client, network):
    def has_link(user) -> bool:
        client.force_login(user)
        return f'href="{PAGE}"' in client.get(reverse("home")).content.decode()

    assert has_link(network_admin())
    assert has_link(network.host_a)
    assert has_link(donor(network.eu))
    assert not has_link(MemberFactory().user)


# --- The page ---------------------------------------------------------------------------


def test_page_defaults_to_the_last_three_months(admin_client):
    response = admin_client.get(PAGE)
    assert response.status_code == 200
    today = timezone.localdate()
    report = response.context["report"]
    assert report.end == today
    assert report.start == today - relativedelta(months=3) + datetime.timedelta(days=1)


def test_page_shows_tables_sentences_and_server_drawn_charts(admin_client, network):
    response = admin_client.get(PAGE, MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    tables = page_tables(response)
    totals = {row[0]: row[1] for row in tables["table-totals"][1:]}
    counts = {row[0]: row[2] for row in tables["table-totals"][1:]}
    # Each figure about people says how it counts them.
    assert counts["Attendances"] == "each time"
    assert counts["Unique participants"] == "people, once each"
    assert (totals["First-time participants"], totals["Returning participants"]) == ("21", "0")
    assert totals["Events held"] == "4"
    assert totals["Attendances"] == "24"
    assert totals["Unique participants"] == "21"
    assert totals["No-show rate (%)"] == "24.1"  # 7 of 29: every session is past by now
    assert totals["Desk utilization (%)"] == "3.4"
    assert totals["Room utilization (%)"] == "3.1"
    centres = {row[0]: row for row in tables["table-centres"][1:]}
    assert set(centres) == {"Ganja Centre", "Tashkent Centre", "All centres"}
    assert centres["Tashkent Centre"][3:8] == ["1", "0", "8", "7", "7"]
    # Small counts are "<5", with the meaning on hover.
    assert (
        '<abbr title="between 1 and 4, hidden to protect the people counted">&lt;5</abbr>' in html
    )
    assert "Round-table on e-government, Ganja, March 12: 10 participants" in html
    assert "Youth forum, Ganja, March 31: 0 participants" in html
    # Three monthly bar charts (events, attendances, people once each), visits per day,
    # the heat maps of rooms and desks, and the desks' busiest hours (the use of the space).
    assert html.count('<svg class="bar-chart"') == 4
    assert html.count('<svg class="heat-map"') == 3
    assert '<title id="chart-events-title">Events held per month</title>' in html
    assert '<text class="chart-value" x="' in html and ">4</text>" in html
    # Each heat-map cell carries its value in a <title>.
    assert "<title>Wednesday 10:00–11:00: 12.5% of open time booked</title>" in html


def test_filters_narrow_the_report(admin_client, network):
    by_centre = admin_client.get(PAGE, {**MARCH, "centre": network.tashkent.pk})
    assert [row.name for row in by_centre.context["report"].centres] == ["Tashkent Centre"]
    by_kind = admin_client.get(PAGE, {**MARCH, "kind": Event.Kind.TRAINING})
    assert [row.title for row in by_kind.context["report"].events] == ["Digital skills"]
    by_tag = admin_client.get(PAGE, {**MARCH, "tag": network.eu.pk})
    assert len(by_tag.context["report"].events) == 2
    by_country = admin_client.get(PAGE, {**MARCH, "country": "UZ"})
    assert by_country.context["report"].total.attendances == 7


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2025-13-01", "end": "2025-03-31"},
        {"start": "2025-03-31", "end": "2025-03-01"},
        {"start": "2020-01-01", "end": "2025-03-31"},
        {**MARCH, "kind": "party"},
    ],
)
def test_a_bad_filter_is_a_form_error_not_a_report(admin_client, query):
    response = admin_client.get(PAGE, query)
    assert response.status_code == 400
    assert response.context["report"] is None
    assert response.context["form"].errors
    assert admin_client.get(CSV, query).status_code == 400


def test_host_cannot_choose_another_centre(client, network):
    client.force_login(network.host_b)
    for url in (PAGE, CSV, XLSX):
        response = client.get(url, {**MARCH, "centre": network.ganja.pk})
        assert response.status_code == 403, url
        assert b"Ganja" not in response.content
    mine = client.get(PAGE, MARCH)
    assert [row.name for row in mine.context["report"].centres] == ["Tashkent Centre"]


def test_donor_filters_offer_only_their_tags_and_report_only_their_events(client, network):
    client.force_login(donor(network.youth))
    response = client.get(PAGE, MARCH)
    assert response.status_code == 200
    form = response.context["form"]
    assert [label for value, label in form.fields["tag"].choices if value] == ["Project: Youth"]
    report = response.context["report"]
    assert [row.title for row in report.events] == ["Digital skills"]
    assert [row.name for row in report.centres] == ["Ganja Centre"]
    assert client.get(PAGE, {**MARCH, "tag": network.eu.pk}).status_code == 403
    # Neither desks, rooms nor visits: the use of a centre is not a donor's.
    tables = page_tables(response)
    assert "table-visits" not in tables and "table-heat" not in tables
    assert "Desk utilization (%)" not in tables["table-centres"][0]
    assert not [row for row in tables["table-totals"] if row[0].startswith(("Desk", "Room"))]


# --- Exports ----------------------------------------------------------------------------


def test_csv_holds_the_numbers_of_the_page(admin_client, network):
    page = page_tables(admin_client.get(PAGE, MARCH))
    response = admin_client.get(CSV, MARCH)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="cowork-report-2025-03-01-2025-03-31.csv"' in response["Content-Disposition"]
    sections = csv_sections(response)
    for title, table_id in [
        ("Totals", "table-totals"),
        ("Centres", "table-centres"),
        ("By month", "table-months"),
        ("Events", "table-events"),
        ("Visits per day", "table-visits"),
        ("Share of open time booked, by weekday and hour", "table-heat"),
        ("Attendees by Washington Group domain", "table-domains"),
    ]:
        exported = [[as_page_text(value) for value in row] for row in sections[title]]
        assert exported == page[table_id], title
    # The page shows the breakdown as one small table per question.
    shown = [row for row in page["table-breakdown"] if row != ["Answer", "Attendees"]]
    exported = sections["Attendees by gender, age band and disability"]
    assert exported[0] == ["Breakdown", "Answer", "Attendees"]
    assert [row[1:] for row in exported[1:]] == shown
    gender = {row[1]: row[2] for row in exported[1:] if row[0] == "Gender"}
    assert gender == {
        "Female": "10",
        "Male": "x",
        "Other": "<5",
        "Prefer not to say": "0",
        "Not given": "x",
    }


def test_xlsx_opens_and_holds_the_numbers_of_the_csv(admin_client, network):
    sections = csv_sections(admin_client.get(CSV, MARCH))
    response = admin_client.get(XLSX, MARCH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:4] == ["Totals", "Centres", "Breakdown", "Events"]
    for sheet, title in [
        ("Totals", "Totals"),
        ("Centres", "Centres"),
        ("Breakdown", "Attendees by gender, age band and disability"),
        ("Events", "Events"),
        ("Months", "By month"),
        ("Daily visits", "Visits per day"),
        ("Disability by domain", "Attendees by Washington Group domain"),
        ("Sentences", "Sentences for donors' reports"),
    ]:
        rows = [
            [same(value) for value in row] for row in workbook[sheet].iter_rows(values_only=True)
        ]
        assert rows == [[same(value) for value in row] for row in sections[title]], sheet
    totals = {row[0]: row[1] for row in workbook["Totals"].iter_rows(values_only=True)}
    # Numbers are numbers, hidden counts are text.
    assert totals["Attendances"] == 24 and totals["No-show rate (%)"] == 24.1
    breakdown = list(workbook["Breakdown"].iter_rows(values_only=True))
    assert ("Gender", "Other", "<5") in breakdown
    assert ("Gender", "Female", 10) in breakdown


def test_exports_name_no_participant_and_give_no_phone_number(admin_client, network):
    secrets = set()
    for participant in Participant.objects.all():
        secrets |= {participant.name, participant.phone, participant.phone.lstrip("+")}
    for event in Event.objects.all():
        secrets |= {event.organizer_name, event.organizer_phone, event.organizer_phone[1:]}
    secrets |= {network.host_a.last_name, network.host_b.last_name}
    assert len(PEOPLE) == Participant.objects.count()

    text = admin_client.get(CSV, MARCH).content.decode("utf-8-sig")
    assert not [secret for secret in secrets if secret in text]
    workbook = openpyxl.load_workbook(io.BytesIO(admin_client.get(XLSX, MARCH).content))
    values = " ".join(
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    assert not [secret for secret in secrets if secret in values]
    page = admin_client.get(PAGE, MARCH).content.decode()
    assert not [secret for secret in secrets if secret in page]


def test_exports_neutralize_titles_a_spreadsheet_would_run(admin_client, network):
    make_event(
        network.ganja,
        network.ganja.resources.get(name="Hall"),
        network.host_a,
        '=HYPERLINK("http://example.org","Click")',
        Event.Kind.SEMINAR,
        [("2025-03-14", "10:00", "11:00")],
    )
    sections = csv_sections(admin_client.get(CSV, MARCH))
    titles = [row[0] for row in sections["Events"][1:]]
    assert '\'=HYPERLINK("http://example.org","Click")' in titles
    workbook = openpyxl.load_workbook(io.BytesIO(admin_client.get(XLSX, MARCH).content))
    cells = [row[0] for row in workbook["Events"].iter_rows(min_row=2)]
    (cell,) = [cell for cell in cells if "HYPERLINK" in str(cell.value)]
    assert cell.data_type == "s" and cell.value.startswith("'=")


def test_donor_exports_only_their_events(client, network):
    client.force_login(donor(network.eu))
    sections = csv_sections(client.get(CSV, MARCH))
    assert [row[0] for row in sections["Events"][1:]] == [
        "Round-table on e-government",
        "Open data seminar",
    ]


def test_charts_keep_plain_numbers_in_svg_when_the_page_speaks_another_language(
    admin_client, network, settings
):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = admin_client.get(PAGE, MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ru">' in html
    # Localized in the tables (24,1 % no-shows), never inside the SVG's coordinates.
    assert ">24,1<" in html
    svg = html[html.index('<svg class="heat-map"') :]
    svg = svg[: svg.index("</svg>")]
    assert 'x="48.0"' in svg or 'x="48"' in svg
    assert not re.search(r'="\d+,\d+"', svg)


# --- The demo network: a donor of Ganja and the Kramatorsk centre ------------------------


def test_ganja_donor_gets_no_kramatorsk_figures_even_from_a_tag_attached_there(
    client, demo, kramatorsk_event
):
    # Attached as the admin let any host do before tags had owners.
    kramatorsk_event.tags.add(demo.ganja_tag)
    today = timezone.localdate()
    period = {"start": today.isoformat(), "end": (today + datetime.timedelta(days=30)).isoformat()}
    client.force_login(demo.donor)

    response = client.get(PAGE, period)
    assert response.status_code == 200
    report = response.context["report"]
    assert [row.title for row in report.events] == ["Round-table on e-government services"]
    assert [row.name for row in report.centres] == [demo.ganja.name]
    assert report.total.desks is None and report.total.rooms is None
    assert report.total.visits is None
    centres = [label for value, label in response.context["form"].fields["centre"].choices]
    assert not [label for label in centres if "Kramatorsk" in label]
    assert "Kramatorsk" not in response.content.decode()

    for url in (PAGE, CSV, XLSX):
        refused = client.get(url, {**period, "centre": demo.kramatorsk.pk})
        assert refused.status_code == 403, url
        assert b"Kramatorsk" not in refused.content
        assert b"Python for beginners" not in refused.content
    sections = csv_sections(client.get(CSV, period))
    assert "Visits per day" not in sections
    assert "Share of open time booked, by weekday and hour" not in sections
    assert [row[0] for row in sections["Centres"][1:]] == [demo.ganja.name, "All centres"]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(XLSX, period).content))
    assert "Daily visits" not in workbook.sheetnames and "Heat map" not in workbook.sheetnames
    totals = {row[0] for row in workbook["Totals"].iter_rows(values_only=True)}
    assert not {"Desk hours open", "Room hours open", "Visits (check-ins)"} & totals
