"""The migration that gives tags an owner assigns the tags already in use."""

import datetime

import pytest

from tests.cowork.migrations.conftest import migrate_to, migration_and_parent

pytestmark = pytest.mark.django_db(transaction=True)

UTC = datetime.UTC


def test_existing_tags_go_to_the_one_organization_whose_events_carry_them():
    this, before = migration_and_parent("tag_owner_organization")
    apps = migrate_to(before)
    Organization = apps.get_model("cowork", "Organization")
    Space = apps.get_model("cowork", "Space")
    Resource = apps.get_model("cowork", "Resource")
    Event = apps.get_model("cowork", "Event")
    Tag = apps.get_model("cowork", "Tag")

    def event_at(space, title):
        room = Resource.objects.create(space=space, kind="room", name=f"Hall {title}", capacity=20)
        start = datetime.datetime(2027, 3, 10, 8, tzinfo=UTC)
        return Event.objects.create(
            space=space,
            room=room,
            kind="training",
            title=title,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            capacity=10,
        )

    centres = {}
    for slug, city in (("ganja-ngo", "Ganja"), ("donbas-it", "Kramatorsk")):
        organization = Organization.objects.create(name=slug, slug=slug, country="AZ")
        centres[city] = Space.objects.create(
            organization=organization,
            name=f"{city} centre",
            slug=f"{city.lower()}-centre",
            city=city,
            country="AZ",
            time_zone="Asia/Baku",
            safety_capacity=30,
        )
    ganja_grant = Tag.objects.create(kind="donor", name="EU4Youth Ganja grant")
    shared = Tag.objects.create(kind="project", name="Digital skills")
    unused = Tag.objects.create(kind="project", name="Not yet used")
    first, second = event_at(centres["Ganja"], "One"), event_at(centres["Ganja"], "Two")
    first.tags.add(ganja_grant, shared)
    second.tags.add(ganja_grant)
    event_at(centres["Kramatorsk"], "Three").tags.add(shared)

    apps = migrate_to(this)
    Tag = apps.get_model("cowork", "Tag")
    owners = dict(Tag.objects.values_list("name", "organization__slug"))
    assert owners == {
        ganja_grant.name: "ganja-ngo",  # only Ganja's events carry it
        shared.name: None,  # two organizations use it: the network's
        unused.name: None,
    }
