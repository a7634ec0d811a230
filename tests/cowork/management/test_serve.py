"""`manage.py serve` (what `make run` runs) serves on any set-up: production's hashed static
files are collected first, and links follow the port served when SITE_URL is unset."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client
from django.urls import reverse

from cowork.management.commands.serve import collect_static_when_hashed, served_environment

MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_links_follow_the_port_served_when_site_url_is_unset():
    env = served_environment({"PATH": "/bin"}, host="0.0.0.0", port=8765)
    assert env["SITE_URL"] == "http://127.0.0.1:8765"
    assert env["PATH"] == "/bin"
    assert served_environment({"SITE_URL": ""}, host="127.0.0.1", port=9000)["SITE_URL"] == (
        "http://127.0.0.1:9000"
    )


def test_a_site_url_that_is_set_is_kept_with_production_security():
    env = served_environment({"SITE_URL": "https://cowork.example.org"}, host="::", port=80)
    assert env["SITE_URL"] == "https://cowork.example.org"
    assert "SECURE_SSL_REDIRECT" not in env and "SESSION_COOKIE_SECURE" not in env


def test_a_plain_http_site_neither_redirects_nor_hides_its_cookies():
    env = served_environment({"CSRF_COOKIE_SECURE": "true"}, host="127.0.0.1", port=8765)
    assert env["SECURE_SSL_REDIRECT"] == "false" and env["SESSION_COOKIE_SECURE"] == "false"
    assert env["SECURE_HSTS_SECONDS"] == "0"
    assert env["CSRF_COOKIE_SECURE"] == "true"  # what the environment set is kept


def test_the_embedded_default_collects_nothing():
    assert collect_static_when_hashed() is False


@pytest.mark.django_db
def test_hashed_static_files_are_collected_so_pages_render(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    settings.WHITENOISE_USE_FINDERS = False
    # Without the manifest every page fails naming its stylesheet, as `make run` did.
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        staticfiles_storage.url("cowork/site.css")
    assert collect_static_when_hashed() is True
    hashed = staticfiles_storage.url("cowork/site.css")
    assert hashed.startswith("/static/cowork/site.") and hashed != "/static/cowork/site.css"
    assert (tmp_path / hashed.removeprefix("/static/")).exists()
    page = Client().get(reverse("home"))
    assert page.status_code == 200 and hashed in page.content.decode()
