"""The waitlist of a room in a real browser: a new member finds the room taken, joins its
waitlist from the search, and when the booking is cancelled is offered it by SMS and on My
bookings, and books it with the offer's one button — on a
phone in Russian and a desktop in English, axe-clean."""

import datetime
import threading

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import expect

from cowork import outbox
from cowork.models import Booking, Resource, ResourceWait, Space, WaitStatus
from cowork.services.booking import booking_cancel, booking_create
from notifications.models import Notification
from tests import factories
from tests.browser.conftest import fits_the_screen
from tests.browser.conftest import gettext_in as _t

KRAMATORSK = "kramatorsk-it"
PASSWORD = "correct horse battery staple"
TEXTS = {
    "en": {"line": "Number 1 in line", "free": "Free for you now"},
    "ru": {"line": "1-й в очереди", "free": "Сейчас свободно для вас"},
}


def _in_a_thread(work) -> None:
    failures = []

    def run():
        try:
            work()
        except Exception as error:  # handed back to the test below
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


@pytest.mark.parametrize(
    ("size", "language"), [("phone_page", "ru"), ("page", "en")], ids=["phone-ru", "desktop-en"]
)
def test_a_new_member_waits_for_a_taken_room_and_books_it_when_it_frees(
    request, live_server_url, demo_centres, axe_check, language, size
):
    demo_centres(KRAMATORSK)
    space = Space.objects.get(slug=KRAMATORSK)
    room = Resource.objects.get(space=space, name="Training room")
    day = factories.weekday_ahead(space)
    at = lambda hour: datetime.datetime.combine(day, datetime.time(hour), tzinfo=space.zone)  # noqa: E731
    holder = space.roles.get().user
    held = []
    _in_a_thread(
        lambda: held.append(
            booking_create(resource=room, member=holder, starts_at=at(10), ends_at=at(12))
        )
    )
    (taken,) = held
    newcomer = factories.MemberFactory(
        user__username="olena", user__first_name="Olena", phone="+380501112233", language=language
    ).user

    page = request.getfixturevalue(size)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server_url}]
    )
    # A fresh server's first answer imports the views and templates: slower than a step.
    page.goto(f"{live_server_url}/login/", timeout=30_000)
    page.locator("input[name=username]").fill("olena")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)

    page.goto(
        f"{live_server_url}/centres/{KRAMATORSK}/book/"
        f"?date={day.isoformat()}&start=10%3A00&end=11%3A00&kind=room"
    )
    axe_check(page)
    fits_the_screen(page)
    page.locator(f"a[href^='/centres/{KRAMATORSK}/wait/']").click()
    axe_check(page)
    fits_the_screen(page)
    page.locator("select[name=resource]").select_option(label=room.name_in(language))
    expect(page.locator("select[name=start]")).to_have_value("10:00")
    page.locator("main form button[type=submit]").click()

    wait = ResourceWait.objects.get(member=newcomer)
    card = page.locator(f"#wait-{wait.pk}")
    expect(card).to_contain_text(TEXTS[language]["line"])
    axe_check(page)
    fits_the_screen(page)

    # The holder cancels; the task lane offers the room and texts the newcomer. Off this
    # thread, whose event loop is Playwright's: the live lane's publisher needs its own.
    _in_a_thread(lambda: booking_cancel(booking=taken, acting_user=holder))
    _in_a_thread(outbox.relay_pending)
    (sms,) = Notification.objects.filter(kind="wait_offer", phone="+380501112233")

    # The offer reaches them twice: the SMS queued for their phone, and My bookings, whose
    # button opens the page the SMS links to.
    page.reload()
    expect(card).to_contain_text(TEXTS[language]["free"])
    axe_check(page)
    offer_page = reverse("web:wait-offer", args=[sms.wait_offer.link_key()])
    expect(card.locator("a.button")).to_have_attribute("href", offer_page)
    card.locator("a.button").click()
    expect(page).to_have_url(live_server_url + offer_page)
    axe_check(page)
    fits_the_screen(page)
    page.locator("button[name=answer][value=accept]").click()
    booked = _t(language, "%(resource)s is booked.") % {"resource": room.name_in(language)}
    expect(page.locator("body")).to_contain_text(booked)
    axe_check(page)
    fits_the_screen(page)

    booking = Booking.objects.get(booked_by=newcomer)
    assert (booking.resource, booking.starts_at, booking.ends_at) == (room, at(10), at(11))
    wait.refresh_from_db()
    assert wait.status == WaitStatus.BOOKED
