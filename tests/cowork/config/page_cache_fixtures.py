"""Fixtures of the kept-page tests: a database as served, and the centre they read."""

import pytest
from django.core.cache import caches

from cowork import page_version
from tests.factories import SpaceFactory


@pytest.fixture(autouse=True)
def committed_database(settings):
    """As on a served database, where writes have committed: the version row exists (in a
    test's transaction nothing commits, and without it nothing is kept)."""
    settings.PAGE_CACHE = True
    caches[settings.PAGE_CACHE_ALIAS].clear()
    page_version.bump()


@pytest.fixture(name="space")
def kramatorsk():
    """The centre whose pages are read (the fixture `space`)."""
    return SpaceFactory(city="Kramatorsk", name="Kramatorsk IT hub", slug="kramatorsk-it")
