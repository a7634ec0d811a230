"""The migration that gives tags an owner assigns the tags already in use."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

UTC = datetime.UTC


def _migration():
    """(app, name) of this migration and of the one before it, whatever their numbers."""
    executor = MigrationExecutor(connection)
    (key,) = [
        key
        for key in executor.loader.disk_migrations
        if key[0] == "cowork" and key[1].endswith("_tag_owner_organization")
    ]
    (before,) = [
        parent for parent in executor.loader.graph.node_map[key].parents if parent.key[0] == "cowork"
    ]
    return key, before.key


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def test_existing_tags_go_to_the_one_organization_whose_events_carry_them():
    this, before = _migration()
    apps = _migrate(before)
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

    try:
        apps = _migrate(this)
        Tag = apps.get_model("cowork", "Tag")
        owners = dict(Tag.objects.values_list("name", "organization__slug"))
        assert owners == {
            ganja_grant.name: "ganja-ngo",  # only Ganja's events carry it
            shared.name: None,  # two organizations use it: the network's
            unused.name: None,
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
