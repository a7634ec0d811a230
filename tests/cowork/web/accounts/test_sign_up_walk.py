"""The walk a stranger takes on the demo network: sign up at a centre with a national-format
number, with the code the console SMS backend prints, book a desk, and get the booking's
confirmation on the number they typed, read in the centre's country."""

import re

import pytest
from django.urls import reverse

from cowork.models import Booking, Resource, Space
from notifications.messaging.dispatch import dispatch_due
from tests.factories import next_weekday


@pytest.fixture
def console_sms(settings):
    settings.SMS_BACKEND = "notifications.sms.backends.console.ConsoleBackend"


def _printed_sms(capsys) -> list[tuple[str, str]]:
    """(to, text) of each SMS the console backend printed since the last call."""
    out = capsys.readouterr().out
    return re.findall(r"^To:\s+(\+\d+)$.*?\n\n(.*?)(?:\n-{10}|\Z)", out, re.M | re.S)


@pytest.mark.parametrize(
    ("city", "typed", "e164", "language"),
    [
        ("Kramatorsk", "067 111 22 02", "+380671112202", "uk"),
        ("Kokand", "91 234 56 78", "+998912345678", "uz"),
    ],
)
def test_a_stranger_signs_up_at_a_centre_books_a_desk_and_is_texted_at_home(
    client, demo, console_sms, relay_now, capsys, city, typed, e164, language
):
    space = Space.objects.get(city=city)
    form = client.get(reverse("accounts:sign-up"), {"centre": space.slug}).content.decode()
    assert f'value="{space.pk}" checked' in form

    asked = client.post(
        reverse("accounts:sign-up"),
        {"name": "Stranger", "phone": typed, "language": language, "centres": [space.pk]},
    )
    assert asked.status_code == 302
    dispatch_due()
    ((to, text),) = _printed_sms(capsys)
    assert to == e164
    code = re.search(r"\b(\d{6})\b", text).group(1)
    signed_up = client.post(asked["Location"], {"code": code})
    assert signed_up.status_code == 302

    desk = Resource.objects.filter(space=space, kind=Resource.Kind.DESK).order_by("name").first()
    day = next_weekday(space, weekday=1).date()
    booked = client.post(
        reverse("web:booking-confirm", args=[space.slug, desk.pk]),
        {"date": day.isoformat(), "start": "10:00", "end": "12:00"},
    )
    assert booked.status_code == 302
    booking = Booking.objects.get(booked_by__member__phone=e164)
    relay_now()
    dispatch_due()
    printed = _printed_sms(capsys)
    assert [to for to, _text in printed] == [e164]
    # The desk by its name in the person's language, in one script: "Стіл 01", not "Desk 01".
    assert desk.name_in(language) in printed[0][1] and booking.resource == desk
    if language != "en":
        assert desk.name not in printed[0][1]
