"""factory_boy factories for the whole suite, in one module."""

import datetime

import factory
from django.contrib.auth import get_user_model

from cowork.models import (
    Closure,
    Member,
    OpeningHours,
    Organization,
    Resource,
    Space,
    SpaceRole,
)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Civic Centre NGO {n}")
    slug = factory.Sequence(lambda n: f"civic-centre-ngo-{n}")
    country = "AZ"


class SpaceFactory(factory.django.DjangoModelFactory):
    """A centre open Monday to Friday, 09:00–18:00 local time, that texts at any hour.

    Quiet hours are off (from = until) so that a test sending SMS "now" does not depend on
    the hour it runs at; the tests of quiet hours set them.
    """

    class Meta:
        model = Space
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Information Centre {n}")
    slug = factory.Sequence(lambda n: f"information-centre-{n}")
    city = "Ganja"
    country = "AZ"
    time_zone = "Asia/Baku"
    languages = factory.LazyFunction(lambda: ["az", "ru", "en"])
    safety_capacity = 30
    sms_quiet_from = datetime.time(0)
    sms_quiet_until = datetime.time(0)

    @factory.post_generation
    def weekday_hours(space, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        for weekday in range(5):
            OpeningHours.objects.create(
                space=space,
                weekday=weekday,
                opens=datetime.time(9, 0),
                closes=datetime.time(18, 0),
            )


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    space = factory.SubFactory(SpaceFactory)
    starts_on = datetime.date(2027, 3, 20)
    ends_on = datetime.date(2027, 3, 24)
    reason = "Novruz"


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    space = factory.SubFactory(SpaceFactory)
    kind = Resource.Kind.DESK
    name = factory.Sequence(lambda n: f"Desk {n:02d}")


class RoomFactory(ResourceFactory):
    kind = Resource.Kind.ROOM
    name = factory.Sequence(lambda n: f"Room {n}")
    capacity = 20


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Nigar"
    last_name = factory.Sequence(lambda n: f"Aliyeva{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)
    phone = factory.Sequence(lambda n: f"+99450{3000000 + n}")
    language = "az"


class HostFactory(factory.django.DjangoModelFactory):
    """A host role at a space; the user can sign in to the admin."""

    class Meta:
        model = SpaceRole

    user = factory.SubFactory(UserFactory, is_staff=True)
    space = factory.SubFactory(SpaceFactory)
    role = SpaceRole.Role.HOST


def weekday_ahead(space, *, at_least_days=2) -> datetime.date:
    """The first day from Monday to Friday at least `at_least_days` ahead in the space's zone."""
    from django.utils import timezone

    day = timezone.now().astimezone(space.zone).date() + datetime.timedelta(days=at_least_days)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def next_weekday(space, *, weekday=0, at=datetime.time(10, 0), weeks_ahead=1):
    """An aware datetime in the space's zone: `weekday` (0 Monday) of a coming week."""
    import zoneinfo

    from django.utils import timezone

    zone = zoneinfo.ZoneInfo(space.time_zone)
    today = timezone.now().astimezone(zone).date()
    day = today + datetime.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)
    return datetime.datetime.combine(day, at, tzinfo=zone)


def midday_zone() -> str:
    """A fixed-offset IANA zone where it is now near midday.

    A test that books "now" in a centre open 00:00–23:45 fails in the last hour before local
    midnight; in this zone the next several hours fit in the same local day, whenever the
    suite runs.
    """
    import zoneinfo

    from django.utils import timezone

    now = timezone.now()
    zones = [f"Etc/GMT{offset:+d}" if offset else "Etc/GMT" for offset in range(-12, 13)]

    def hours_from_noon(zone: str) -> float:
        local = now.astimezone(zoneinfo.ZoneInfo(zone))
        return abs(local.hour + local.minute / 60 - 12)

    return min(zones, key=hours_from_noon)


def open_around_the_clock(space) -> None:
    """Open the space every day 00:00–23:45 in a zone where it is now near midday."""
    space.time_zone = midday_zone()
    space.__dict__.pop("zone", None)  # the cached ZoneInfo of the old zone
    space.save(update_fields=["time_zone"])
    OpeningHours.objects.filter(space=space).delete()
    for weekday in range(7):
        OpeningHours.objects.create(
            space=space, weekday=weekday, opens=datetime.time(0), closes=datetime.time(23, 45)
        )


def network_admin(**kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    MemberFactory(user=user, is_network_admin=True)
    return user


# Two-way SMS: rows made directly, at any time relative to now, without the services'
# time rules (opening hours, booking in the past), so replies can meet them in progress.


def this_quarter_hour(space, now: datetime.datetime) -> datetime.datetime:
    """The start of the quarter hour `now` is in, on the centre's wall clock."""
    local = now.astimezone(space.zone)
    return local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)


def booked_from_this_quarter_hour(resource, member, *, hours: int, now: datetime.datetime):
    """`resource` booked through the service by `member` from the start of the quarter hour
    `now` is in, for `hours`: a booking under way now."""
    from cowork.services.booking import booking_create

    start = this_quarter_hour(resource.space, now)
    return booking_create(
        resource=resource,
        member=member,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=hours),
        now=now,
    )


def from_now(**delta) -> datetime.datetime:
    from django.utils import timezone

    return timezone.now() + datetime.timedelta(**delta)


class BookingFactory(factory.django.DjangoModelFactory):
    """A confirmed booking of a desk, starting in an hour, for one hour."""

    class Meta:
        model = "cowork.Booking"

    resource = factory.SubFactory(ResourceFactory)
    space = factory.SelfAttribute("resource.space")
    booked_by = factory.LazyFunction(lambda: MemberFactory().user)
    starts_at = factory.LazyFunction(lambda: from_now(hours=1))
    ends_at = factory.LazyAttribute(lambda booking: booking.starts_at + datetime.timedelta(hours=1))
    blocked_until = factory.SelfAttribute("ends_at")
    status = "confirmed"


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cowork.Participant"

    name = factory.Sequence(lambda n: f"Olena {n}")
    phone = factory.Sequence(lambda n: f"+38050{1000000 + n}")
    language = "uk"


class EventFactory(factory.django.DjangoModelFactory):
    """A training in a room, with one session (no room booking) from starts_at to ends_at."""

    class Meta:
        model = "cowork.Event"
        skip_postgeneration_save = True

    room = factory.SubFactory(RoomFactory)
    space = factory.SelfAttribute("room.space")
    kind = "training"
    title = factory.Sequence(lambda n: f"Digital skills {n}")
    starts_at = factory.LazyFunction(lambda: from_now(hours=2))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + datetime.timedelta(hours=2))
    capacity = 10

    @factory.post_generation
    def session(event, create, extracted, **kwargs):
        if create and extracted is not False:
            event.sessions.create(starts_at=event.starts_at, ends_at=event.ends_at)


def one_session_event(
    room,
    host,
    start: datetime.datetime,
    *,
    hours: float = 2,
    kind: str = "training",
    title: str = "Python for beginners",
    capacity: int = 20,
    **more,
):
    """An event in `room` of one session from `start`, `hours` long, made through the
    service as its host makes one: it books the room. `more` goes to event_create."""
    from cowork.services.events import event_create

    return event_create(
        space=room.space,
        room=room,
        host=host,
        kind=kind,
        title=title,
        sessions=[(start, start + datetime.timedelta(hours=hours))],
        capacity=capacity,
        **more,
    )


def came_by_code(event, *, name: str, phone: str, now=None):
    """Someone registered for `event` who checked in with the event's QR code and their own
    code, from a guest network address; the registration."""
    from cowork.services.events import attendance_check_in_by_code, registration_create

    registration, _key = registration_create(event=event, name=name, phone=phone)
    attendance_check_in_by_code(
        event=event,
        phone=registration.participant.phone,
        code=registration.check_in_code,
        ip="203.0.113.9",
        now=now,
    )
    return registration


def member_who_walked_in(*, phone: str, **visit):
    """A member reading Russian whose phone a host logged on the live page of "Youth Centre"
    (Asia/Baku; "Молодёжный центр" in Russian) on 3 March 2025 at 08:30 UTC, 12:30 there.
    `visit` adds to the walk-in (a gender)."""
    from cowork.services.visits import walk_in_record

    space = SpaceFactory(
        name="Youth Centre",
        time_zone="Asia/Baku",
        translations={"ru": {"name": "Молодёжный центр"}},
    )
    member = MemberFactory(phone=phone, language="ru")
    walk_in_record(
        space=space,
        source="live",
        client_key="tap",
        logged_by=HostFactory(space=space).user,
        phone=phone,
        now=datetime.datetime(2025, 3, 3, 8, 30, tzinfo=datetime.UTC),
        **visit,
    )
    return member


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cowork.Registration"

    event = factory.SubFactory(EventFactory)
    participant = factory.SubFactory(ParticipantFactory)
    status = "confirmed"
    cancel_key_hash = factory.Sequence(lambda n: f"{n:064x}")
