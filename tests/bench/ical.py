"""Benchmark: calendar feeds of a busy centre on the embedded default (SQLite).

    .venv/bin/python tests/bench/ical.py [--events 2000] [--bookings 500] [--runs 7]

Builds a throw-away SQLite database with a centre holding `--events` public events and a
member holding `--bookings` bookings, then times, through Django's full request stack:

- the full programme feed and the full member feed (query, build, serialize);
- the floor: the bare icalendar library building and serializing the same events from
  values already in memory (no database, no Django);
- a conditional GET (If-None-Match) of each feed, which must answer 304 from aggregates.

Goals: a full feed within 1.5× of the floor; a conditional GET under 5 ms. Figures are
printed and written to the "ical" section of docs/benchmarks.md. Not a test: nothing here
asserts a timing.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench import report  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--bookings", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7, help="Full renders timed per feed")
    parser.add_argument("--conditional-runs", type=int, default=300)
    parser.add_argument("--no-write", action="store_true", help="Do not update docs/benchmarks.md")
    return parser.parse_args()


def setup_django(path: str):
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = path
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cowork.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(*, events: int, bookings: int, now: datetime.datetime):
    """Rows written in bulk: the booking engine's rules are not what is measured here."""
    from django.contrib.auth import get_user_model

    from cowork.models import Booking, Event, EventSession, Member, Organization, Resource, Space

    organization = Organization.objects.create(name="Bench NGO", slug="bench-ngo", country="UA")
    space = Space.objects.create(
        organization=organization,
        name="Kyiv Youth Centre",
        slug="kyiv-bench",
        city="Kyiv",
        country="UA",
        address="Khreshchatyk 1",
        time_zone="Europe/Kyiv",
        languages=["en", "uk"],
        safety_capacity=50,
    )
    rooms = [
        Resource.objects.create(space=space, kind=Resource.Kind.ROOM, name=f"Room {n}", capacity=30)
        for n in range(8)
    ]
    users = get_user_model()
    host = users.objects.create_user("bench-host", "host@example.org", "x")
    member_user = users.objects.create_user(
        "bench-member", "member@example.org", "x", first_name="Olena", last_name="Bench"
    )
    Member.objects.create(user=member_user, phone="+380501110000", language="en")
    zone = space.zone
    first_day = (now - datetime.timedelta(days=60)).astimezone(zone).date()

    def slot(n: int, per_day: int, hour0: int, length: int):
        day = first_day + datetime.timedelta(days=n // per_day)
        start = datetime.datetime.combine(
            day, datetime.time(hour0 + (n % per_day) % 10), tzinfo=zone
        )
        return start, start + datetime.timedelta(minutes=length)

    rows = []
    for n in range(events):
        start, end = slot(n, 8, 9, 90)
        rows.append(
            Event(
                space=space,
                room=rooms[n % len(rooms)],
                kind=Event.Kind.ROUND_TABLE,
                title=f"Round-table #{n}: civic tech",
                description="Open discussion; bring a friend.",
                starts_at=start,
                ends_at=end,
                capacity=20,
                created_by=host,
            )
        )
    created = Event.objects.bulk_create(rows)
    EventSession.objects.bulk_create(
        [EventSession(event=e, starts_at=e.starts_at, ends_at=e.ends_at) for e in created]
    )
    Booking.objects.bulk_create(
        [
            Booking(
                resource=rooms[0],
                space=space,
                booked_by=member_user,
                starts_at=(times := slot(n, 3, 9, 60))[0],
                ends_at=times[1],
                blocked_until=times[1],
                purpose=f"Meeting {n}",
            )
            for n in range(bookings)
        ]
    )
    return space, member_user


def floor_seconds(items) -> float:
    """Bare icalendar: the same events, from plain values, built and serialized."""
    import icalendar

    plain = [
        (
            i.uid,
            i.summary,
            i.starts_at,
            i.ends_at,
            i.sequence,
            i.status,
            i.location,
            i.description,
            i.url,
            i.last_modified,
            i.created,
        )
        for i in items
    ]
    zone = items[0].starts_at.tzinfo.key
    stamp = datetime.datetime.now(datetime.UTC)
    started = time.perf_counter()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//floor//")
    calendar.add("version", "2.0")
    calendar.add_component(icalendar.Timezone.from_tzid(zone))
    for uid, summary, start, end, sequence, status, location, text, url, changed, made in plain:
        event = icalendar.Event()
        event.add("uid", uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("sequence", sequence)
        event.add("status", status)
        event.add("summary", summary)
        event.add("location", location)
        if text:
            event.add("description", text)
        if url:
            event.add("url", url)
        event.add("created", made)
        event.add("last-modified", changed)
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    calendar.to_ical()
    return time.perf_counter() - started


def best_of(runs: int, call) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def main():
    args = parse_args()
    workdir = tempfile.mkdtemp(prefix="ical-bench-")
    setup_django(os.path.join(workdir, "bench.sqlite3"))
    from django.test import Client
    from django.urls import reverse

    from notifications.ical import feeds, views
    from notifications.ical.tokens import feed_token_rotate

    now = datetime.datetime.now(datetime.UTC)
    space, member_user = populate(events=args.events, bookings=args.bookings, now=now)
    key = feed_token_rotate(owner=member_user)
    client = Client(HTTP_HOST="127.0.0.1")
    feeds_under_test = {
        "programme": (
            reverse("notifications:programme-feed", args=[space.slug]) + "?lang=en",
            lambda: feeds.programme_items(
                space=space, language="en", now=now, base_url="http://127.0.0.1"
            ),
        ),
        "member": (
            reverse("notifications:member-feed", args=[key]),
            lambda: feeds.member_feed_items(user=member_user, now=now, base_url="http://127.0.0.1"),
        ),
    }
    rows, results, headlines = [], {}, []
    for name, (url, items_of) in feeds_under_test.items():
        first = client.get(url)
        assert first.status_code == 200, first.status_code
        items = items_of()
        full_best, full_median = best_of(args.runs, lambda url=url: client.get(url).content)
        floor_best, floor_median = best_of(args.runs, lambda items=items: floor_seconds(items))
        etag = first["ETag"]
        conditional = []
        for _ in range(args.conditional_runs):
            started = time.perf_counter()
            response = client.get(url, HTTP_IF_NONE_MATCH=etag)
            conditional.append(time.perf_counter() - started)
            assert response.status_code == 304
        conditional.sort()
        ratio = full_median / floor_median
        results[name] = (len(items), full_median, floor_median, ratio, conditional)
        print(
            f"{name}: {len(items)} events, {len(first.content) / 1024:.0f} KiB; "
            f"full feed {full_median * 1000:.0f} ms (best {full_best * 1000:.0f}), "
            f"icalendar floor {floor_median * 1000:.0f} ms (best {floor_best * 1000:.0f}), "
            f"ratio {ratio:.2f}×; conditional GET p50 "
            f"{report.percentile(conditional, 50) * 1000:.2f} ms, "
            f"p95 {report.percentile(conditional, 95) * 1000:.2f} ms"
        )
        headlines.append(
            report.headline(
                f"iCal {name} feed of {len(items):,} events, full GET (median of {args.runs})",
                f"{full_median * 1000:.0f} ms",
                f"{floor_median * 1000:.0f} ms, bare icalendar from values in memory",
                ratio,
            )
        )
        rows += [
            (f"{name} feed: events", f"{len(items)} ({len(first.content) / 1024:.0f} KiB)"),
            (f"{name} feed: full GET, median of {args.runs}", f"{full_median * 1000:.0f} ms"),
            (f"{name} feed: bare icalendar floor, median", f"{floor_median * 1000:.0f} ms"),
            (f"{name} feed: full ÷ floor (goal ≤ 1.5)", f"{ratio:.2f}×"),
            (
                f"{name} feed: conditional GET (304) p50 / p95 (goal < 5 ms)",
                f"{report.percentile(conditional, 50) * 1000:.2f} / "
                f"{report.percentile(conditional, 95) * 1000:.2f} ms",
            ),
        ]
    del views
    if not args.no_write:
        report.write_section(
            "ical",
            "Calendar feeds (embedded default, SQLite)",
            report.table(rows),
            notes=(
                f"`tests/bench/ical.py --events {args.events} --bookings {args.bookings}`: one "
                "centre in Europe/Kyiv, timed through Django's request stack with the test "
                "client. The floor is the bare icalendar library building and serializing the "
                "same events from values already in memory. A conditional GET computes the "
                "ETag from aggregate queries (count, max(updated_at), sum(sequence)) and never "
                "renders. Load average during the run: "
                f"{', '.join(f'{value:.1f}' for value in os.getloadavg())} — on a shared "
                "machine compare the ratio, not the milliseconds."
            ),
            headlines=headlines,
        )
        print(f"Wrote the ical section of {report.BENCHMARKS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
