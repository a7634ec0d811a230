"""The migration tests move the test database's schema to where each needs it, and back to
the latest migrations once, when all of them are done.

Each move renders Django's model states once for every migration it passes (seconds each,
on 36 migrations of one app); from the latest back to a test's migration and forward again
after every test, that was most of these tests' time. A test starts from wherever the one
before it left the schema (`migrate_to` goes either way), and stays where it is when it
ends; its rows are flushed all the same."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migration_and_parent(suffix: str):
    """(app, name) of our migration named `…_<suffix>` and of the one before it, whatever
    their numbers."""
    executor = MigrationExecutor(connection)
    (key,) = [
        key
        for key in executor.loader.disk_migrations
        if key[0] == "cowork" and key[1].endswith(f"_{suffix}")
    ]
    (before,) = [
        parent
        for parent in executor.loader.graph.node_map[key].parents
        if parent.key[0] == "cowork"
    ]
    return key, before.key


def migrate_to(target):
    """The schema as the latest migrations would leave it with `target` the last of its app
    applied (whatever depends on a later one unapplied, as a migration back to it leaves
    them); the models as they were then."""
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    later = {
        key
        for child in graph.node_map[target].children
        if child.key[0] == target[0]
        for key in graph.backwards_plan(child.key)
    }
    kept = set(graph.nodes) - later
    targets = []
    for app in sorted({key[0] for key in graph.nodes}):
        ours = [key for key in kept if key[0] == app]
        last = [
            key
            for key in ours
            if not any(
                child.key in kept and child.key[0] == app for child in graph.node_map[key].children
            )
        ]
        targets.extend(last or [(app, None)])
    executor.migrate(targets)
    return executor.loader.project_state([target]).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture(scope="package", autouse=True)
def latest_migrations_after_all(django_db_setup, django_db_blocker):
    """The tests of this package may leave the schema of an older migration; the tests after
    them get the latest."""
    yield
    with django_db_blocker.unblock():
        migrate_to_latest()
