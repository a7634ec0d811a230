"""Issue 14's walk in a real browser, phone first: a network admin opens a centre for a
partner NGO and sets it up with no shell, naming it and its room in Uzbek and Russian and
giving it texts and a photo; a member reading Russian books a desk there and the new host's
live dashboard shows it. On a desktop the floor plan is arranged by dragging."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page, expect

from cowork.models import Booking, Organization, Resource, Space, SpaceRole
from cowork.services.centres.photos import space_photo_set
from notifications.models import Notification
from tests.browser.conftest import fits_the_screen, open_menu, sign_in
from tests.photos import photo_bytes, photo_upload

NAME = "Samarkand NGO Co-working"
HOST_PASSWORD = "samarkand-host-password"
LIVE_MS = 10_000


@pytest.fixture
def network(demo_centres):
    """The demo people (one small centre of theirs), a partner NGO without a centre yet,
    and the person who will host its centre."""
    demo_centres("kramatorsk-it")
    Organization.objects.create(name="Samarkand Youth NGO", slug="samarkand-youth", country="UZ")
    get_user_model().objects.create_user(
        "samarkand.host", password=HOST_PASSWORD, first_name="Dilnoza", last_name="Karimova"
    )


def _tab(page: Page, name: str, axe_check) -> None:
    page.get_by_role("navigation", name="Sections").get_by_role("link", name=name).click()
    page.wait_for_load_state()
    axe_check(page)


def _next_first_of_september(today: datetime.date) -> datetime.date:
    day = datetime.date(today.year, 9, 1)
    return day if day >= today else day.replace(year=today.year + 1)


def _bookable_day(space: Space) -> datetime.date:
    """Monday to Saturday, two days ahead or more, never the first of September."""
    day = timezone.now().astimezone(space.zone).date() + datetime.timedelta(days=2)
    while day.weekday() == 6 or (day.month, day.day) == (9, 1):
        day += datetime.timedelta(days=1)
    return day


def _open_the_centre(page: Page, base: str, axe_check) -> Space:
    sign_in(page, base, "admin", axe_check)
    open_menu(page)
    page.get_by_role("link", name="Centres to manage").click()
    axe_check(page)
    page.get_by_role("link", name="New centre").click()
    axe_check(page)
    page.get_by_label("Partner NGO", exact=True).select_option(label="Samarkand Youth NGO")
    page.get_by_label("Name", exact=True).fill(NAME)
    page.get_by_label("City", exact=True).fill("Samarkand")
    page.get_by_label("Country", exact=True).select_option("UZ")
    page.get_by_label("Time zone", exact=True).select_option("Asia/Samarkand")
    page.get_by_label("Safety capacity", exact=True).fill("40")
    page.get_by_label("Currency", exact=True).fill("UZS")
    page.get_by_role("group", name="Languages spoken").get_by_label("Uzbek").check()
    page.get_by_role("group", name="Languages spoken").get_by_label("Russian").check()
    page.get_by_label("Language of its messages", exact=True).select_option("uz")
    page.get_by_role("button", name="Open the centre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Manage {NAME}")
    axe_check(page)
    return Space.objects.get(name=NAME)


def test_network_admin_sets_up_a_centre_on_a_phone_and_a_member_books_there(
    phone_page, page, live_server_url, network, axe_check
):
    base = live_server_url
    space = _open_the_centre(phone_page, base, axe_check)
    assert space.time_zone == "Asia/Samarkand"

    for weekday in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"):
        phone_page.get_by_label(f"{weekday} 1: opens").fill("09:00")
        phone_page.get_by_label(f"{weekday} 1: closes").fill("18:00")
    phone_page.get_by_role("button", name="Save opening hours").click()
    expect(phone_page.get_by_role("status")).to_contain_text("Opening hours saved.")
    axe_check(phone_page)
    assert space.opening_hours.count() == 6

    _tab(phone_page, "Closures", axe_check)
    first_of_september = _next_first_of_september(space.local_now(timezone.now()).date())
    phone_page.get_by_label("First day", exact=True).fill(first_of_september.isoformat())
    phone_page.get_by_label("Reason", exact=True).fill("Independence Day")
    phone_page.get_by_label("Every year", exact=True).check()
    phone_page.get_by_role("button", name="Add the closure").click()
    axe_check(phone_page)
    expect(phone_page.locator(".closure-list")).to_contain_text("Independence Day · every year")

    _tab(phone_page, "Resources", axe_check)
    phone_page.get_by_label("How many desks", exact=True).fill("10")
    phone_page.get_by_role("button", name="Add desks to the plan").click()
    axe_check(phone_page)
    phone_page.get_by_label("Kind", exact=True).select_option("room")
    phone_page.get_by_label("Name", exact=True).fill("Meeting room")
    phone_page.get_by_label("Capacity", exact=True).fill("8")
    phone_page.get_by_label("Needs approval", exact=True).check()
    # Names in other languages are folded away, one group a language, until opened.
    for language, name in (("oʻzbek tili", "Majlislar xonasi"), ("Русский", "Переговорная")):
        phone_page.locator("details.translations > summary", has_text=language).click()
        phone_page.get_by_label(f"Name in {language}", exact=True).fill(name)
    phone_page.get_by_role("button", name="Add", exact=True).click()
    axe_check(phone_page)
    expect(phone_page.get_by_role("table")).to_contain_text("Meeting room")
    assert space.resources.filter(kind="desk", plan_x__isnull=False).count() == 10
    room = space.resources.get(name="Meeting room")
    assert room.needs_approval and room.name_in("ru") == "Переговорная"
    assert room.name_in("uz") == "Majlislar xonasi"

    # The centre's texts in Russian, and a photo of its entrance as a phone takes it.
    _tab(phone_page, "Details", axe_check)
    phone_page.get_by_label("About the centre", exact=True).fill("Desks and a meeting room.")
    phone_page.get_by_label("How to get there", exact=True).fill("Bus 12 to Registan.")
    phone_page.locator("details.translations > summary", has_text="Русский").click()
    phone_page.get_by_label("Name in Русский", exact=True).fill("Коворкинг НКО в Самарканде")
    phone_page.get_by_label("Description in Русский", exact=True).fill("Столы и переговорная.")
    phone_page.get_by_label("How to get there in Русский", exact=True).fill(
        "Автобус 12 до Регистана, синяя дверь."
    )
    phone_page.get_by_role("button", name="Save", exact=True).click()
    expect(phone_page.get_by_role("status")).to_contain_text("Saved.")
    axe_check(phone_page)
    _tab(phone_page, "Photo", axe_check)
    phone_page.get_by_label("Photo of the centre", exact=True).set_input_files(
        {"name": "entrance.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes(quality=95)}
    )
    phone_page.get_by_role("button", name="Save the photo").click()
    expect(phone_page.get_by_role("status")).to_contain_text("Photo saved.")
    axe_check(phone_page)
    space.refresh_from_db()
    assert space.photo and space.photo.size <= 30 * 1024

    # On a phone the plan is numbers: put the room on it and move Desk 10.
    _tab(phone_page, "Floor plan", axe_check)
    phone_page.locator(f'input[name="on_{room.pk}"]').check()
    phone_page.get_by_label("Meeting room: x").fill("600")
    phone_page.get_by_label("Meeting room: y").fill("300")
    phone_page.get_by_label("Desk 10: y").fill("500")
    phone_page.get_by_role("button", name="Save the plan").click()
    axe_check(phone_page)
    room.refresh_from_db()
    assert (room.plan_x, room.plan_y) == (600, 300)

    _tab(phone_page, "Hosts and staff", axe_check)
    phone_page.get_by_label("Phone or username", exact=True).fill("samarkand.host")
    phone_page.get_by_label("Role", exact=True).select_option("host")
    phone_page.get_by_role("button", name="Add or invite", exact=True).click()
    axe_check(phone_page)
    expect(phone_page.locator(".people-list")).to_contain_text("Dilnoza Karimova · Host")
    phone_page.locator(
        "details.site-menu > summary"
    ).click()  # on a phone, signing out is in the menu
    phone_page.get_by_role("button", name="Sign out", exact=True).click()
    axe_check(phone_page)

    # The new host watches the centre live on a desktop.
    sign_in(page, base, "samarkand.host", axe_check, password=HOST_PASSWORD)
    page.goto(f"{base}/centres/{space.slug}/live/")
    axe_check(page)
    expect(page.locator("[data-live-status]")).to_have_text("Live", timeout=LIVE_MS)

    # A member reads the centre's page in Russian, and books Desk 03 on the phone.
    sign_in(phone_page, base, "member", axe_check)
    phone_page.context.add_cookies(
        [{"name": "django_language", "value": "ru", "domain": "127.0.0.1", "path": "/"}]
    )
    phone_page.goto(f"{base}/centres/{space.slug}/")
    axe_check(phone_page)
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Коворкинг НКО в Самарканде")
    expect(phone_page.locator(".lead")).to_have_text("Столы и переговорная.")
    expect(phone_page.get_by_text("Автобус 12 до Регистана, синяя дверь.")).to_be_visible()
    expect(phone_page.locator(".resources").first).to_contain_text("Переговорная")
    photo = phone_page.locator("img.centre-photo")
    expect(photo).to_have_attribute("loading", "lazy")
    assert int(photo.get_attribute("width")) <= 720 and photo.get_attribute("height")
    day = _bookable_day(space)
    phone_page.goto(
        f"{base}/centres/{space.slug}/book/?date={day.isoformat()}&start=10%3A00&end=11%3A00&kind=desk"
    )
    axe_check(phone_page)
    plan = phone_page.get_by_role("group", name=re.compile("Коворкинг НКО в Самарканде"))
    plan.get_by_role("link", name=re.compile(r"^Desk 03: ")).click()
    axe_check(phone_page)
    phone_page.get_by_role("button", name="Подтвердить бронирование").click()
    expect(phone_page).to_have_url(re.compile(rf"^{base}/bookings/"))
    axe_check(phone_page)
    assert Booking.objects.filter(space=space, resource__name="Desk 03").exists()

    feed = page.get_by_role("log", name="Check-ins and releases")
    expect(feed).to_contain_text("Desk 03 — booked", timeout=LIVE_MS)
    axe_check(page)


def _in_ukrainian(page: Page) -> None:
    page.context.add_cookies(
        [{"name": "django_language", "value": "uk", "domain": "127.0.0.1", "path": "/"}]
    )


def test_a_host_invites_staff_by_phone_in_ukrainian_and_the_link_makes_them_staff(
    phone_page, live_server_url, network, axe_check
):
    """The Kramatorsk host, on a phone and in Ukrainian, invites a national number without
    an account as staff, and withdraws a second invitation; the first link, opened on the
    phone, opens the account with the role."""
    base, page = live_server_url, phone_page
    sign_in(page, base, "host", axe_check)
    _in_ukrainian(page)
    page.goto(f"{base}/centres/kramatorsk-it/manage/people/")
    axe_check(page)
    for number, role in (("067 111 22 02", "staff"), ("067 111 22 03", "host")):
        page.get_by_label("Телефон або ім’я користувача", exact=True).fill(number)
        page.get_by_label("Роль", exact=True).select_option(role)
        page.get_by_role("button", name="Додати або запросити", exact=True).click()
        axe_check(page)
    expect(page.get_by_role("status")).to_contain_text(
        "Запрошення (Управитель) надсилається в SMS на +38067*****03."
    )
    waiting = page.get_by_role("list", name="Запрошені, ще не прийняли")
    expect(waiting).to_contain_text("+38067*****02 · Працівник · діє до")
    expect(waiting).not_to_contain_text("+380671112202")
    page.get_by_role("button", name="Відкликати запрошення на +38067*****03").click()
    expect(page.get_by_role("status")).to_contain_text("Запрошення на +38067*****03 більше не діє.")
    expect(waiting).not_to_contain_text("+38067*****03")
    axe_check(page)
    fits_the_screen(page)

    # The SMS waits in its row (no worker runs beside the test server).
    body = Notification.objects.filter(kind=Notification.Kind.STAFF_INVITATION).get().body
    assert "працівником" in body
    link = re.search(r"(/i/\S+/)", body).group(1)
    page.context.clear_cookies()  # the invitee's phone
    _in_ukrainian(page)
    page.goto(f"{base}{link}")
    axe_check(page)
    expect(page.locator(".invitation-role")).to_contain_text(": Працівник.")
    page.get_by_label("Ваше ім’я", exact=True).fill("Ірина Бондар")
    page.get_by_role("button", name="Відкрити обліковий запис", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Ласкаво просимо!")).to_contain_text(
        "Ваша роль у"
    )
    axe_check(page)
    role = SpaceRole.objects.get(user__member__phone="+380671112202")
    assert (role.space.slug, role.role) == ("kramatorsk-it", "staff")


def test_desks_are_dragged_and_moved_by_keyboard_on_the_desktop_plan(
    page, live_server_url, network, axe_check
):
    base = live_server_url
    space = _open_the_centre(page, base, axe_check)
    _tab(page, "Resources", axe_check)
    page.get_by_label("How many desks", exact=True).fill("2")
    page.get_by_role("button", name="Add desks to the plan").click()
    axe_check(page)
    _tab(page, "Floor plan", axe_check)
    first, second = Resource.objects.filter(space=space).order_by("name")
    start_x, second_y = first.plan_x, second.plan_y

    desk = page.locator(f'svg.plan-editor [data-resource="{first.pk}"]')
    box = desk.bounding_box()
    plan_box = page.locator("svg.plan-editor").bounding_box()
    units = plan_box["width"] / space.floor_plan_width
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.mouse.down()
    page.mouse.move(box["x"] + 5 + 200 * units, box["y"] + 5 + 100 * units, steps=5)
    page.mouse.up()
    expect(page.get_by_label("Desk 01: x")).to_have_value(str(start_x + 200))

    page.locator(f'svg.plan-editor [data-resource="{second.pk}"]').focus()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Desk 02: y")).to_have_value(str(second_y + 10))
    page.get_by_role("button", name="Save the plan").click()
    axe_check(page)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.plan_x == start_x + 200
    assert second.plan_y == second_y + 10


def test_a_centres_page_with_its_photo_stays_light_on_a_phone(
    phone_page, live_server_url, network, axe_check
):
    """The first visit's page, styles and scripts stay within 15 KB compressed; the photo,
    which blocks nothing, comes lazily, small and with its size."""
    space = Space.objects.get(slug="kramatorsk-it")
    admin = get_user_model().objects.get(username="admin")
    space_photo_set(space=space, by=admin, upload=photo_upload(quality=95))
    sizes: dict[str, int] = {}

    def count(response) -> None:
        kind = response.request.resource_type
        sizes[kind] = sizes.get(kind, 0) + response.request.sizes()["responseBodySize"]

    phone_page.on("requestfinished", lambda request: count(request.response()))
    phone_page.goto(f"{live_server_url}/centres/{space.slug}/")
    phone_page.wait_for_load_state("networkidle")
    axe_check(phone_page)
    photo = phone_page.locator("img.centre-photo")
    expect(photo).to_have_attribute("loading", "lazy")
    assert photo.get_attribute("width") and photo.get_attribute("height")
    blocking = sum(sizes.get(kind, 0) for kind in ("document", "stylesheet", "script", "font"))
    assert blocking <= 15 * 1024, sizes
    assert sizes.get("image", 0) <= 30 * 1024, sizes
