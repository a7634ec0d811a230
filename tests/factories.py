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
    """A centre open Monday to Friday, 09:00–18:00 local time."""

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


def next_weekday(space, *, weekday=0, at=datetime.time(10, 0), weeks_ahead=1):
    """An aware datetime in the space's zone: `weekday` (0 Monday) of a coming week."""
    import zoneinfo

    from django.utils import timezone

    zone = zoneinfo.ZoneInfo(space.time_zone)
    today = timezone.now().astimezone(zone).date()
    day = today + datetime.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)
    return datetime.datetime.combine(day, at, tzinfo=zone)


def network_admin(**kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    MemberFactory(user=user, is_network_admin=True)
    return user
