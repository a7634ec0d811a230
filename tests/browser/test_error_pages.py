"""Error pages in a real browser: in the visitor's language, fitting a phone, with a way back."""

import pytest
from playwright.sync_api import expect

from cowork.models import Space
from tests.browser.conftest import set_language_cookie

FIT_JS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.mark.parametrize(
    ("language", "heading", "ways_back", "home"),
    [
        ("uk", "Сторінку не знайдено", "Куди повернутися", "Усі центри"),
        ("az", "Səhifə tapılmadı", "Geri yollar", "Bütün mərkəzlər"),
    ],
)
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_lost_visitor_reads_why_in_their_language_and_finds_the_way_back(
    request, size, language, heading, ways_back, home, live_server_url, demo_centres, axe_check
):
    demo_centres("kramatorsk-it")
    page = request.getfixturevalue("phone_page" if size == "phone" else "page")
    set_language_cookie(page, live_server_url, language)
    response = page.goto(f"{live_server_url}/centres/kramatorsk-it/no-such-page/")
    assert response.status == 404
    axe_check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    scroll, client = page.evaluate(FIT_JS)
    assert scroll <= client
    page.get_by_role("navigation", name=ways_back).get_by_role("link", name=home).click()
    page.wait_for_load_state()
    axe_check(page)
    assert page.url == f"{live_server_url}/"
    assert Space.objects.filter(slug="kramatorsk-it").exists()
