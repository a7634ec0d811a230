"""The live pages in a real browser against daphne: updates arrive without a reload.

The test process books and checks in through the services, as another client would; the
data is committed, and daphne's hub relays the events to the open pages. Kramatorsk's
opening hours are widened to every day, all day, so the tests run whatever the real time.
"""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page, expect

from cowork.models import Booking, OpeningHours, Resource, Space
from cowork.services.booking import booking_check_in, booking_create, release_no_shows
from cowork.services.centres.resources import floor_plan_arrange, resource_create
from cowork.services.displays import display_token_create, display_token_revoke
from cowork.services.events import (
    event_create,
)
from tests.browser.conftest import fits_the_screen, sign_in
from tests.factories import came_by_code, this_quarter_hour

KRAMATORSK = "kramatorsk-it"
SIEVIERODONETSK = "sievierodonetsk-it"
# A live update travels test process → database → daphne's relay → socket (or the next
# poll: the test server's pages poll every second) → DOM. A bound on a stuck step.
LIVE_MS = 10_000
TABLET = {"width": 1024, "height": 768}


@pytest.fixture
def kramatorsk(demo_centres) -> Space:
    """Open every day from 00:00 to 23:45, no closures, so there is always a 'now' to book.

    In the last half hour before local midnight no booking fits before closing; the centre
    then keeps UTC, a couple of hours behind, for the test.
    """
    # Its sister centre too: with two centres the host chooses one from the list of live views.
    demo_centres(KRAMATORSK, SIEVIERODONETSK)
    space = Space.objects.get(slug=KRAMATORSK)
    if timezone.now().astimezone(space.zone).time() >= datetime.time(22, 30):
        space.time_zone = "UTC"
        space.save(update_fields=["time_zone"])
        space = Space.objects.get(pk=space.pk)
    space.closures.all().delete()
    OpeningHours.objects.filter(space=space).delete()
    for weekday in range(7):
        OpeningHours.objects.create(
            space=space, weekday=weekday, opens=datetime.time(0), closes=datetime.time(23, 45)
        )
    return space


def _from_this_quarter_hour(space: Space, length: datetime.timedelta, now: datetime.datetime):
    """From the start of the quarter hour `now` is in, on the centre's clock, for `length` but
    not past 23:45 that day, when the centre closes: the start and the end."""
    start = this_quarter_hour(space, now)
    closing = datetime.datetime.combine(start.date(), datetime.time(23, 45), tzinfo=space.zone)
    return start, min(start + length, closing)


def _book_now(space: Space, resource_name: str, member, acting_user=None):
    """What another client does: book the resource from this quarter hour, for an hour."""
    resource = Resource.objects.get(space=space, name=resource_name)
    now = timezone.now()
    start, end = _from_this_quarter_hour(space, datetime.timedelta(hours=1), now)
    return booking_create(
        resource=resource,
        member=member,
        starts_at=start,
        ends_at=end,
        acting_user=acting_user,
        now=now,
    )


def _book_now_and_check_in(space: Space, resource_name: str, username: str = "member"):
    """The same, and check in."""
    member = get_user_model().objects.get(username=username)
    booking = _book_now(space, resource_name, member)
    return booking_check_in(booking=booking, acting_user=member, now=timezone.now())


def _host_watches_kramatorsk_live(page: Page, base: str, axe_check) -> None:
    """Kramatorsk's host opens the centre's live page, checked for accessibility, and it
    goes live."""
    sign_in(page, base, "host", axe_check)
    page.goto(f"{base}/centres/{KRAMATORSK}/live/")
    axe_check(page)
    expect(page.locator("[data-live-status]")).to_have_text("Live", timeout=LIVE_MS)


def _training_room_door(space: Space):
    """The display token, and its key, of a door screen of the centre's Training room."""
    room = Resource.objects.get(space=space, name="Training room")
    host = space.roles.get().user
    return display_token_create(space=space, host=host, name="Door", room=room)


def _same_document_passing_axe_and_fitting(page: Page, axe_check) -> None:
    """The page updated itself in place (never reloaded, see window.__sameDocument), and
    still passes axe and fits the screen."""
    assert page.evaluate("window.__sameDocument") is True
    axe_check(page)
    fits_the_screen(page)


def _spot(page: Page, space: Space, name: str):
    resource = Resource.objects.get(space=space, name=name)
    return page.locator(f'svg.live-plan [data-resource="{resource.pk}"]')


def _showing_a_free_desk(page: Page, space: Space, name: str, *, status: str):
    """Waits for the live page's status to read `status` and its plan to show desk `name`
    free, then marks the document; the status and the desk's locators."""
    status_line = page.locator("[data-live-status]")
    expect(status_line).to_have_text(status, timeout=LIVE_MS)
    desk = _spot(page, space, name)
    expect(desk).to_have_attribute("data-state", "free")
    # Anything the page held before survives only if it is never reloaded.
    page.evaluate("window.__sameDocument = true")
    return status_line, desk


def test_host_dashboard_shows_a_check_in_on_the_plan_without_a_reload(
    page, live_server_url, kramatorsk, axe_check
):
    sign_in(page, live_server_url, "host", axe_check)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Live").click()
    page.wait_for_load_state()
    axe_check(page)
    page.get_by_role("link", name="Kramatorsk IT Solution Centre").click()
    expect(page).to_have_url(f"{live_server_url}/centres/{KRAMATORSK}/live/")
    axe_check(page)
    status, desk = _showing_a_free_desk(page, kramatorsk, "Desk 07", status="Live")

    _book_now_and_check_in(kramatorsk, "Desk 07")

    expect(desk).to_have_attribute("data-state", "occupied", timeout=LIVE_MS)
    expect(desk).to_contain_text("Occupied")
    # The host's plan names who holds it, after the state.
    expect(desk).to_have_attribute("aria-label", re.compile(r"^Desk 07: Occupied — checked in"))
    feed = page.get_by_role("log", name="Check-ins and releases")
    expect(feed).to_contain_text("Desk 07 — checked in · Dmytro Shevchuk")
    expect(page.locator('[data-figures] [data-figure="head_count"]')).to_have_text("1")
    expect(page.locator('[data-count="occupied"]')).to_have_text("1")
    expect(status).to_have_text("Live")
    assert page.evaluate("window.__sameDocument") is True
    axe_check(page)


def test_a_desk_a_host_adds_appears_on_the_open_plan_and_follows_its_moves(
    page, live_server_url, kramatorsk, axe_check
):
    _host_watches_kramatorsk_live(page, live_server_url, axe_check)
    free = page.locator('[data-count="free"]')
    desks_free = int(free.inner_text())
    page.evaluate("window.__sameDocument = true")

    host = get_user_model().objects.get(username="host")
    desk = resource_create(space=kramatorsk, by=host, kind="desk", name="Desk 99")
    assert desk.on_plan
    spot = _spot(page, kramatorsk, "Desk 99")
    expect(spot).to_have_attribute("data-state", "free", timeout=LIVE_MS)
    expect(spot).to_contain_text("Desk 99")
    expect(spot).to_have_attribute("aria-label", "Desk 99: Free")
    expect(spot.locator("rect")).to_have_attribute("x", str(desk.plan_x))
    expect(free).to_have_text(str(desks_free + 1))
    axe_check(page)

    floor_plan_arrange(space=kramatorsk, by=host, positions={desk.pk: (0, 0)})
    expect(spot.locator("rect")).to_have_attribute("x", "0", timeout=LIVE_MS)
    floor_plan_arrange(space=kramatorsk, by=host, positions={desk.pk: None})
    expect(spot).to_have_count(0, timeout=LIVE_MS)
    assert page.evaluate("window.__sameDocument") is True


def test_with_the_websocket_off_the_dashboard_polls_and_still_updates(
    page, live_server_url, kramatorsk, axe_check
):
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    sign_in(page, live_server_url, "host", axe_check)
    page.goto(f"{live_server_url}/centres/{KRAMATORSK}/live/?transport=poll")
    axe_check(page)
    status, desk = _showing_a_free_desk(page, kramatorsk, "Desk 08", status="Polling")

    with page.expect_response(re.compile(r"/occupancy\.json$"), timeout=LIVE_MS) as polled:
        _book_now_and_check_in(kramatorsk, "Desk 08")
    assert polled.value.status == 200

    expect(desk).to_have_attribute("data-state", "occupied", timeout=LIVE_MS)
    expect(page.get_by_role("log", name="Check-ins and releases")).to_contain_text(
        "Desk 08 — now Occupied"
    )
    expect(status).to_have_text("Polling")
    assert page.evaluate("window.__sameDocument") is True
    assert sockets == [], "a polling page opened a websocket"


def test_room_display_turns_in_use_live_and_goes_dark_when_revoked(
    page, live_server_url, kramatorsk, axe_check
):
    host = kramatorsk.roles.get().user
    token, key = _training_room_door(kramatorsk)
    page.set_viewport_size(TABLET)
    page.goto(f"{live_server_url}/displays/{key}/")
    axe_check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Training room")
    expect(page.locator("[data-live-status]")).to_have_text("Live", timeout=LIVE_MS)
    now_word = page.locator('[data-part="now"]')
    expect(now_word).to_have_text("Free")
    qr = page.get_by_role("img", name="QR code to check in at Training room")
    expect(qr).to_be_visible()
    page.evaluate("window.__sameDocument = true")

    booking = _book_now_and_check_in(kramatorsk, "Training room")

    expect(now_word).to_have_text("In use", timeout=LIVE_MS)
    until = booking.ends_at.astimezone(kramatorsk.zone).strftime("%H:%M")
    expect(page.locator('[data-part="detail"]')).to_have_text(f"Until {until}")
    expect(page.locator('[data-part="current"]')).to_contain_text("Checked in")
    expect(page.locator("main")).not_to_contain_text("Shevchuk")
    axe_check(page)

    display_token_revoke(token=token, host=host)
    expect(page.get_by_role("heading", name="This display is switched off")).to_be_visible(
        timeout=LIVE_MS
    )
    expect(page.locator("[data-live-status]")).to_have_text(
        "This display has been switched off by a host."
    )
    assert page.evaluate("window.__sameDocument") is True
    page.reload()
    axe_check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("This display is switched off")


def test_lobby_display_and_display_management_pass_axe_on_a_phone(
    phone_page, live_server_url, kramatorsk, axe_check
):
    page = phone_page
    sign_in(page, live_server_url, "host", axe_check)
    page.goto(f"{live_server_url}/centres/{KRAMATORSK}/displays/")
    axe_check(page)
    page.get_by_label("Name", exact=True).fill("Lobby screen")
    page.get_by_role("button", name="Create display").click()
    axe_check(page)
    address = page.get_by_test_id("display-url").inner_text()
    assert re.fullmatch(rf"{live_server_url}/displays/[\w-]+/", address), address
    fits_the_screen(page)

    page.goto(address)
    axe_check(page)
    expect(page.locator("[data-live-status]")).to_have_text("Live", timeout=LIVE_MS)
    expect(
        page.get_by_role("group", name="Floor plan of Kramatorsk IT Solution Centre")
    ).to_be_visible()
    fits_the_screen(page)

    page.goto(f"{live_server_url}/centres/{KRAMATORSK}/live/")
    axe_check(page)
    fits_the_screen(page)


def test_network_view_shows_a_check_in_at_a_centre_live(
    page, live_server_url, kramatorsk, axe_check
):
    sign_in(page, live_server_url, "admin", axe_check)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Network").click()
    expect(page).to_have_url(f"{live_server_url}/network/live/")
    axe_check(page)
    expect(page.locator("[data-live-status]")).to_have_text("Live", timeout=LIVE_MS)
    card = page.locator(f'[data-centre="{kramatorsk.pk}"]')
    in_use = card.locator('[data-figure="desks_in_use"]')
    expect(in_use).to_have_text("0")
    expect(page.get_by_role("heading", name="Ukraine (2)")).to_be_visible()

    _book_now_and_check_in(kramatorsk, "Desk 09")

    expect(in_use).to_have_text("1", timeout=LIVE_MS)
    expect(card.locator('[data-figure="head_count"]')).to_have_text("1")
    expect(page.locator('[data-network-totals] [data-figure="head_count"]')).to_have_text("1")
    # The one booking made here, beside the demo's past visits.
    assert Booking.objects.filter(space=kramatorsk, ends_at__gt=timezone.now()).count() == 1


# --- An event's room, and people counted once -------------------------------------------------


def _round_table_now(space: Space, *, attendees: int, title="Round-table on local budgets"):
    """A round-table in the Training room from this quarter hour, with `attendees` checked in
    by the event's QR code and their codes, as their phones do."""
    host = space.roles.get().user
    room = Resource.objects.get(space=space, name="Training room")
    now = timezone.now()
    start, end = _from_this_quarter_hour(space, datetime.timedelta(minutes=90), now)
    event = event_create(
        space=space,
        room=room,
        host=host,
        kind="round_table",
        title=title,
        sessions=[(start, end)],
        capacity=20,
        # People may still sign up at the door while it runs.
        registration_closes_at=end,
        now=now,
    )
    for index in range(attendees):
        came_by_code(event, name=f"Guest {index}", phone=f"+38050777{index:04d}")
    return event


def _check_in_one_more(event) -> None:
    came_by_code(event, name="Late", phone="+380507779999")


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, TABLET], ids=["phone", "desk"])
def test_door_shows_the_event_and_its_head_count_and_the_sweep_never_frees_it(
    page, live_server_url, kramatorsk, axe_check, viewport
):
    event = _round_table_now(kramatorsk, attendees=6)
    session = event.sessions.get()
    _token, key = _training_room_door(kramatorsk)
    page.set_viewport_size(viewport)
    page.goto(f"{live_server_url}/displays/{key}/")
    axe_check(page)
    expect(page.locator("[data-live-status]")).to_have_text("Live", timeout=LIVE_MS)
    expect(page.locator('[data-part="now"]')).to_have_text("In use")
    expect(page.locator('[data-part="event"]')).to_have_text("Round-table on local budgets")
    begins = session.starts_at.astimezone(kramatorsk.zone).strftime("%H:%M")
    ends = session.ends_at.astimezone(kramatorsk.zone).strftime("%H:%M")
    current = page.locator('[data-part="current"]')
    expect(current).to_have_text(f"{begins}–{ends} · In the room: 6")
    fits_the_screen(page)
    page.evaluate("window.__sameDocument = true")

    # A quarter of an hour in, the sweep finds the room in use, not a no-show.
    assert release_no_shows(now=session.starts_at + datetime.timedelta(minutes=16)) == 0
    _check_in_one_more(event)

    expect(current).to_have_text(f"{begins}–{ends} · In the room: 7", timeout=LIVE_MS)
    expect(page.locator('[data-part="now"]')).to_have_text("In use")
    expect(page.locator("main")).not_to_contain_text("Guest")
    expect(page.locator("main")).not_to_contain_text("Free")
    _same_document_passing_axe_and_fitting(page, axe_check)


def test_dashboard_shows_the_event_in_its_room_and_counts_people_on_a_phone(
    phone_page, live_server_url, kramatorsk, axe_check
):
    page = phone_page
    event = _round_table_now(kramatorsk, attendees=2)
    _host_watches_kramatorsk_live(page, live_server_url, axe_check)
    room = Resource.objects.get(space=kramatorsk, name="Training room")
    card = page.locator(f'.live-rooms [data-room="{room.pk}"]')
    expect(card).to_have_attribute("data-state", "occupied")
    expect(card.locator('[data-part="current"]')).to_contain_text(
        "Round-table on local budgets · In the room: 2"
    )
    head_count = page.locator('[data-figures] [data-figure="head_count"]')
    expect(head_count).to_have_text("2")
    fits_the_screen(page)
    page.evaluate("window.__sameDocument = true")

    _check_in_one_more(event)

    expect(card.locator('[data-part="current"]')).to_contain_text(
        "Round-table on local budgets · In the room: 3", timeout=LIVE_MS
    )
    expect(head_count).to_have_text("3")
    expect(card).to_have_attribute("data-state", "occupied")
    _same_document_passing_axe_and_fitting(page, axe_check)


def test_door_in_russian_counts_the_people_of_the_event(
    phone_page, live_server_url, kramatorsk, axe_check
):
    page = phone_page
    _round_table_now(kramatorsk, attendees=4)
    _token, key = _training_room_door(kramatorsk)
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": live_server_url}])
    page.goto(f"{live_server_url}/displays/{key}/")
    axe_check(page)
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("[data-live-status]")).to_have_text("Онлайн", timeout=LIVE_MS)
    expect(page.locator('[data-part="current"]')).to_contain_text("В комнате: 4")
    expect(page.locator('[data-part="event"]')).to_have_text("Round-table on local budgets")
    fits_the_screen(page)


def test_one_person_checked_in_early_and_at_a_second_desk_is_one_person_in_the_centre(
    page, live_server_url, kramatorsk, axe_check
):
    _host_watches_kramatorsk_live(page, live_server_url, axe_check)
    figure = page.locator("[data-figures]")
    head_count = figure.locator('[data-figure="head_count"]')
    expect(head_count).to_have_text("0")
    desk = _spot(page, kramatorsk, "Desk 07")
    expect(desk).to_have_attribute("data-state", "free")

    # Dmytro checks in before his booking starts: he is in from then.
    member = get_user_model().objects.get(username="member")
    now = timezone.now()
    # The next quarter hour: within the 15 minutes before it, check-in is open.
    start = this_quarter_hour(kramatorsk, now) + datetime.timedelta(minutes=15)
    early = booking_create(
        resource=Resource.objects.get(space=kramatorsk, name="Desk 07"),
        member=member,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        now=now,
    )
    booking_check_in(booking=early, acting_user=member, now=timezone.now())

    expect(desk).to_have_attribute("data-state", "occupied", timeout=LIVE_MS)
    expect(head_count).to_have_text("1")
    expect(figure.locator('[data-figure="visits_today"]')).to_have_text("1")

    # The host checks him in at a second desk too: still one person in the centre.
    host = kramatorsk.roles.get().user
    second = _book_now(kramatorsk, "Desk 08", member, acting_user=host)
    booking_check_in(booking=second, acting_user=host)
    expect(_spot(page, kramatorsk, "Desk 08")).to_have_attribute(
        "data-state", "occupied", timeout=LIVE_MS
    )
    expect(figure.locator('[data-figure="visits_today"]')).to_have_text("2")
    expect(head_count).to_have_text("1")
    expect(figure.locator('[data-figure="unique_visitors_today"]')).to_have_text("1")
    axe_check(page)
