"""The API's documentation works where a CDN cannot be reached: Swagger UI from our files."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_api_docs_render_from_our_own_static_files_and_nothing_else(
    page, live_server_url, axe_ledger
):
    origins = set()
    page.on("request", lambda request: origins.add(urlsplit(request.url).netloc))
    page.goto(f"{live_server_url}/api/v1/docs")
    # Swagger UI drew the API from its OpenAPI document: the title and an operation.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("cowork")
    expect(page.locator(".opblock").first).to_be_visible()
    assert origins == {urlsplit(live_server_url).netloc}
    # Swagger UI is a developer's tool of another project, not a page of ours: axe's
    # findings there are not ours to fix. The CSP check still applies to it.
    axe_ledger.checked(page)
