"""A year of a network's use for tests/bench/reports.py, written in bulk.

On the demo network (seed_demo without its history): `events` events spread over the
centres and the year, one session each in one of the centre's rooms, with 8 to 24
registrations of a pool of participants (most with consented answers) and three in four
of them attending; and `visits` visits, a third of them desk bookings checked in (and
out) by a pool of members, the rest walk-ins: half with a sex and age band, one in
twenty a member signing in by phone at the door (once a day each, and some on a day they
also checked in). A tenth more desk bookings were released or cancelled. Some events
carry a donor's tag, for the donor's report.
"""

import datetime
import random

BATCH = 5000
MEMBERS = 3000
PARTICIPANTS = 12000
CHECK_IN_SHARE = 1 / 3
TOPICS = ("Round-table on local budgets", "Training: digital security", "Forum on youth work")


def _people(rng: random.Random):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from cowork.models import Member, Participant
    from cowork.models.people import AgeBand, Gender, WGAnswer

    users = get_user_model()
    password = make_password(None)
    users.objects.bulk_create(
        [users(username=f"bench.{n:05d}", password=password) for n in range(MEMBERS)],
        batch_size=BATCH,
    )
    people = list(users.objects.filter(username__startswith="bench.").order_by("pk"))
    Member.objects.bulk_create(
        [Member(user=user, phone=f"+99450{n:07d}") for n, user in enumerate(people)],
        batch_size=BATCH,
    )
    members = list(Member.objects.filter(user__in=people).order_by("pk"))
    participants = []
    for n in range(PARTICIPANTS):
        person = Participant(name=f"Participant {n:05d}", phone=f"+99455{n:07d}")
        if rng.random() < 0.7:
            person.demographics_consent_at = timezone.now()
            person.gender = rng.choice([Gender.FEMALE] * 6 + [Gender.MALE] * 4 + [Gender.OTHER])
            person.age_band = rng.choice(AgeBand.values)
            person.wg_seeing = rng.choice([WGAnswer.NO_DIFFICULTY] * 8 + [WGAnswer.A_LOT])
        participants.append(person)
    Participant.objects.bulk_create(participants, batch_size=BATCH)
    return members, list(Participant.objects.order_by("pk").values_list("pk", flat=True))


def _at(space, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=space.zone)


def write_year(*, events: int, visits: int, days: int, today: datetime.date, seed: int):
    """Write the year; return (donor tag, counts by kind of row)."""
    from cowork.models import (
        Attendance,
        Booking,
        BookingStatus,
        Event,
        EventSession,
        Registration,
        RegistrationStatus,
        Resource,
        Space,
        Tag,
        WalkIn,
        WalkInSource,
    )
    from cowork.models.people import AgeBand, Gender
    from cowork.models.visits import phone_fingerprint

    rng = random.Random(seed)
    spaces = list(Space.objects.filter(is_active=True).order_by("pk"))
    desks = {s.pk: list(s.resources.filter(kind=Resource.Kind.DESK)) for s in spaces}
    rooms = {s.pk: list(s.resources.filter(kind=Resource.Kind.ROOM)) for s in spaces}
    spaces = [s for s in spaces if desks[s.pk] and rooms[s.pk]]
    members, participant_ids = _people(rng)
    host = members[0].user
    first = today - datetime.timedelta(days=days)

    def a_day():
        return first + datetime.timedelta(days=rng.randrange(days))

    # Desk check-ins, and some bookings nobody came to.
    check_ins = round(visits * CHECK_IN_SHARE)
    bookings, checked_in = [], []
    for n in range(check_ins + check_ins // 10):
        space, day = rng.choice(spaces), a_day()
        start = _at(space, day, rng.randint(9, 15))
        end = start + datetime.timedelta(hours=rng.randint(1, 4))
        member = rng.choice(members)
        booking = Booking(
            resource=rng.choice(desks[space.pk]),
            space=space,
            booked_by_id=member.user_id,
            starts_at=start,
            ends_at=end,
            blocked_until=end,
            status=BookingStatus.COMPLETED,
        )
        if n < check_ins:
            booking.checked_in_at = start + datetime.timedelta(minutes=rng.randint(0, 10))
            booking.checked_out_at = end
            checked_in.append((space, day, member))
        else:
            booking.status = rng.choice([BookingStatus.RELEASED, BookingStatus.CANCELLED])
        bookings.append(booking)
    Booking.objects.bulk_create(bookings, batch_size=BATCH)

    # Walk-ins: a member signing in by phone is once a day at a centre.
    rows, signed_in = [], set()
    for _n in range(visits - check_ins):
        space, day = rng.choice(spaces), a_day()
        if rng.random() < 0.05 and checked_in:
            # Often someone who also checked in that day: counted once in the reports.
            space, day, member = rng.choice(checked_in)
        else:
            member = None
        visit = WalkIn(
            space=space,
            visited_at=_at(space, day, rng.randint(9, 17), rng.randint(0, 59)),
            day=day,
            source=WalkInSource.LIVE,
        )
        if rng.random() < 0.5:
            visit.gender = rng.choice([Gender.FEMALE] * 6 + [Gender.MALE] * 4)
            visit.age_band = rng.choice(AgeBand.values)
        if member is not None and (space.pk, day, member.pk) not in signed_in:
            signed_in.add((space.pk, day, member.pk))
            visit.member, visit.visitor_id, visit.returning = member, member.user_id, True
            visit.phone_key, visit.source = phone_fingerprint(member.phone), WalkInSource.KIOSK
        rows.append(visit)
    WalkIn.objects.bulk_create(rows, batch_size=BATCH)

    # Events, each in a room booking of its own session.
    tag = Tag.objects.create(kind=Tag.Kind.DONOR, name="Bench donor")
    held = []
    for n in range(events):
        space, day = rng.choice(spaces), a_day()
        start = _at(space, day, rng.choice([10, 11, 14, 16]))
        end = start + datetime.timedelta(hours=2)
        room = rng.choice(rooms[space.pk])
        held.append((space, room, start, end, n))
    room_bookings = Booking.objects.bulk_create(
        [
            Booking(
                resource=room,
                space=space,
                booked_by=host,
                starts_at=start,
                ends_at=end,
                blocked_until=end,
                status=BookingStatus.COMPLETED,
            )
            for space, room, start, end, _n in held
        ],
        batch_size=BATCH,
    )
    made = Event.objects.bulk_create(
        [
            Event(
                space=space,
                room=room,
                kind=rng.choice([Event.Kind.ROUND_TABLE, Event.Kind.TRAINING, Event.Kind.FORUM]),
                title=f"{TOPICS[n % len(TOPICS)]} #{n}",
                starts_at=start,
                ends_at=end,
                capacity=40,
                created_by=host,
                status=Event.Status.CANCELLED if rng.random() < 0.03 else Event.Status.SCHEDULED,
            )
            for space, room, start, end, n in held
        ],
        batch_size=BATCH,
    )
    Event.tags.through.objects.bulk_create(
        [Event.tags.through(event_id=e.pk, tag_id=tag.pk) for e in made if rng.random() < 0.3],
        batch_size=BATCH,
    )
    sessions = EventSession.objects.bulk_create(
        [
            EventSession(event=event, starts_at=b.starts_at, ends_at=b.ends_at, booking=b)
            for event, b in zip(made, room_bookings, strict=True)
        ],
        batch_size=BATCH,
    )
    registrations, attendances = [], []
    for session in sessions:
        for person in rng.sample(participant_ids, k=rng.randint(8, 24)):
            registrations.append(
                Registration(
                    event_id=session.event_id,
                    participant_id=person,
                    status=RegistrationStatus.CONFIRMED,
                    cancel_key_hash=Registration.hash(Registration.new_key()),
                )
            )
            if rng.random() < 0.75:
                attendances.append(
                    Attendance(session=session, participant_id=person, method="host")
                )
    Registration.objects.bulk_create(registrations, batch_size=BATCH)
    Attendance.objects.bulk_create(attendances, batch_size=BATCH)
    return tag, {
        "desk check-ins": check_ins,
        "walk-ins": len(rows),
        "bookings nobody came to": len(bookings) - check_ins,
        "events": len(made),
        "registrations": len(registrations),
        "attendances": len(attendances),
        "centres": len(spaces),
    }
