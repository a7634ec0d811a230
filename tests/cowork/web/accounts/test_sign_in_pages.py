"""Sign-in by SMS code, the pages: phone, then code, then signed in; a stranger's number
sees the same pages; `next` is followed only within the site."""

import re

import pytest
from django.urls import reverse

from cowork.models import PhoneCode, PhoneCodeRequest
from notifications.messaging.dispatch import dispatch_due
from notifications.models import Notification

PHONE = "+994501112233"
STRANGER = "+994557654321"
PHONE_URL = reverse("accounts:sign-in-sms")
CODE_URL = reverse("accounts:sign-in-sms-code")


def _code(outbox) -> str:
    (sms,) = outbox
    return re.search(r"\b(\d{6})\b", sms.body).group(1)


def _signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_the_login_page_offers_a_code_by_sms_and_keeps_next(client, db):
    page = client.get(reverse("login"), {"next": "/my/bookings/"})
    html = page.content.decode()
    assert f'href="{PHONE_URL}?next=/my/bookings/">Sign in with a code by SMS</a>' in html


def test_a_member_signs_in_with_the_code_from_the_sms_and_goes_to_next(
    client, sms_member, locmem_sms
):
    page = client.get(PHONE_URL, {"next": "/my/bookings/"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="tel"' in html and 'autocomplete="tel"' in html
    assert '<label for="id_phone">' in html

    asked = client.post(PHONE_URL, {"phone": "+994 50 111 22 33", "next": "/my/bookings/"})
    assert asked.status_code == 302
    assert asked["Location"] == f"{CODE_URL}?next=%2Fmy%2Fbookings%2F"
    dispatch_due()
    code = _code(locmem_sms)

    form = client.get(asked["Location"])
    html = form.content.decode()
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert '<label for="id_code">' in html
    assert PHONE not in html  # shown masked
    assert _signed_in_as(client) is None

    done = client.post(CODE_URL, {"code": f"{code[:3]} {code[3:]}", "next": "/my/bookings/"})
    assert done.status_code == 302 and done["Location"] == "/my/bookings/"
    assert _signed_in_as(client) == str(sms_member.pk)
    assert "accounts.sign_in.phone" not in client.session


def test_a_strangers_number_gets_the_same_pages_and_no_sms(client, sms_member, locmem_sms):
    def walk(phone):
        client.cookies.clear()
        asked = client.post(PHONE_URL, {"phone": phone})
        form = client.get(asked["Location"])
        masked = phone[:6] + "*" * (len(phone) - 8) + phone[-2:]
        return asked.status_code, asked["Location"], form.content.decode().replace(masked, "…")

    member_walk = walk(PHONE)
    stranger_walk = walk(STRANGER)
    assert _strip_csrf(member_walk) == _strip_csrf(stranger_walk)
    dispatch_due()
    assert [sms.to for sms in locmem_sms] == [PHONE]


def _strip_csrf(walk):
    status, location, html = walk
    return status, location, re.sub(r'value="[A-Za-z0-9]{64}"', "", html)


def test_text_that_is_not_a_phone_gets_a_form_error(client, db):
    page = client.post(PHONE_URL, {"phone": "hello"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "is not a phone number" in html
    assert 'aria-invalid="true"' in html and "id_phone_error" in html
    assert not PhoneCodeRequest.objects.exists()


def test_a_wrong_code_is_refused_and_nobody_is_signed_in(client, sms_member, locmem_sms):
    client.post(PHONE_URL, {"phone": PHONE})
    dispatch_due()
    code = _code(locmem_sms)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    page = client.post(CODE_URL, {"code": wrong})
    assert page.status_code == 200
    assert "This code is not right or no longer valid" in page.content.decode()
    assert _signed_in_as(client) is None


def test_a_code_that_is_not_six_digits_is_refused_without_spending_a_try(
    client, sms_member, locmem_sms
):
    client.post(PHONE_URL, {"phone": PHONE})
    page = client.post(CODE_URL, {"code": "12345"})
    assert "Type the 6 digits" in page.content.decode()
    assert PhoneCode.objects.get().attempts == 0


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_a_next_outside_the_site_is_ignored(client, sms_member, locmem_sms, next_url):
    asked = client.post(PHONE_URL, {"phone": PHONE, "next": next_url})
    assert asked["Location"] == CODE_URL
    dispatch_due()
    done = client.post(CODE_URL, {"code": _code(locmem_sms), "next": next_url})
    assert done.status_code == 302 and done["Location"] == reverse("home")
    assert _signed_in_as(client) == str(sms_member.pk)


def test_the_code_page_without_a_phone_sends_back_to_the_phone_page(client, db):
    page = client.get(CODE_URL, {"next": "/my/bookings/"})
    assert page.status_code == 302
    assert page["Location"] == f"{PHONE_URL}?next=%2Fmy%2Fbookings%2F"


def test_too_many_asks_from_one_address_are_told_to_wait(client, db, settings):
    settings.SMS_SIGNIN_IP_HOURLY_LIMIT = 2
    for n in range(2):
        client.post(PHONE_URL, {"phone": f"+99450{7000000 + n}"})
    page = client.post(PHONE_URL, {"phone": STRANGER})
    assert page.status_code == 429
    assert "Too many codes were asked for from this network" in page.content.decode()
    assert "accounts.sign_in.phone" in client.session  # from the asks before
    assert Notification.objects.count() == 0


def test_a_signed_in_member_is_sent_on_from_the_phone_page(client, sms_member):
    client.force_login(sms_member)
    page = client.get(PHONE_URL, {"next": "/my/bookings/"})
    assert page.status_code == 302 and page["Location"] == "/my/bookings/"
