"""The host's inbox in a real browser: on a phone in Ukrainian and on a desktop in English,
the header's count leads to everything waiting, decided with plain forms, axe-clean, and
no wider than the phone."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from cowork.models import Booking, BookingStatus, Membership, Resource, Space
from cowork.selectors.inbox import host_inbox_summary
from cowork.services.accounts.sign_up import membership_join
from cowork.services.booking import booking_create
from cowork.services.events import registration_create
from tests import factories
from tests.browser.conftest import fits_the_screen, open_menu, sign_in

KRAMATORSK = "kramatorsk-it"


@pytest.fixture
def waiting(demo_centres) -> dict:
    """A room request for next month, a registration held for approval and a person asking
    to join, all at Kramatorsk; and how much waits for its host in all."""
    demo_centres(KRAMATORSK)
    space = Space.objects.get(slug=KRAMATORSK)
    User = get_user_model()
    host, member = User.objects.get(username="host"), User.objects.get(username="member")
    hall = factories.RoomFactory(space=space, name="Велика зала", needs_approval=True)
    day = timezone.now().astimezone(space.zone).date() + datetime.timedelta(days=30)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    starts_at = datetime.datetime.combine(day, datetime.time(14), tzinfo=space.zone)
    booking = booking_create(
        resource=hall,
        member=member,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        purpose="Youth council",
    )
    event = factories.EventFactory(
        room=Resource.objects.filter(space=space, kind=Resource.Kind.ROOM).first(),
        title="Grant writing",
        registrations_need_approval=True,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        ends_at=timezone.now() + datetime.timedelta(days=3, hours=2),
    )
    registration_create(event=event, name="Iryna Melnyk", phone="+380671112299", language="uk")
    joining = factories.MemberFactory(
        user__first_name="Taras", user__last_name="Bondar", phone="+380671112298"
    )
    space.members_need_approval = True
    space.save(update_fields=["members_need_approval"])
    with transaction.atomic():
        membership = membership_join(member=joining, space=space, now=timezone.now())
    total = host_inbox_summary(user=host, now=timezone.now()).waiting
    assert total >= 3
    return {"booking": booking, "membership": membership, "total": total}


def test_a_host_declines_a_request_for_next_month_from_a_phone_in_ukrainian(
    phone_page, live_server_url, waiting, axe_check
):
    page = phone_page
    sign_in(page, live_server_url, "host", axe_check)
    open_menu(page)
    page.get_by_label("Language").select_option("uk")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state()
    axe_check(page)
    total = waiting["total"]
    link = page.get_by_role("link", name=f"Чекає на вас {total}")
    expect(link).to_be_visible()
    link.click()
    axe_check(page)
    fits_the_screen(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Чекає на вас")
    request = page.locator(f"#booking-{waiting['booking'].pk}")
    expect(request).to_contain_text("Велика зала")
    expect(request).to_contain_text("Youth council")
    request.get_by_role("textbox").fill("Зала на ремонті")
    request.get_by_role("button", name="Відхилити").click()
    page.wait_for_load_state()
    axe_check(page)
    fits_the_screen(page)
    expect(page.locator(".messages")).to_contain_text("Велика зала")
    expect(page.get_by_role("link", name=f"Чекає на вас {total - 1}")).to_be_visible()
    booking = Booking.objects.get(pk=waiting["booking"].pk)
    assert booking.status == BookingStatus.DECLINED and booking.reason == "Зала на ремонті"


def test_a_host_approves_a_person_and_a_registration_on_a_desktop_in_english(
    page, live_server_url, waiting, axe_check
):
    sign_in(page, live_server_url, "host", axe_check)
    page.get_by_role("link", name=f"Waiting for you {waiting['total']}").click()
    axe_check(page)
    person = page.locator(f"#membership-{waiting['membership'].pk}")
    person.get_by_role("button", name=re.compile(r"^Approve\W+Taras Bondar")).click()
    page.wait_for_load_state()
    axe_check(page)
    expect(page.get_by_role("status")).to_contain_text("Taras Bondar is approved and told by SMS.")
    registration = page.locator(".inbox-item", has_text="Iryna Melnyk")
    registration.get_by_role("button", name=re.compile(r"^Approve\W+Grant writing")).click()
    page.wait_for_load_state()
    axe_check(page)
    expect(page.get_by_role("status")).to_contain_text(
        "Iryna Melnyk is approved for Grant writing: Confirmed."
    )
    membership = Membership.objects.get(pk=waiting["membership"].pk)
    assert membership.status == Membership.Status.APPROVED
    expect(page.get_by_role("link", name=f"Waiting for you {waiting['total'] - 2}")).to_be_visible()
