"""The "Use of the space" part of the report page and of its CSV and XLSX files."""

import io

import openpyxl
import pytest

from tests.cowork.selectors.reports.network import (
    donor,
)
from tests.cowork.web.test_reports import (
    CSV,
    MARCH,
    PAGE,
    XLSX,
    as_page_text,
    csv_sections,
    page_tables,
    same,
)

pytestmark = pytest.mark.django_db

USE_TABLES = [
    ("Bookings and check-ins by centre", "table-use_centres", "Use of the space"),
    ("Bookings and check-ins by month", "table-use_months", "Use by month"),
    ("Bookings and check-ins by week", "table-use_weeks", "Use by week"),
    ("Bookings checked in, by weekday and hour", "table-busy", "Busiest hours"),
]


def test_the_page_and_both_files_give_the_same_use_of_the_space(admin_client, network):
    page = admin_client.get(PAGE, MARCH)
    html = page.content.decode()
    assert 'id="space-use"' in html and 'id="busy-desk-title"' in html
    tables = page_tables(page)
    sections = csv_sections(admin_client.get(CSV, MARCH))
    workbook = openpyxl.load_workbook(io.BytesIO(admin_client.get(XLSX, MARCH).content))
    for title, table_id, sheet in USE_TABLES:
        exported = [[as_page_text(value) for value in row] for row in sections[title]]
        assert exported == tables[table_id], title
        rows = [[same(v) for v in row] for row in workbook[sheet].iter_rows(values_only=True)]
        assert rows == [[same(v) for v in row] for row in sections[title]], sheet
    # Ganja's desks: 3 booked, 2 checked in, 1 no-show; Tashkent's: 1, 1, 0 (by hand in
    # tests/cowork/selectors/reports/test_usage.py).
    assert sections["Bookings and check-ins by centre"] == [
        ["Centre", "Resources", "Booked", "Checked in", "No-shows", "No-show rate (%)"],
        ["Ganja Centre", "Desks", "3", "2", "1", "33.3"],
        ["Tashkent Centre", "Desks", "1", "1", "0", "0.0"],
        ["All centres", "Desks", "4", "3", "1", "25.0"],
    ]
    assert "No equipment was asked for in this period." in html
    assert sections["Equipment asked for and refused"][1:] == []


def test_a_donor_gets_no_use_of_the_space_and_is_told_of_the_rounding(client, network):
    client.force_login(donor(network.eu))
    html = client.get(PAGE, MARCH).content.decode()
    assert 'id="space-use"' not in html
    assert 'id="rounding-note"' in html
    sections = csv_sections(client.get(CSV, MARCH))
    assert not any(title in sections for title, _id, _sheet in USE_TABLES)
    assert [row[0] for row in sections["Notes"] if row[0] == "rounded"] == ["rounded"]
