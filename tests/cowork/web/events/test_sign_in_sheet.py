"""The sign-in sheet a host prints for the donor's file, and the live parts of the list."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from cowork.models import Tag
from cowork.services.events import attendance_mark, registration_create, walk_in_add
from tests.cowork.web.events.conftest import LEYLA, NIGAR, RASHAD

pytestmark = pytest.mark.django_db


@pytest.fixture
def marked(event, host):
    people = {
        name: registration_create(event=event, name=name, phone=typed)[0]
        for name, (typed, _e164) in (("Nigar", NIGAR), ("Rashad", RASHAD), ("Leyla", LEYLA))
    }
    session = event.sessions.get()
    attendance_mark(session=session, participant=people["Nigar"].participant, host=host)
    walk_in_add(session=session, name="Kamran", phone="+994501112299", host=host)
    return event


def _cells(html: str) -> list[list[str]]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            re.sub(r"<[^>]+>|\s+", " ", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_sign_in_sheet_lists_everyone_with_a_signature_column_and_the_counts(
    host_client, marked, space
):
    tag = Tag.objects.create(kind=Tag.Kind.DONOR, name="EU4Youth")
    marked.tags.add(tag)
    response = host_client.get(reverse("web:sign-in-sheet", args=[marked.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign-in sheet: Round-table on e-government" in html
    assert "Meeting room" in html and space.name in html and "EU4Youth" in html
    assert "Signature" in html and "@media print" not in html  # the print rules are in CSS
    rows = _cells(html)
    named = [row for row in rows if row[1]]
    assert [row[1] for row in named] == ["Kamran", "Leyla", "Nigar", "Rashad"]
    assert named[0][2].startswith("✓") and "walk-in" in named[0][2]
    assert named[1][2] == "" and named[2][2].startswith("✓")
    # Empty lines for people not listed, numbered on.
    assert rows[len(named)][0] == str(len(named) + 1) and rows[-1][1] == ""
    counts = dict(re.findall(r'data-count="([a-z-]+)">(\d+)<', html))
    assert counts == {"registered": "4", "present": "2", "walk-ins": "1", "absent": "2"}
    # Names only: the sheet leaves the centre, phones do not.
    for _typed, e164 in (NIGAR, RASHAD, LEYLA):
        assert e164 not in html


def test_sign_in_sheet_is_for_the_centres_hosts_only(member_client, marked):
    url = reverse("web:sign-in-sheet", args=[marked.pk])
    assert Client().get(url).status_code == 302  # to sign in
    assert member_client.get(url).status_code == 403


def test_attendance_page_carries_its_live_socket_and_who_is_in(host_client, marked):
    session = marked.sessions.get()
    html = host_client.get(reverse("web:event-attendance", args=[marked.pk])).content.decode()
    assert f'data-socket="/ws/events/{marked.pk}/attendance/?session={session.pk}"' in html
    assert 'data-figure="present">2<' in html
    present = html.split("data-present-list>", 1)[1].split("</ol>", 1)[0]
    assert re.findall(r"<span>(.*?)</span>", present) == ["Nigar", "Kamran"]
    assert reverse("web:sign-in-sheet", args=[marked.pk]) in html
