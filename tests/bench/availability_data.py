"""A year of bookings for tests/bench/availability.py, as a real table would hold them.

Each desk and room of the demo network is booked back to back with gaps inside its
centre's opening hours (never on closed days): desks for an hour to a whole day, rooms for
one to three hours plus the room buffer. Past bookings are completed, released or
cancelled, future ones confirmed or pending; some cancelled ones were booked again, so
inactive rows overlap active ones. The rows go in with bulk_create, so the exclusion
constraint checks every one.
"""

import datetime
import random

MEMBERS = 1000
BATCH = 5000
# Minutes, with weights: most desk bookings are a morning or an afternoon.
DESK_LENGTHS = ((60, 2), (120, 3), (180, 3), (240, 3), (360, 1), (600, 1))
ROOM_LENGTHS = ((60, 3), (90, 2), (120, 3), (180, 1))
GAPS = ((0, 3), (15, 2), (30, 2), (60, 3), (120, 2), (180, 1))


def weighted(rng: random.Random, choices: tuple[tuple[int, int], ...]) -> int:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights)[0]


class Centre:
    """What generating and searching need of one demo centre, read once."""

    def __init__(self, space, resources, hours, closures):
        self.space = space
        self.zone = space.zone
        self.resources = resources
        # weekday -> [(opens, closes)] in minutes after local midnight
        self.hours: dict[int, list[tuple[int, int]]] = {}
        for period in hours:
            self.hours.setdefault(period.weekday, []).append(
                (
                    period.opens.hour * 60 + period.opens.minute,
                    period.closes.hour * 60 + period.closes.minute,
                )
            )
        self.taken: set[tuple[int, datetime.date]] = set()  # (resource id, local day)
        self.closed = {
            closure.starts_on + datetime.timedelta(days=n)
            for closure in closures
            for n in range((closure.ends_on - closure.starts_on).days + 1)
        }

    def periods(self, day: datetime.date) -> list[tuple[int, int]]:
        return [] if day in self.closed else self.hours.get(day.weekday(), [])

    def at(self, day: datetime.date, minute: int) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(0), tzinfo=self.zone) + (
            datetime.timedelta(minutes=minute)
        )


def load_centres() -> list["Centre"]:
    from cowork.booking_rules import BookingPolicy
    from cowork.models import Booking, Resource, Space

    centres = []
    for space in Space.objects.filter(is_active=True).prefetch_related("opening_hours", "closures"):
        resources = [
            (resource, BookingPolicy.for_resource(resource, space))
            for resource in space.resources.filter(
                kind__in=[Resource.Kind.DESK, Resource.Kind.ROOM], out_of_service=False
            ).order_by("pk")
        ]
        centre = Centre(space, resources, space.opening_hours.all(), space.closures.all())
        # The demo's own bookings (the round-table's room) stay as seed_demo made them:
        # generated days keep clear of them rather than fight the constraint.
        for booking in Booking.objects.filter(space=space):
            day = booking.starts_at.astimezone(centre.zone).date()
            while day <= booking.blocked_until.astimezone(centre.zone).date():
                centre.taken.add((booking.resource_id, day))
                day += datetime.timedelta(days=1)
        centres.append(centre)
    return centres


def demand(day: datetime.date) -> float:
    """How likely a desk or room is used at all on a day: quieter in August and at New Year."""
    if day.month == 8 or (day.month, day.day) <= (1, 7):
        return 0.35
    return 0.45 if day.weekday() == 5 else 0.7


def day_of_bookings(rng, centre, resource, policy, day, now, members):
    """One resource's bookings on one local day, back to back with gaps, never overlapping
    while active: the next starts at or after the previous one's blocked_until."""
    from cowork.models import Booking, BookingStatus, Resource

    if (resource.pk, day) in centre.taken:
        return []
    is_room = resource.kind == Resource.Kind.ROOM
    grid = policy.grid_minutes
    rows = []
    for opens, closes in centre.periods(day):
        if rng.random() > demand(day) * (0.8 if is_room else 1.0):
            continue
        minute = opens + rng.choice((0, 0, 30, 60, 120))
        while minute + policy.min_minutes <= closes:
            length = weighted(rng, ROOM_LENGTHS if is_room else DESK_LENGTHS)
            length = min(length, policy.max_minutes, closes - minute)
            length -= length % grid
            if length < policy.min_minutes:
                break
            starts_at = centre.at(day, minute)
            ends_at = starts_at + datetime.timedelta(minutes=length)
            status = booking_status(rng, starts_at, ends_at, now, resource.needs_approval)

            # The person is drawn before the status, in the order the published figures' rows
            # were drawn in.
            def booking(booked_by, status, starts_at=starts_at, ends_at=ends_at):
                row = Booking(
                    resource_id=resource.pk,
                    space_id=centre.space.pk,
                    booked_by_id=booked_by,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    blocked_until=ends_at + policy.buffer,
                    status=status,
                    currency=centre.space.currency,
                )
                finish(row, now)
                return row

            first = booking(rng.choice(members), status)
            first.purpose = rng.choice(("Training", "Meeting", "Workshop")) if is_room else ""
            first.price = resource.price_per_hour * length / 60 if is_room else 0
            rows.append(first)
            if status == BookingStatus.CANCELLED and rng.random() < 0.5:
                # Someone else took the freed slot: an active row over a cancelled one.
                again = booking(
                    rng.choice(members),
                    booking_status(rng, starts_at, ends_at, now, False, cancel=False),
                )
                rows.append(again)
            minute += length + policy.buffer_minutes + weighted(rng, GAPS)
            minute += -minute % grid
    return rows


def booking_status(rng, starts_at, ends_at, now, needs_approval, *, cancel=True):
    from cowork.models import BookingStatus

    # One roll per booking: 7% are cancelled; of the rest, rooms that need approval are
    # sometimes declined or still pending, and about one past booking in fourteen was a
    # no-show.
    roll = rng.random()
    if cancel and roll < 0.07:
        return BookingStatus.CANCELLED
    if ends_at <= now:
        if needs_approval and roll < 0.10:
            return BookingStatus.DECLINED
        return BookingStatus.RELEASED if roll > 0.93 else BookingStatus.COMPLETED
    if starts_at <= now:
        return BookingStatus.CHECKED_IN
    return BookingStatus.PENDING if needs_approval and roll < 0.4 else BookingStatus.CONFIRMED


def finish(booking, now) -> None:
    """The timestamps the status implies, as the services would have left them."""
    from cowork.models import BookingStatus

    if booking.status in (BookingStatus.CHECKED_IN, BookingStatus.COMPLETED):
        booking.checked_in_at = booking.starts_at + datetime.timedelta(minutes=5)
    if booking.status == BookingStatus.COMPLETED:
        booking.checked_out_at = booking.ends_at
    if booking.status == BookingStatus.CANCELLED:
        booking.cancelled_at = min(now, booking.starts_at - datetime.timedelta(hours=3))
    if booking.status != BookingStatus.CONFIRMED:
        booking.sequence = 1


def make_members(count: int) -> list[int]:
    from django.contrib.auth import get_user_model

    users = get_user_model()
    rows = []
    for n in range(count):
        user = users(username=f"bench-member-{n:04d}")
        user.set_unusable_password()
        rows.append(user)
    return [user.pk for user in users.objects.bulk_create(rows, batch_size=BATCH)]


def write_bookings(centres, *, days: int, ahead: int, now, rng) -> int:
    """Generate and insert the bookings resource by resource; returns the rows written."""
    from tqdm import tqdm

    from cowork.models import Booking

    members = make_members(MEMBERS)
    today = now.date()
    first_day = today - datetime.timedelta(days=days - ahead)
    pending: list = []
    written = 0
    total = sum(len(centre.resources) for centre in centres)
    with tqdm(total=total, desc="bookings", unit="resource") as progress:
        for centre in centres:
            for resource, policy in centre.resources:
                for n in range(days):
                    day = first_day + datetime.timedelta(days=n)
                    pending += day_of_bookings(rng, centre, resource, policy, day, now, members)
                if len(pending) >= BATCH:
                    Booking.objects.bulk_create(pending, batch_size=BATCH)
                    written += len(pending)
                    pending = []
                progress.update(1)
                progress.set_postfix(rows=written + len(pending), refresh=False)
        Booking.objects.bulk_create(pending, batch_size=BATCH)
    return written + len(pending)
