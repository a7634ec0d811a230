"""A repeated booking and the search's dates in a real browser, at desktop and phone size,
in English and in Ukrainian or Russian: every date shown before anything is booked, the
skipped ones named with their reason, and no day offered that cannot be booked."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from cowork.dates import local_weekday
from cowork.management.commands.seed_demo import DEMO_PASSWORDS
from cowork.models import ACTIVE_STATUSES, Booking, Closure, Event, Resource, Series
from cowork.services.booking import booking_create
from tests import factories
from tests.browser.conftest import gettext_in as _t

KRAMATORSK = "kramatorsk-it"
PASSWORD = "a-long-pass-phrase-for-tests"


@pytest.fixture
def newcomer(kramatorsk):
    """Someone who signed up today: no bookings anywhere yet."""
    member = factories.MemberFactory(
        user__username="oksana", user__first_name="Oksana", phone="+380501119988", language="en"
    )
    member.user.set_password(PASSWORD)
    member.user.save()
    return member.user


@pytest.fixture
def friday(kramatorsk) -> datetime.date:
    day = timezone.now().astimezone(kramatorsk.zone).date() + datetime.timedelta(days=2)
    while day.weekday() != 4:
        day += datetime.timedelta(days=1)
    return day


def _closed(space, day: datetime.date) -> bool:
    return space.closures.filter(starts_on__lte=day, ends_on__gte=day).exists()


@pytest.fixture
def two_fridays_lost(kramatorsk, friday) -> dict[str, int | set[int]]:
    """The centre closes on the third Friday; someone holds the room 11:00–12:00 on the
    first Friday from the fifth on that a public holiday of the demo does not close.

    Returns the weeks (0 the first Friday) that cannot be booked over eight Fridays, and
    which of them is taken: the demo's holidays (New Year's Day in some years) count too.
    """
    closed = friday + datetime.timedelta(weeks=2)
    Closure.objects.create(
        space=kramatorsk,
        starts_on=closed,
        ends_on=closed,
        reason="Staff day",
        translations={"uk": {"reason": "Санітарний день"}},
    )
    taken_week = next(
        w for w in range(4, 8) if not _closed(kramatorsk, friday + datetime.timedelta(weeks=w))
    )
    taken = friday + datetime.timedelta(weeks=taken_week)
    booking_create(
        resource=Resource.objects.get(space=kramatorsk, name="Training room"),
        member=kramatorsk.roles.get().user,
        starts_at=datetime.datetime.combine(taken, datetime.time(11), tzinfo=kramatorsk.zone),
        ends_at=datetime.datetime.combine(taken, datetime.time(12), tzinfo=kramatorsk.zone),
    )
    lost = {
        week
        for week in range(8)
        if week == taken_week or _closed(kramatorsk, friday + datetime.timedelta(weeks=week))
    }
    return {"lost": lost, "taken": taken_week}


def _sign_in(page: Page, base: str, language: str = "en") -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    # By the fields' names: the labels are in whatever language the page speaks.
    # A fresh server's first answer imports the views and templates: slower than a step.
    page.goto(f"{base}/login/?next=/centres/{KRAMATORSK}/book/", timeout=30_000)
    page.locator("input[name=username]").fill("oksana")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


def _fits(page: Page, width: int) -> None:
    scroll, client = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client <= width


def _tn(language: str, singular: str, plural: str, count: int, **values) -> str:
    with translation.override(language):
        return translation.ngettext(singular, plural, count) % {"counter": count, **values}


@pytest.mark.parametrize(
    ("fixture", "language"), [("page", "en"), ("phone_page", "uk")], ids=["desktop-en", "phone-uk"]
)
def test_a_newcomer_books_the_training_room_every_friday_for_two_months(
    request,
    live_server_url,
    kramatorsk,
    newcomer,
    friday,
    two_fridays_lost,
    axe_check,
    fixture,
    language,
):
    """The journey a new member makes without reading anything: the search, the room,
    every Friday until a date two months on, the dates shown with the skipped ones and
    why, the free ones booked, and one notice for the lot, in the member's language."""
    page = request.getfixturevalue(fixture)
    room = Resource.objects.get(space=kramatorsk, name="Training room")
    name = room.name_in(language)
    _sign_in(page, live_server_url, language)
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        _t(language, "Book at %(name)s", name=kramatorsk.name_in(language))
    )
    axe_check(page)
    _fits(page, page.viewport_size["width"])
    page.get_by_label(_t(language, "Date"), exact=True).fill(friday.isoformat())
    page.get_by_label(_t(language, "From"), exact=True).select_option("10:00")
    page.get_by_label(_t(language, "Until"), exact=True).select_option("12:00")
    page.get_by_label(_t(language, "What"), exact=True).select_option("room")
    page.get_by_role("button", name=_t(language, "Show free places")).click()
    axe_check(page)
    page.get_by_role("link", name=_t(language, "Choose %(name)s", name=name)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        _t(language, "Book %(name)s", name=name)
    )
    axe_check(page)
    _fits(page, page.viewport_size["width"])

    page.get_by_label(_t(language, "Repeat"), exact=True).select_option("weekly")
    page.get_by_label(_t(language, "On a date"), exact=True).check()
    page.get_by_label(_t(language, "Last date"), exact=True).fill(
        (friday + datetime.timedelta(weeks=7)).isoformat()
    )
    page.get_by_role("button", name=_t(language, "Confirm booking")).click()

    lost, taken_week = two_fridays_lost["lost"], two_fridays_lost["taken"]
    free = 8 - len(lost)
    preview = page.get_by_role("region", name=_t(language, "The dates"))
    expect(preview.get_by_role("listitem")).to_have_count(8)
    expect(preview.get_by_role("status")).to_have_text(
        _t(language, "Free: %(free)s. Cannot be booked: %(refused)s.", free=free, refused=len(lost))
    )
    items = preview.get_by_role("listitem")
    staff_day = {"en": "Staff day", "uk": "Санітарний день"}[language]
    expect(items.nth(2)).to_contain_text(
        _t(language, "The centre is closed on that day: %(reason)s.", reason=staff_day)
    )
    # "Навчальна зала зайнята з …": the room by its name in the reader's language.
    taken = _t(
        language,
        "%(resource)s is taken from %(start)s to %(end)s.",
        resource=name,
        start="\x00",
        end="\x00",
    )
    expect(items.nth(taken_week)).to_contain_text(taken.split("\x00")[0].strip())
    expect(preview.locator(".occurrence-refused")).to_have_count(len(lost))
    # Every skipped date says why in the reader's language: no reason left in English.
    if language != "en":
        for week in lost:
            expect(items.nth(week).locator(".why")).not_to_contain_text("Training room")
            expect(items.nth(week).locator(".why")).not_to_contain_text("New Year")
    assert not Booking.objects.filter(booked_by=newcomer).exists()
    axe_check(page)
    _fits(page, page.viewport_size["width"])

    page.get_by_role(
        "button",
        name=_tn(
            language,
            "Book the %(counter)s free date",
            "Book the %(counter)s free dates",
            free,
        ),
    ).click()
    expect(page).to_have_url(re.compile(rf"^{live_server_url}/bookings/#booking-\d+$"))
    axe_check(page)
    _fits(page, page.viewport_size["width"])
    notices = page.locator(".messages")
    expect(notices).to_contain_text(
        _t(
            language,
            "%(resource)s, %(weekday)s %(start)s–%(end)s, %(repeat)s: "
            "dates booked: %(booked)d, skipped: %(skipped)d.",
            resource=name,
            weekday=_weekday(friday, language),
            start="10:00",
            end="12:00",
            repeat=_t(language, "every week"),
            booked=free,
            skipped=len(lost),
        )
    )
    expect(notices.locator(".skipped li")).to_have_count(len(lost))
    expect(notices).to_contain_text(staff_day)
    series = Series.objects.get(booked_by=newcomer)
    assert series.bookings.count() == free


def _weekday(day: datetime.date, language: str) -> str:
    """The weekday as the notice names it (`local_weekday`): CLDR's standalone wide name."""
    with translation.override(language):
        return local_weekday(
            datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC),
            datetime.UTC,
        )


def test_a_repeated_booking_on_a_phone_in_ukrainian(
    phone_page, live_server_url, kramatorsk, newcomer, friday, two_fridays_lost, axe_check
):
    page = phone_page
    _sign_in(page, live_server_url, "uk")
    room = Resource.objects.get(space=kramatorsk, name="Training room")
    page.goto(
        f"{live_server_url}/centres/{KRAMATORSK}/book/{room.pk}/"
        f"?date={friday.isoformat()}&start=10:00&end=12:00"
    )
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    axe_check(page)
    _fits(page, 390)
    page.get_by_label("Повторювати", exact=True).select_option("fortnightly")
    page.get_by_label("Після кількості повторень", exact=True).check()
    page.get_by_label("Кількість повторень", exact=True).fill("4")
    page.locator("main form button[type=submit]").first.click()

    # Every other Friday: weeks 0, 2, 4 and 6; the third Friday is closed.
    lost = {week for week in two_fridays_lost["lost"] if week % 2 == 0}
    free = 4 - len(lost)
    preview = page.get_by_role("region", name="Дати")
    expect(preview.get_by_role("listitem")).to_have_count(4)
    expect(preview.get_by_role("status")).to_have_text(
        f"Вільно: {free}. Не можна забронювати: {len(lost)}."
    )
    expect(preview.get_by_role("listitem").nth(1)).to_contain_text("Цього дня центр зачинено")
    axe_check(page)
    _fits(page, 390)
    page.locator("button[name=step][value=book]").click()
    expect(page).to_have_url(re.compile(rf"^{live_server_url}/bookings/#booking-\d+$"))
    expect(page.locator(".messages")).to_contain_text("раз на два тижні")
    expect(page.locator(".messages")).to_contain_text(
        f"заброньовано дат: {free}, пропущено: {len(lost)}."
    )
    axe_check(page)
    _fits(page, 390)


@pytest.mark.parametrize(
    ("fixture", "language", "days", "reason"),
    [
        ("page", "en", -2, "That day has passed. Choose today or a later day."),
        ("phone_page", "ru", 75, "Бронировать можно на 60 дн. вперёд"),
    ],
    ids=["desktop-en-past", "phone-ru-too-far"],
)
def test_the_search_offers_only_days_that_can_be_booked_and_says_why(
    request, live_server_url, kramatorsk, axe_check, fixture, language, days, reason
):
    page = request.getfixturevalue(fixture)
    base = f"{live_server_url}/centres/{KRAMATORSK}/book/"
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server_url}]
    )
    page.goto(base)
    axe_check(page)
    today = timezone.now().astimezone(kramatorsk.zone).date()
    last = (timezone.now() + datetime.timedelta(days=60)).astimezone(kramatorsk.zone).date()
    date_input = page.locator("input[name=date]")
    expect(date_input).to_have_attribute("min", today.isoformat())
    expect(date_input).to_have_attribute("max", last.isoformat())

    day = today + datetime.timedelta(days=days)
    page.goto(f"{base}?date={day.isoformat()}&start=10:00&end=12:00&kind=desk")
    axe_check(page)
    expect(page.locator(".field-error")).to_contain_text(reason)
    expect(page.locator(".spot-free")).to_have_count(0)
    expect(page.locator(".free-card")).to_have_count(0)
    if fixture == "phone_page":
        _fits(page, 390)


@pytest.mark.parametrize(
    ("fixture", "language"), [("page", "en"), ("phone_page", "ru")], ids=["desktop-en", "phone-ru"]
)
def test_a_host_s_weekly_course_names_every_taken_session_and_can_skip_them(
    request, live_server_url, kramatorsk, friday, axe_check, fixture, language
):
    page = request.getfixturevalue(fixture)
    room = Resource.objects.get(space=kramatorsk, name="Training room")
    host = kramatorsk.roles.get().user
    someone = factories.MemberFactory().user
    open_weeks = [
        w for w in range(1, 5) if not _closed(kramatorsk, friday + datetime.timedelta(weeks=w))
    ]
    for weeks in open_weeks[:2]:
        day = friday + datetime.timedelta(weeks=weeks)
        booking_create(
            resource=room,
            member=someone,
            acting_user=host,
            starts_at=datetime.datetime.combine(day, datetime.time(10), tzinfo=kramatorsk.zone),
            ends_at=datetime.datetime.combine(day, datetime.time(11), tzinfo=kramatorsk.zone),
        )
    lost = _lost_weeks(kramatorsk, room, friday, weeks=5)
    assert set(open_weeks[:2]) <= lost

    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server_url}]
    )
    # A fresh server's first answer imports the views and templates: slower than a step.
    page.goto(f"{live_server_url}/login/?next=/centres/{KRAMATORSK}/events/new/", timeout=30_000)
    page.locator("input[name=username]").fill("host")
    page.locator("input[name=password]").fill(DEMO_PASSWORDS["host"])
    page.locator("main form button[type=submit]").click()
    expect(page.locator("input[name=title]")).to_be_visible()
    axe_check(page)
    page.locator("select[name=kind]").select_option("course")
    page.locator("input[name=title]").fill("Web design course")
    page.locator(f"input[name=room][value='{room.pk}']").check()
    page.locator("input[name=date]").fill(friday.isoformat())
    page.locator("select[name=start]").select_option("10:00")
    page.locator("select[name=end]").select_option("12:00")
    page.locator("input[name=schedule][value=weekly]").check()
    page.locator("input[name=weekdays][value='4']").check()
    page.locator("input[name=weeks]").fill("5")
    page.locator("input[name=capacity]").fill("20")
    page.locator("main form button.primary").click()

    errors = page.locator(".form-errors p")
    expect(errors).to_have_count(1 + len(lost))
    heading = {
        "en": f"{len(lost)} of 5 sessions cannot be held in Training room:",
        "ru": f"{len(lost)} из 5 занятий нельзя провести в помещении «Учебный зал»:",
    }[language]
    expect(errors.nth(0)).to_contain_text(heading)
    assert not Event.objects.filter(title="Web design course").exists()
    axe_check(page)
    if fixture == "phone_page":
        _fits(page, 390)

    page.locator("input[name=skip_refused_sessions]").check()
    page.locator("main form button.primary").click()
    expect(page.locator(".form-errors")).to_have_count(0)
    axe_check(page)
    event = Event.objects.get(title="Web design course")
    assert event.sessions.count() == 5 - len(lost)
    notice = {
        "en": f"The event is created with {5 - len(lost)} of 5 sessions; the others are skipped.",
        "ru": f"Мероприятие создано: {5 - len(lost)} из 5 занятий, остальные пропущены.",
    }[language]
    expect(page.get_by_text(notice)).to_be_visible()


def _lost_weeks(space, room, friday, *, weeks: int) -> set[int]:
    """The Fridays 10:00–12:00 the room cannot have: a closure, or a booking in the way
    (with the room's buffer after it)."""
    lost = set()
    buffer = datetime.timedelta(minutes=space.room_buffer_minutes)
    for week in range(weeks):
        day = friday + datetime.timedelta(weeks=week)
        start = datetime.datetime.combine(day, datetime.time(10), tzinfo=space.zone)
        end = datetime.datetime.combine(day, datetime.time(12), tzinfo=space.zone)
        closed = _closed(space, day)
        taken = Booking.objects.filter(
            resource=room,
            status__in=ACTIVE_STATUSES,
            starts_at__lt=end + buffer,
            blocked_until__gt=start,
        ).exists()
        if closed or taken:
            lost.add(week)
    return lost
