"""The throw-away PostgreSQL database each benchmark runs on, and Django pointed at it.

A benchmark creates its database on `--server-url` under a name of its own run, sets
Django up on it, and drops it at the end whatever happened (connections closed first, and
`WITH (FORCE)` for any a server it started still holds).
"""

import argparse
import os
from urllib.parse import urlsplit, urlunsplit

DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def add_server_url_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--server-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER_URL),
        help="A PostgreSQL server where a throw-away database may be created.",
    )


def database_url(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def create(server_url: str, name: str) -> tuple[str, str]:
    """Create database `name` on the server; its URL and the server's version."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        version = admin.execute("SHOW server_version").fetchone()[0]
    return database_url(server_url, name), version


def drop(server_url: str, name: str) -> None:
    """Close this process's connections, then drop database `name` even if others hold it."""
    import psycopg
    from django.apps import apps

    if apps.ready:
        from django.db import connections

        connections.close_all()
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(url: str, environment: dict[str, str] | None = None) -> None:
    """Django on database `url`, with `environment` added to this process's."""
    os.environ.update(environment or {})
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "benchmark-only-key")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cowork.config.settings")
    import django

    django.setup()
