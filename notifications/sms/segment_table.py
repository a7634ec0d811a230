"""The segments of every SMS template in every language, for docs/sms.md and its tests.

Each template is rendered with realistic long values (`SAMPLE`: a long centre name, a
"Training room", an event title, a reason, the real length of our links, an invitation's
its own) for a sender that takes replies, for a one-way one, and, in Azerbaijani and
Uzbek, in plain Latin.
`manage.py sms_segments_table` prints the table; a test keeps docs/sms.md equal to it.
"""

import dataclasses
import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings

from notifications.models import Notification
from notifications.sms.messages import MessageFacts, render_message
from notifications.sms.segments import segment_count

STARTS = datetime.datetime(2026, 12, 1, 6, 30, tzinfo=datetime.UTC)
SAMPLE = MessageFacts(
    space="Ganja Youth and Civil Society Centre",
    resource="Training room",
    event="Round-table on youth employment",
    starts_at=STARTS,
    ends_at=STARTS + datetime.timedelta(hours=2, minutes=30),
    time_zone=zoneinfo.ZoneInfo("Asia/Baku"),
    reason="Power cut in the building.",
    # As long as the links we send: a calendar download and the member's bookings page.
    link="https://cowork.example.org/ics/b2s-AAAAAAAAAAAAAAAAAAAAAA/",
    manage="https://cowork.example.org/bookings/",
    code="482913",
    position=12,
    repeat="fortnightly",
    count=12,
    skipped=2,
)
# A place at an event is managed on its own page, by the calendar file's token: a longer link.
EVENT_SAMPLE = dataclasses.replace(
    SAMPLE, manage="https://cowork.example.org/r/r2s-AAAAAAAAAAAAAAAAAAAAAA/"
)
# An invitation's link is as long as the one invitations send: a 16-character secret and its
# 12-character keyed hash (`cowork.services.accounts.invitations`).
INVITATION_SAMPLE = dataclasses.replace(
    SAMPLE, link="https://cowork.example.org/i/AAAAAAAAAAAAAAAA.AAAAAAAAAAAA/"
)
INVITATION_KINDS = frozenset(
    {
        Notification.Kind.INVITATION,
        Notification.Kind.HOST_INVITATION,
        Notification.Kind.STAFF_INVITATION,
    }
)
# Languages written in a Latin alphabet with letters GSM-7 lacks: they may go in plain Latin.
PLAIN_LATIN_LANGUAGES = ("az", "uz")


@dataclass(frozen=True)
class Variant:
    kind: str
    language: str
    two_way: bool
    plain_latin: bool = False

    def render(self, facts: MessageFacts | None = None) -> str:
        if facts is None:
            facts = EVENT_SAMPLE if self.kind.startswith(("registration_", "event_")) else SAMPLE
            if self.kind in INVITATION_KINDS:
                facts = INVITATION_SAMPLE
        return render_message(
            kind=self.kind,
            language=self.language,
            facts=facts,
            two_way=self.two_way,
            plain_latin=self.plain_latin,
        )


def variants() -> list[Variant]:
    """Every template × language × sender wording (× plain Latin where it applies)."""
    found = []
    for kind in Notification.Kind.values:
        for language, _name in settings.LANGUAGES:
            for two_way in (True, False):
                found.append(Variant(kind, language, two_way))
                if language in PLAIN_LATIN_LANGUAGES:
                    found.append(Variant(kind, language, two_way, plain_latin=True))
    return found


def markdown_table() -> str:
    """The table docs/sms.md shows: one row per kind and wording, one column per language."""
    languages = [code for code, _name in settings.LANGUAGES]
    columns = []
    for code in languages:
        columns.append(code)
        if code in PLAIN_LATIN_LANGUAGES:
            columns.append(f"{code} plain")
    lines = [
        "| Message | Sender | " + " | ".join(columns) + " |",
        "|---|---|" + "---|" * len(columns),
    ]
    for kind in Notification.Kind.values:
        for two_way in (True, False):
            cells = []
            for code in languages:
                for plain in (False, True) if code in PLAIN_LATIN_LANGUAGES else (False,):
                    body = Variant(kind, code, two_way, plain).render()
                    segments, encoding = segment_count(body)
                    cells.append(f"{segments} {'G' if encoding == 'GSM-7' else 'U'} {len(body)}")
            sender = "two-way" if two_way else "one-way"
            lines.append(f"| `{kind}` | {sender} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
