"""Feeds read back by parsers we did not write, into one shape to compare.

Each reader returns {(uid, recurrence-id or None): Seen} for every VEVENT it found. Times
are whatever the parser made of them; a test requires them aware.
"""

import datetime
from dataclasses import dataclass

import icalendar
import ics
import recurring_ical_events
import vobject


@dataclass(frozen=True)
class Seen:
    start: datetime.datetime
    end: datetime.datetime
    status: str
    sequence: int


def _aware(moment) -> datetime.datetime:
    assert isinstance(moment, datetime.datetime), moment
    assert moment.tzinfo is not None and moment.utcoffset() is not None, moment
    return moment


def with_icalendar(body: bytes) -> dict:
    calendar = icalendar.Calendar.from_ical(body)
    seen = {}
    for event in calendar.walk("VEVENT"):
        recurrence = event.get("RECURRENCE-ID")
        key = (str(event["UID"]), recurrence.dt if recurrence is not None else None)
        seen[key] = Seen(
            _aware(event["DTSTART"].dt),
            _aware(event["DTEND"].dt),
            str(event.get("STATUS", "")),
            int(event.get("SEQUENCE", 0)),
        )
    return seen


def with_vobject(body: bytes) -> dict:
    calendar = vobject.readOne(body.decode())
    seen = {}
    for event in calendar.contents.get("vevent", []):
        recurrence = getattr(event, "recurrence_id", None)
        key = (event.uid.value, recurrence.value if recurrence is not None else None)
        seen[key] = Seen(
            _aware(event.dtstart.value),
            _aware(event.dtend.value),
            event.status.value if hasattr(event, "status") else "",
            int(event.sequence.value) if hasattr(event, "sequence") else 0,
        )
    return seen


def with_ics(body: bytes) -> dict:
    """ics (ics.py) keeps RECURRENCE-ID as an unparsed extra; the key uses its start instead."""
    calendar = ics.Calendar(body.decode())
    seen = {}
    for event in calendar.events:
        extras = {line.name: line for line in event.extra if hasattr(line, "name")}
        status = event.status or ""
        key = (event.uid, ("RECURRENCE-ID" in extras and event.begin.datetime) or None)
        seen[key] = Seen(
            _aware(event.begin.datetime), _aware(event.end.datetime), status, extras_sequence(event)
        )
    return seen


def extras_sequence(event) -> int:
    for line in event.extra:
        if getattr(line, "name", "") == "SEQUENCE":
            return int(line.value)
    return 0


def expanded(body: bytes, start: datetime.datetime, end: datetime.datetime) -> dict:
    """Every occurrence between start and end, as recurring-ical-events expands them:
    {(uid, start): (start, end)}."""
    calendar = icalendar.Calendar.from_ical(body)
    found = {}
    for event in recurring_ical_events.of(calendar).between(start, end):
        begin, finish = _aware(event["DTSTART"].dt), _aware(event["DTEND"].dt)
        found[(str(event["UID"]), begin)] = (begin, finish)
    return found


def starts_and_ends(seen: dict) -> dict:
    """{uid: sorted [(start, end)]} in UTC, the shape in which readers are compared."""
    result: dict[str, list] = {}
    for (uid, _recurrence), item in seen.items():
        result.setdefault(uid, []).append(
            (item.start.astimezone(datetime.UTC), item.end.astimezone(datetime.UTC))
        )
    return {uid: sorted(pairs) for uid, pairs in result.items()}


ALL_READERS = {"icalendar": with_icalendar, "vobject": with_vobject, "ics": with_ics}
