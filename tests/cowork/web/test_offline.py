"""The installable web app: the manifest, the service worker, and which pages it may keep."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from cowork.services.displays import display_token_create
from cowork.web.offline import KEEP_HEADER, THEME_COLOUR
from tests.factories import HostFactory

pytestmark = pytest.mark.django_db


def test_manifest_names_the_app_its_icons_and_the_site_colour(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == manifest["short_name"] == "cowork"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    site_css = (settings.BASE_DIR / "cowork/static/cowork/site.css").read_text()
    assert f"--accent: {THEME_COLOUR};" in site_css
    assert manifest["theme_color"] == THEME_COLOUR
    types = {icon["type"] for icon in manifest["icons"]}
    assert types == {"image/svg+xml", "image/png"}
    for icon in manifest["icons"]:
        name = icon["src"].removeprefix("/" + settings.STATIC_URL.lstrip("/"))
        assert finders.find(name), icon["src"]
    assert any(icon["sizes"] == "512x512" for icon in manifest["icons"])


def test_every_page_links_the_manifest_and_the_script_that_registers_the_worker(client):
    html = client.get(reverse("home")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert "cowork/offline.js" in html
    assert 'name="theme-color" content="#0b5cad"' in html


def test_service_worker_is_served_at_the_root_and_always_revalidated(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    assert 'var STATIC_PREFIX = "/static/";' in script
    assert re.search(r'var VERSION = "[0-9a-f]{16}";', script)


def test_worker_refuses_anything_but_get(client):
    assert client.post("/sw.js").status_code == 405
    assert client.post("/manifest.webmanifest").status_code == 405


def test_my_bookings_may_be_kept_as_a_personal_copy_with_its_hidden_notice(member_client):
    response = member_client.get(reverse("web:my-bookings"))
    assert response[KEEP_HEADER] == "personal"
    # Still never stored by the browser's own cache or a proxy.
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    html = response.content.decode()
    assert "data-offline-notice hidden" in html
    assert "You are offline — this is the page as of --:--" in html


def test_offline_notice_is_in_the_visitors_language(member_client):
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"
    html = member_client.get(reverse("web:my-bookings")).content.decode()
    assert "Ви офлайн — це сторінка станом на --:--" in html


def test_a_hosts_pages_are_never_kept(client, host, space):
    client.force_login(host)
    response = client.get(reverse("web:my-bookings"))
    assert response.status_code == 200
    assert KEEP_HEADER not in response
    assert "data-offline-notice" not in response.content.decode()


def test_signed_out_visitor_to_my_bookings_is_sent_to_sign_in_and_nothing_is_kept(client):
    response = client.get(reverse("web:my-bookings"))
    assert response.status_code == 302 and KEEP_HEADER not in response


def test_a_centres_page_is_public_for_a_visitor_and_personal_once_signed_in(client, member, space):
    url = reverse("space-detail", args=[space.slug])
    assert client.get(url)[KEEP_HEADER] == "public"
    client.force_login(member)
    assert client.get(url)[KEEP_HEADER] == "personal"


def test_other_pages_carry_no_keep_mark(client, member):
    home = client.get(reverse("home"))
    client.force_login(member)
    for response in (home, client.get(reverse("web:profile"))):
        assert response.status_code == 200
        assert KEEP_HEADER not in response
        assert "data-offline-notice" not in response.content.decode()


def test_door_display_carries_its_offline_words_in_its_language_and_both_scripts(client, space):
    host = HostFactory(space=space).user
    _, key = display_token_create(space=space, host=host, name="Lobby")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"
    response = client.get(reverse("web:display", args=[key]))
    assert response.status_code == 200
    config = json.loads(
        re.search(
            r'<script id="live-config" type="application/json">(.*?)</script>',
            response.content.decode(),
        ).group(1)
    )
    assert config["strings"]["status"]["offline_age"] == "Немає зв’язку — дані на %(time)s, %(age)s"
    html = response.content.decode()
    assert html.index("cowork/live-link.js") < html.index("cowork/live.js")
    # A door display is never kept by the worker: it shows the live state or says it is old.
    assert KEEP_HEADER not in response and response["Cache-Control"] == "no-store"
