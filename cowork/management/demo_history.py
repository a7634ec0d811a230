"""Three months of past use for each demo centre, so the live views, reports and charts mean
something on first run: desk and room visits (most checked in and out, some no-shows and
cancellations), walk-ins who booked nothing (most of the visits, as at the real centres),
and round-tables and trainings every fortnight with registrations, attendance and, for
most people, consented demographics.

Past rows are written as they would stand today, in bulk: the booking services refuse the
past by design. A centre that has any history row already gets none (idempotent), and each
centre's figures come from a generator seeded with its slug, so they are the same on every
machine.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from cowork.models import (
    Attendance,
    Booking,
    BookingStatus,
    Event,
    EventSession,
    Member,
    Participant,
    Registration,
    RegistrationStatus,
    Resource,
    Space,
    WalkIn,
    WalkInSource,
)
from cowork.models.people import AgeBand, Gender, WGAnswer
from cowork.models.visits import phone_fingerprint

HISTORY_PURPOSE = "Demo history"
DAYS = 91
EVENT_EVERY_DAYS = 14
VISITORS = 14
PARTICIPANTS = 40
# Walk-ins per open day: the 19 Azerbaijani centres counted 27,000 visits in three months,
# most of them people who booked nothing (about 15 a day a centre).
WALK_INS_PER_DAY = (6, 22)
# Mobile prefixes of each country, for numbers that read as real mobiles.
MOBILE_PREFIX = {"AZ": "+99455", "UA": "+38067", "UZ": "+99893"}
TOPICS = [
    (Event.Kind.ROUND_TABLE, "Round-table on local budgets"),
    (Event.Kind.TRAINING, "Training: digital security for activists"),
    (Event.Kind.ROUND_TABLE, "Round-table on youth employment"),
    (Event.Kind.TRAINING, "Training: writing a grant proposal"),
    (Event.Kind.ROUND_TABLE, "Round-table on accessible public services"),
    (Event.Kind.TRAINING, "Training: social media for NGOs"),
]
FIRST_NAMES = ["Aysel", "Nigar", "Olena", "Dilnoza", "Rashad", "Ihor", "Sardor", "Leyla"]
WG_FIELDS = ("wg_seeing", "wg_hearing", "wg_walking", "wg_remembering", "wg_self_care")


def load_history(space: Space, *, number: int, host, now: datetime.datetime | None = None):
    """Give `space` its past three months, unless it has history already. `number` (the
    centre's place in the network) keeps its people's phone numbers apart from others'."""
    if Booking.objects.filter(space=space, purpose=HISTORY_PURPOSE).exists():
        return
    now = now or timezone.now()
    rng = random.Random(space.slug)
    today = now.astimezone(space.zone).date()
    hours = {period.weekday: period for period in space.opening_hours.all()}
    resources = list(space.resources.exclude(kind=Resource.Kind.EQUIPMENT).order_by("name"))
    desks = [r for r in resources if r.kind == Resource.Kind.DESK]
    rooms = [r for r in resources if r.kind == Resource.Kind.ROOM]
    visitors = _visitors(space, number=number, rng=rng)
    members = list(Member.objects.filter(user__in=visitors).order_by("pk"))
    bookings, walk_ins = [], []
    for back in range(DAYS, 0, -1):
        day = today - datetime.timedelta(days=back)
        period = hours.get(day.weekday())
        if period is None:
            continue
        opens, closes = period.opens.hour, period.closes.hour
        walk_ins += _walk_ins(space, day, opens, closes, members, rng)
        for desk in rng.sample(desks, k=rng.randint(len(desks) // 6, len(desks) // 3)):
            start = rng.randint(opens, closes - 2)
            length = rng.randint(2, min(4, closes - start))
            bookings.append(
                _visit(space, desk, rng.choice(visitors), day, start, start + length, rng)
            )
        # Rooms in the first two hours: events are held from 11:00.
        for room in rooms:
            if rng.random() < 0.5:
                bookings.append(
                    _visit(space, room, rng.choice(visitors), day, opens, opens + 2, rng)
                )
    Booking.objects.bulk_create(bookings)
    WalkIn.objects.bulk_create(walk_ins, batch_size=2000)
    if rooms:
        _events(space, room=rooms[0], host=host, today=today, number=number, rng=rng)


def _visitors(space: Space, *, number: int, rng: random.Random) -> list:
    users = get_user_model()
    password = make_password(None)
    names = [f"visitor.{space.slug}.{n:02d}" for n in range(1, VISITORS + 1)]
    existing = set(users.objects.filter(username__in=names).values_list("username", flat=True))
    users.objects.bulk_create(
        [
            users(
                username=name,
                first_name=rng.choice(FIRST_NAMES),
                last_name=f"Visitor {n:02d}",
                password=password,
            )
            for n, name in enumerate(names, start=1)
            if name not in existing
        ]
    )
    people = list(users.objects.filter(username__in=names).order_by("username"))
    prefix = MOBILE_PREFIX.get(space.country, "+99455")
    Member.objects.bulk_create(
        [
            Member(
                user=user,
                phone=f"{prefix}{number:03d}{n:04d}",
                language=space.languages[0] if space.languages else "en",
            )
            for n, user in enumerate(people, start=1)
            if not Member.objects.filter(user=user).exists()
        ]
    )
    return people


def _walk_ins(space, day, opens: int, closes: int, members, rng) -> list[WalkIn]:
    """One day's walk-ins: "+1 visitor" taps, half with a sex and age band said, and a few
    members signing in at the door kiosk with their phone (once a day each)."""
    rows, signed_in = [], set()
    for _n in range(rng.randint(*WALK_INS_PER_DAY)):
        at = datetime.datetime.combine(day, datetime.time(opens), tzinfo=space.zone)
        at += datetime.timedelta(minutes=rng.randint(0, (closes - opens) * 60 - 1))
        visit = WalkIn(space=space, visited_at=at, day=day, source=WalkInSource.LIVE)
        if rng.random() < 0.5:
            visit.gender = rng.choice([Gender.FEMALE] * 6 + [Gender.MALE] * 4)
            visit.age_band = rng.choice(
                [
                    AgeBand.UNDER_18,
                    AgeBand.FROM_18,
                    AgeBand.FROM_25,
                    AgeBand.FROM_35,
                    AgeBand.FROM_55,
                ]
            )
        member = rng.choice(members) if members else None
        if member is not None and rng.random() < 0.1 and member.pk not in signed_in:
            signed_in.add(member.pk)
            visit.source = WalkInSource.KIOSK
            visit.member, visit.visitor_id = member, member.user_id
            visit.phone_key = phone_fingerprint(member.phone)
            visit.returning = True
        rows.append(visit)
    return rows


def _past_booking(space, resource, person, starts_at, ends_at, **fields) -> Booking:
    """An unsaved history booking of `resource` by `person`, blocked until its end;
    `fields` set the rest (its currency, its status)."""
    return Booking(
        resource=resource,
        space=space,
        booked_by=person,
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_until=ends_at,
        purpose=HISTORY_PURPOSE,
        **fields,
    )


def _visit(space, resource, person, day, start_hour, end_hour, rng) -> Booking:
    starts_at = datetime.datetime.combine(day, datetime.time(start_hour), tzinfo=space.zone)
    ends_at = datetime.datetime.combine(day, datetime.time(end_hour), tzinfo=space.zone)
    roll = rng.random()
    booking = _past_booking(space, resource, person, starts_at, ends_at, currency=space.currency)
    if roll < 0.08:  # nobody came: released after the grace period
        booking.status = BookingStatus.RELEASED
        booking.cancelled_at = starts_at + datetime.timedelta(minutes=15)
    elif roll < 0.15:
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = starts_at - datetime.timedelta(hours=rng.randint(2, 30))
        booking.cancelled_by = person
    else:
        booking.status = BookingStatus.COMPLETED
        booking.checked_in_at = starts_at + datetime.timedelta(minutes=rng.randint(0, 12))
        booking.checked_out_at = ends_at - datetime.timedelta(minutes=rng.randint(0, 20))
    return booking


def _events(space, *, room, host, today, number: int, rng: random.Random) -> None:
    participants = _participants(space, number=number, rng=rng)
    day = today - datetime.timedelta(days=DAYS - 3)
    sessions, registrations, attendances = [], [], []
    index = 0
    while day < today:
        if day.weekday() >= 5:
            day += datetime.timedelta(days=1)
            continue
        kind, title = TOPICS[index % len(TOPICS)]
        index += 1
        starts_at = datetime.datetime.combine(day, datetime.time(11), tzinfo=space.zone)
        ends_at = starts_at + datetime.timedelta(hours=2 if kind == Event.Kind.ROUND_TABLE else 3)
        booking = _past_booking(
            space, room, host, starts_at, ends_at, status=BookingStatus.COMPLETED
        )
        booking.save(force_insert=True)
        event = Event.objects.create(
            space=space,
            room=room,
            kind=kind,
            title=f"{title} ({space.city})",
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=room.capacity,
            created_by=host,
            created_at=starts_at - datetime.timedelta(days=14),
        )
        session = EventSession(event=event, starts_at=starts_at, ends_at=ends_at, booking=booking)
        sessions.append(session)
        for person in rng.sample(participants, k=min(len(participants), rng.randint(8, 16))):
            registrations.append(
                Registration(
                    event=event,
                    participant=person,
                    status=RegistrationStatus.CONFIRMED,
                    cancel_key_hash=Registration.hash(Registration.new_key()),
                )
            )
            if rng.random() < 0.78:
                attendances.append((session, person))
        day += datetime.timedelta(days=EVENT_EVERY_DAYS)
    EventSession.objects.bulk_create(sessions)
    Registration.objects.bulk_create(registrations)
    Attendance.objects.bulk_create(
        [
            Attendance(session=session, participant=person, method=Attendance.Method.HOST)
            for session, person in attendances
        ]
    )


def _participants(space, *, number: int, rng: random.Random) -> list[Participant]:
    prefix = MOBILE_PREFIX.get(space.country, "+99455")
    phones = [f"{prefix}{number:03d}{5000 + n:04d}" for n in range(PARTICIPANTS)]
    known = set(Participant.objects.filter(phone__in=phones).values_list("phone", flat=True))
    rows = []
    for n, phone in enumerate(phones):
        if phone in known:
            continue
        person = Participant(
            name=f"{rng.choice(FIRST_NAMES)} {space.city} {n + 1:02d}",
            phone=phone,
            language=space.languages[0] if space.languages else "en",
        )
        if rng.random() < 0.75:  # consented to the questions for donors' reports
            person.demographics_consent_at = timezone.now()
            person.gender = rng.choice([Gender.FEMALE] * 6 + [Gender.MALE] * 4 + [Gender.OTHER])
            person.age_band = rng.choice([AgeBand.FROM_18, AgeBand.FROM_25, AgeBand.FROM_35])
            for field in WG_FIELDS:
                setattr(person, field, WGAnswer.NO_DIFFICULTY)
            person.wg_communicating = WGAnswer.NO_DIFFICULTY
            if rng.random() < 0.12:
                setattr(person, rng.choice(WG_FIELDS), WGAnswer.A_LOT)
        rows.append(person)
    Participant.objects.bulk_create(rows)
    return list(Participant.objects.filter(phone__in=phones).order_by("phone"))
