"""Fixtures shared by the whole suite, and the lane report: which engines this run uses."""

import gc
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import override_settings

from notifications.sms.backends import locmem
from tests import factories
from tests.snapshots import REMADE_BY_POST_MIGRATE, tables_with_rows

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _lane() -> list[str]:
    database = django_settings.DATABASES["default"]
    vendor = database["ENGINE"].rsplit(".", 1)[-1]
    where = database.get("HOST") or "file"
    layer = django_settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    lane = "embedded default" if django_settings.EMBEDDED else "PostgreSQL and Redis"
    return [
        f"cowork lane: {lane}",
        f"database: {vendor} ({where}), channel layer: {layer}, SMS: {django_settings.SMS_BACKEND}",
    ]


def pytest_report_header(config):
    return _lane()


# Fixtures whose data, made once, stays in the database for the rest of their module: a
# transaction around the tests that ask for them, rolled back when the module ends.
SHARED_BY_MODULE = {
    "network_of_the_module",
    "demo_of_the_module",
    "full_demo_of_the_module",
    "centre_of_the_module",
}


def pytest_configure(config):
    # Tests allocate in bursts (requests, querysets, factories): a young generation of ten
    # thousand objects rather than seven hundred lets the collector run a tenth as often.
    gc.set_threshold(10_000, 20, 100)


def pytest_collection_finish(session):
    """What stays for the whole run (Django, the modules and their tests) is put out of the
    collector's way: it would otherwise walk it again in every full collection."""
    gc.collect()
    gc.freeze()


def pytest_collection_modifyitems(items):
    """In a module, the tests that use data shared by it (SHARED_BY_MODULE) run after the
    others: the data stays until the module ends, and a test that did not ask for it must
    not see it. Otherwise the order stays as collected."""
    modules = {}
    for item in items:
        modules.setdefault(item.path, len(modules))
    items.sort(
        key=lambda item: (
            modules[item.path],
            not SHARED_BY_MODULE.isdisjoint(getattr(item, "fixturenames", ())),
        )
    )


def pytest_sessionstart(session):
    """A configured service that is down fails the run at once; it never becomes skips."""
    redis_url = django_settings.REDIS_URL
    if redis_url:
        import redis

        try:
            redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
        except redis.RedisError as exc:
            pytest.exit(f"REDIS_URL is set but Redis does not answer: {exc}", returncode=3)
    if not django_settings.EMBEDDED:
        import psycopg

        database = django_settings.DATABASES["default"]
        try:
            psycopg.connect(
                dbname="postgres",
                user=database.get("USER") or None,
                password=database.get("PASSWORD") or None,
                host=database.get("HOST") or None,
                port=database.get("PORT") or None,
                connect_timeout=3,
            ).close()
        except psycopg.Error as exc:
            pytest.exit(f"DATABASE_URL is set but PostgreSQL does not answer: {exc}", returncode=3)


def _delete_from_tables_with_rows(
    ops, style, tables, *, reset_sequences=False, allow_cascade=False
):
    """PostgreSQL's flush after a test that committed (transactional_db): DELETE FROM the
    tables that hold rows, instead of one TRUNCATE of all of them.

    TRUNCATE makes every table and index anew on disk, 70 tables, a second or more per
    test on a busy machine, while a test leaves rows in a few. The tables end empty all the
    same: every foreign key is checked at commit (DEFERRABLE INITIALLY DEFERRED, as Django
    makes them), so the order of the deletes does not matter; and neither resets a
    sequence. Content types and permissions stay: the flush's post_migrate would write
    the same ones again at once, a few hundred rows, after every such test. Django's own
    SQL for anything else: sequences reset, or a cascade.
    """
    if reset_sequences or allow_cascade or not tables:
        return _POSTGRESQL_SQL_FLUSH(
            ops, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    names = [table for table in tables if table not in REMADE_BY_POST_MIGRATE]
    return [
        f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(ops.quote_name(name))};"
        for name in tables_with_rows(ops.connection, names)
    ]


if not django_settings.EMBEDDED:
    from django.db.backends.postgresql.operations import DatabaseOperations

    _POSTGRESQL_SQL_FLUSH = DatabaseOperations.sql_flush


@pytest.fixture(scope="session", autouse=True)
def _quick_flush_on_postgresql():
    if django_settings.EMBEDDED:
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", _delete_from_tables_with_rows)
        yield


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request through the test client leaves
    the language it activated on the thread, which would leak into the next test."""
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def client(client):
    """The test client, as a person who chose English in the language switcher.

    Pages follow a signed-in person's saved language unless they chose one (the cookie);
    the factories' members read Azerbaijani, which would translate every page a test reads
    after signing one in. A test of the saved language or of Accept-Language drops the
    cookie (`client.cookies.pop(LANGUAGE_COOKIE_NAME)`).
    """
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(scope="session", autouse=True)
def _settings_of_the_suite(django_test_environment):
    """Settings every test starts from, applied once for the run; a test changes them on
    top with the `settings` fixture, which puts them back after it. Applied per test, these
    were five overrides made and undone around each of the suite's thousands of tests.

    Tests talk plain HTTP to loopback and render templates without collectstatic: on the
    PostgreSQL lane the production defaults apply (HTTPS redirect, hashed static names from
    a manifest), and the test client has neither TLS nor a collected manifest.

    Pages are rendered afresh: a test's writes are rolled back, never committed, so the page
    version (cowork.page_version) would not tell one test's data from the next.
    tests/cowork/config/test_page_cache.py turns kept pages on where it tests them.
    """
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        # Hashing at the production cost would dominate every test that makes a user.
        PASSWORD_HASHERS=["tests.hashers.QuickPBKDF2PasswordHasher"],
        STORAGES={
            **django_settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        # WhiteNoise looks a static file up when it is asked for, instead of listing every
        # app's static folder each time a test client starts (a twentieth of a second).
        WHITENOISE_AUTOREFRESH=True,
        PAGE_CACHE=False,
    ):
        yield


@pytest.fixture(autouse=True)
def _a_channel_layer_per_test():
    """Each test gets channel layers of its own, as each process does in production.

    channels caches one layer object per process, and channels_redis keeps per-layer locks
    and connection pools made on the event loop of first use. Every async test runs on a
    loop of its own: a layer carried over from an earlier loop can wait forever on a lock
    that loop left taken, and the test hangs in teardown.
    """
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _no_relay_failure_carried_over():
    """A relay that failed in an earlier test must not make this one relay the backlog."""
    from cowork import outbox

    outbox._relay_failed.clear()


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """The release step's `collectstatic`, run once for the tests that only read what it
    wrote. On the PostgreSQL lane with production's storage: hashed names, a manifest, and
    a .gz beside each file."""
    from tests.servers import python_environment

    static_root = tmp_path_factory.mktemp("collected") / "static"
    env = python_environment(STATIC_ROOT=str(static_root))
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=django_settings.BASE_DIR, env=env, check=True, capture_output=True,
    )  # fmt: skip
    return static_root


@pytest.fixture
def space(db):
    return factories.SpaceFactory()


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to the test's own folder, which it returns."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def host(space):
    """A host of `space`."""
    return factories.HostFactory(space=space).user


@pytest.fixture
def member_user(db):
    return factories.MemberFactory().user


@pytest.fixture
def locmem_sms(settings):
    """The LocmemBackend's outbox, empty, with SMS_BACKEND pointing at it."""
    settings.SMS_BACKEND = "notifications.sms.backends.locmem.LocmemBackend"
    locmem.outbox.clear()
    yield locmem.outbox
    locmem.outbox.clear()
