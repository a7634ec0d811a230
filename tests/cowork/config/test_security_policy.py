"""Content-Security-Policy and Permissions-Policy: no inline script runs, no page asks for
the camera, and no template relies on what the policy forbids.

The browser tests (tests/browser/) run every page under the policy in Chromium and fail on
any violation it reports; these check the headers and the templates themselves.
"""

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from cowork.config.csp import SecurityPolicyMiddleware
from tests.factories import HostFactory

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = sorted(
    path
    for package in ("cowork", "realtime", "notifications")
    for path in (ROOT / package).glob("templates/**/*.html")
)


def _directives(header: str) -> dict[str, list[str]]:
    return {
        name: sources
        for name, *sources in (part.split() for part in header.split(";") if part.strip())
    }


def _assert_no_inline_script(header: str) -> None:
    directives = _directives(header)
    script = directives.get("script-src", directives["default-src"])
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert "'self'" in script
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/login/", "/events/", "/healthz", "/no-such-page/"])
def test_every_response_forbids_inline_script(path):
    response = Client().get(path)
    _assert_no_inline_script(response["Content-Security-Policy"])


@pytest.mark.django_db
def test_a_hosts_pages_and_the_admin_forbid_inline_script(space):
    client = Client()
    client.force_login(HostFactory(space=space).user)
    for path in (f"/centres/{space.slug}/calendar/", f"/centres/{space.slug}/live/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_no_inline_script(response["Content-Security-Policy"])


@pytest.mark.django_db
def test_no_page_may_use_the_camera_microphone_or_location():
    policy = Client().get("/")["Permissions-Policy"]
    features = dict(item.strip().split("=") for item in policy.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature


def test_an_inline_script_given_the_nonce_is_allowed_and_the_nonce_changes_each_time():
    def page_with_inline_script(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">go()</script>')

    middleware = SecurityPolicyMiddleware(page_with_inline_script)
    first, second = (middleware(RequestFactory().get("/")) for _ in range(2))
    nonces = []
    for response in (first, second):
        nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
        assert f"'nonce-{nonce}'" in _directives(response["Content-Security-Policy"])["script-src"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_a_page_that_uses_no_nonce_sends_none():
    response = SecurityPolicyMiddleware(lambda request: HttpResponse("ok"))(
        RequestFactory().get("/")
    )
    assert "nonce-" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_templates_carry_no_inline_script_or_handler(template):
    text = template.read_text()
    for tag in re.findall(r"<script\b[^>]*>", text, re.I):
        # A file, a JSON data block (never executed), or an inline script with the nonce.
        assert re.search(r'\bsrc=|type="application/json"|nonce="\{\{ csp_nonce \}\}"', tag), tag
    handlers = re.findall(r"<[^>]*\s(on[a-z]+)\s*=", text, re.I)
    assert not handlers, f"inline event handlers {handlers}: use a static file"
    assert "javascript:" not in text.lower()


@pytest.mark.django_db
def test_the_api_documentation_loads_swagger_ui_from_our_own_static_files():
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "cdn.jsdelivr.net" not in page
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert docs["Content-Security-Policy"] == Client().get("/")["Content-Security-Policy"]
    assert "cdn.jsdelivr.net" not in docs["Content-Security-Policy"]
