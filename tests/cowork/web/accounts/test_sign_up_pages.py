"""Sign-up from the home and sign-in pages: the form, the code, the account; a number that
has an account gets the very same answer; bad input stores nothing."""

import re

import pytest
from django.urls import reverse

from cowork.models import Member, Membership, PhoneCode, PhoneCodeRequest
from notifications.messaging.dispatch import dispatch_due
from notifications.models import Notification
from tests import factories
from tests.sms_fixtures import last_code

SIGN_UP_URL = reverse("accounts:sign-up")
CODE_URL = reverse("accounts:sign-up-code")


@pytest.fixture
def kyiv(db):
    return factories.SpaceFactory(
        name="Kyiv Hub", city="Kyiv", country="UA", time_zone="Europe/Kyiv", languages=["uk"]
    )


def _form(space, **fields) -> dict:
    return {
        "name": "Iryna Bondarenko",
        "phone": "067 111 22 02",
        "language": "uk",
        "centres": [str(space.pk)],
        **fields,
    }


def test_home_and_sign_in_pages_link_to_sign_up(client, db):
    for url in (reverse("home"), reverse("login"), reverse("accounts:sign-in-sms")):
        assert f'href="{SIGN_UP_URL}' in client.get(url).content.decode()


def test_the_phone_hint_shows_the_chosen_centres_country(client, kyiv):
    html = client.get(SIGN_UP_URL, {"centre": kyiv.slug}).content.decode()
    assert "050 123 4567" in html and "+380 50 123 4567" in html
    assert f'value="{kyiv.pk}" checked' in html


def test_a_stranger_signs_up_with_the_code_and_is_signed_in(client, kyiv, locmem_sms):
    asked = client.post(
        SIGN_UP_URL, _form(kyiv, email="iryna@example.org", password="a long pass 42")
    )
    assert asked.status_code == 302 and asked["Location"] == CODE_URL
    dispatch_due()
    (sms,) = locmem_sms
    assert sms.to == "+380671112202"
    page = client.get(CODE_URL).content.decode()
    assert "+38067*****02" in page and "+380671112202" not in page

    done = client.post(CODE_URL, {"code": last_code(locmem_sms)})
    assert done.status_code == 302 and done["Location"] == reverse("home")
    member = Member.objects.get(phone="+380671112202")
    assert client.session["_auth_user_id"] == str(member.user.pk)
    assert member.user.first_name == "Iryna Bondarenko" and member.language == "uk"
    assert member.user.email == "iryna@example.org"
    assert member.user.check_password("a long pass 42")
    assert list(member.memberships.values_list("space", "status")) == [(kyiv.pk, "approved")]
    assert "Welcome! Your account is ready" in client.get(reverse("home")).content.decode()


def test_without_a_password_the_account_signs_in_by_code_only(client, kyiv, locmem_sms):
    client.post(SIGN_UP_URL, _form(kyiv))
    dispatch_due()
    client.post(CODE_URL, {"code": last_code(locmem_sms)})
    assert not Member.objects.get().user.has_usable_password()


def test_a_wrong_code_opens_no_account(client, kyiv, locmem_sms):
    client.post(SIGN_UP_URL, _form(kyiv))
    dispatch_due()
    wrong = f"{(int(last_code(locmem_sms)) + 1) % 1_000_000:06d}"
    page = client.post(CODE_URL, {"code": wrong})
    assert "This code is not right or no longer valid" in page.content.decode()
    assert not Member.objects.exists() and "_auth_user_id" not in client.session


def test_a_used_code_cannot_open_a_second_account(client, kyiv, locmem_sms):
    client.post(SIGN_UP_URL, _form(kyiv))
    dispatch_due()
    code = last_code(locmem_sms)
    client.post(CODE_URL, {"code": code})
    again = factories.SpaceFactory().pk  # a fresh visitor replays the same details and code
    client.logout()
    session = client.session
    session["accounts.sign_up.details"] = {
        "name": "Someone",
        "phone": "+380671112202",
        "language": "en",
        "space_ids": [again],
        "email": "",
        "password_hash": "",
    }
    session.save()
    page = client.post(CODE_URL, {"code": code})
    assert "This code is not right" in page.content.decode()
    assert Member.objects.count() == 1


def _walk(client, form):
    client.cookies.clear()
    asked = client.post(SIGN_UP_URL, form)
    page = client.get(asked["Location"]).content.decode()
    return asked.status_code, asked["Location"], page


def _comparable(walk, phone):
    status, location, html = walk
    masked = phone[:6] + "*" * (len(phone) - 8) + phone[-2:]
    html = re.sub(r'value="[A-Za-z0-9]{64}"', "", html.replace(masked, "…"))
    return status, location, html


def test_a_number_with_an_account_gets_the_same_answer_and_its_owner_is_told(
    client, kyiv, locmem_sms, relay_now
):
    owner = factories.MemberFactory(phone="+380501234567", language="uk")
    stranger = _walk(client, _form(kyiv, phone="067 111 22 02"))
    taken = _walk(client, _form(kyiv, phone="050 123 4567"))
    assert _comparable(stranger, "+380671112202") == _comparable(taken, "+380501234567")
    relay_now()
    dispatch_due()
    to_owner = [sms for sms in locmem_sms if sms.to == owner.phone]
    assert len(to_owner) == 1 and not re.search(r"\b\d{6}\b", to_owner[0].body)
    assert "cowork" in to_owner[0].body
    # No code the owner could be asked to read out opens anything.
    assert not PhoneCode.objects.filter(phone=owner.phone, sent=True).exists()
    assert Member.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"name": "Iryna\x07"}, "control characters"),
        ({"name": "Iryna\u202eoknadnob"}, "control characters"),
        ({"name": "I" * 151}, "at most 150 characters"),
        ({"name": "I" * 10_000}, "at most"),
        ({"name": ""}, "This field is required"),
        ({"phone": "03112 34567"}, "is a landline"),
        ({"phone": "0900 212 345"}, "cannot receive SMS"),
        ({"phone": "+994 40 123 45 67"}, "accepts phone numbers from Ukraine only"),
        ({"phone": "hello"}, "is not a valid phone number"),
        ({"centres": []}, "This field is required"),
        ({"centres": ["999999"]}, "Select a valid choice"),
        ({"language": "xx"}, "Select a valid choice"),
        ({"email": "not-an-address"}, "Enter a valid email address"),
        ({"password": "123"}, "This password is too short"),
    ],
)
def test_bad_input_gets_a_clear_error_and_stores_nothing(client, kyiv, locmem_sms, fields, error):
    page = client.post(SIGN_UP_URL, _form(kyiv, **fields))
    assert page.status_code == 400
    assert error in page.content.decode()
    assert not PhoneCodeRequest.objects.exists() and not Notification.objects.exists()
    assert "accounts.sign_up.details" not in client.session


def test_an_email_already_used_is_refused(client, kyiv, locmem_sms):
    factories.UserFactory(email="Iryna@Example.org")
    page = client.post(SIGN_UP_URL, _form(kyiv, email="iryna@example.org"))
    assert "This e-mail address is used by another account" in page.content.decode()
    assert not PhoneCodeRequest.objects.exists()


def test_an_oversized_post_is_refused_and_stores_nothing(client, kyiv, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    page = client.post(SIGN_UP_URL, _form(kyiv, name="I" * 20_000))
    assert page.status_code == 413
    assert not PhoneCodeRequest.objects.exists()


def test_every_chosen_centre_must_accept_the_number(client, kyiv, locmem_sms):
    baku = factories.SpaceFactory(country="AZ")
    page = client.post(SIGN_UP_URL, _form(kyiv, centres=[str(kyiv.pk), str(baku.pk)]))
    assert "accepts phone numbers from Azerbaijan only" in page.content.decode()
    assert not PhoneCodeRequest.objects.exists()


def test_sign_up_shares_the_limits_of_codes(client, kyiv, locmem_sms, settings):
    settings.SMS_SIGNIN_IP_HOURLY_LIMIT = 2
    for n in range(2):
        client.post(SIGN_UP_URL, _form(kyiv, phone=f"067 111 22 1{n}"))
    page = client.post(SIGN_UP_URL, _form(kyiv))
    assert page.status_code == 429
    assert "Too many codes were asked for from this network" in page.content.decode()


def test_a_centre_that_asks_for_approval_keeps_the_newcomer_waiting(client, kyiv, locmem_sms):
    kyiv.members_need_approval = True
    kyiv.save()
    client.post(SIGN_UP_URL, _form(kyiv))
    dispatch_due()
    client.post(CODE_URL, {"code": last_code(locmem_sms)})
    membership = Membership.objects.get()
    assert membership.status == Membership.Status.PENDING
    page = client.get(reverse("home")).content.decode()
    assert "will tell you by SMS once a host has approved you" in page
