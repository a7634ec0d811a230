"""The migration tests move a database's schema to where each needs it: a database of their
own, empty when the first of them starts and dropped when the last ends, never the test
database the rest of the suite shares.

Each move renders Django's model states once for every migration it passes (seconds each, on
36 migrations of one app), and a move back first renders them for every migration from the
first to the last it undoes. From an empty database the schema of an early migration is
reached forwards, through the migrations before it only; and the shared test database stays
at the latest migrations throughout, so nothing has to bring it back there afterwards. A
test starts from wherever the one before it left the schema (`migrate_to` goes either way),
and stays where it is when it ends; its rows are flushed all the same. The modules run in
the order of the migrations they try (MODULES_IN_MIGRATION_ORDER), so the schema moves on
mostly forwards, once, rather than from the empty database again for each module."""

import contextlib
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

_FOLDER = Path(__file__).parent


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


@contextlib.contextmanager
def _an_empty_database_instead(django_db_blocker, folder):
    """The default connection on a new, empty database (of the same server, made as the
    test database is) until the block ends; then on the test database again, and the new
    one dropped. Only the tests themselves reach either database meanwhile, as they ask."""
    test_database = connection.settings_dict["NAME"]
    on_postgresql = connection.vendor == "postgresql"
    if on_postgresql:
        name = f"{test_database}_migrations"
        quoted = connection.ops.quote_name(name)
        suffix = connection.creation.sql_table_creation_suffix()
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
            cursor.execute(f"CREATE DATABASE {quoted} {suffix}")
    else:
        name = str(folder / "migrations.sqlite3")
    _connect_to(name)
    try:
        yield
    finally:
        _connect_to(test_database)
        if on_postgresql:
            with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE {quoted}")


def _connect_to(name):
    connection.close()
    if connection.vendor == "postgresql":
        connection.close_pool()  # its connections are to the database it was opened on
    connection.settings_dict["NAME"] = name
    # The content types' ids differ between the two databases.
    ContentType.objects.clear_cache()


# The migration each module tries, earliest first; any module not named runs after them.
MODULES_IN_MIGRATION_ORDER = (
    "test_tag_owner_organization.py",  # 0008
    "test_sms_budget_in_money.py",  # 0019, and back to 0018
    "test_phone_repairs.py",  # back to 0012, 0013, then the latest
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The modules of this folder in MODULES_IN_MIGRATION_ORDER, where they are among the
    items; each module's tests in their order, and every other test where it was."""
    here = [n for n, item in enumerate(items) if item.path.parent == _FOLDER]
    order = {name: n for n, name in enumerate(MODULES_IN_MIGRATION_ORDER)}
    ours = sorted((items[n] for n in here), key=lambda item: order.get(item.path.name, len(order)))
    for n, item in zip(here, ours, strict=True):
        items[n] = item


@pytest.fixture(scope="package", autouse=True)
def database_of_the_folder(django_db_setup, django_db_blocker, tmp_path_factory):
    """The tests of this folder migrate an empty database of their own, and leave the test
    database of the rest of the suite as it is."""
    with _an_empty_database_instead(django_db_blocker, tmp_path_factory.mktemp("db")):
        yield
