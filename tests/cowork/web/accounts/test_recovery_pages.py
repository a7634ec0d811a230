"""Recovery: a new password by e-mail or by a code by SMS; both answer alike whether or not
an account matches, and a code works once, for its purpose only."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from cowork.models import PhoneCodeRequest
from cowork.services.accounts.sign_in import sign_in_code_request
from notifications.messaging.dispatch import dispatch_due
from tests import factories
from tests.sms_fixtures import last_code

RESET_URL = reverse("accounts:password-reset")
SMS_URL = reverse("accounts:password-reset-sms")
SMS_CODE_URL = reverse("accounts:password-reset-sms-code")
PHONE = "+994501112233"
NEW = "a brand new passphrase"


@pytest.fixture
def member(db):
    return factories.MemberFactory(phone=PHONE, user__email="leyla@example.org").user


def test_the_pages_exist_and_the_login_page_links_them(client, db):
    assert client.get(RESET_URL).status_code == 200
    assert f'href="{RESET_URL}"' in client.get(reverse("login")).content.decode()
    assert f'href="{SMS_URL}"' in client.get(RESET_URL).content.decode()


def test_a_link_by_e_mail_sets_a_new_password(client, member, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    asked = client.post(RESET_URL, {"email": "leyla@example.org"})
    assert asked.status_code == 302 and asked["Location"] == reverse("accounts:password-reset-done")
    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/password_reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "New password" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == reverse("accounts:password-reset-complete")
    member.refresh_from_db()
    assert member.check_password(NEW)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, member, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    known = client.post(RESET_URL, {"email": "leyla@example.org"})
    unknown = client.post(RESET_URL, {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1


def _ask_and_read_code(client, outbox, phone=PHONE) -> str:
    client.post(SMS_URL, {"phone": phone})
    dispatch_due()
    return last_code(outbox)


def test_a_code_by_sms_sets_a_new_password_once(client, member, locmem_sms):
    code = _ask_and_read_code(client, locmem_sms)
    form = {"code": code, "new_password1": NEW, "new_password2": NEW}
    done = client.post(SMS_CODE_URL, form)
    assert done.status_code == 302 and done["Location"] == reverse("home")
    member.refresh_from_db()
    assert member.check_password(NEW)
    assert client.session["_auth_user_id"] == str(member.pk)
    client.logout()
    client.post(SMS_URL, {"phone": PHONE})
    replay = client.post(
        SMS_CODE_URL, {**form, "new_password1": "x" + NEW, "new_password2": "x" + NEW}
    )
    assert "This code is not right" in replay.content.decode()


def test_a_weak_password_keeps_the_code_for_another_try(client, member, locmem_sms):
    code = _ask_and_read_code(client, locmem_sms)
    weak = client.post(SMS_CODE_URL, {"code": code, "new_password1": "123", "new_password2": "123"})
    assert "This password is too short" in weak.content.decode()
    done = client.post(SMS_CODE_URL, {"code": code, "new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302


def test_a_sign_in_code_does_not_set_a_password(client, member, locmem_sms):
    client.post(SMS_URL, {"phone": PHONE})
    sign_in_code_request(phone=PHONE, ip="198.51.100.9")  # the newer code, for signing in
    dispatch_due()
    sign_in_code = last_code(locmem_sms)
    page = client.post(
        SMS_CODE_URL, {"code": sign_in_code, "new_password1": NEW, "new_password2": NEW}
    )
    assert "This code is not right" in page.content.decode()
    member.refresh_from_db()
    assert not member.check_password(NEW)


def test_a_strangers_number_sees_the_same_pages_and_gets_no_sms(client, member, locmem_sms):
    def walk(phone):
        client.cookies.clear()
        asked = client.post(SMS_URL, {"phone": phone})
        html = client.get(asked["Location"]).content.decode()
        masked = phone[:6] + "*" * (len(phone) - 8) + phone[-2:]
        return asked["Location"], re.sub(r'value="[A-Za-z0-9]{64}"', "", html.replace(masked, ""))

    assert walk(PHONE) == walk("+994557654321")
    dispatch_due()
    assert [sms.to for sms in locmem_sms] == [PHONE]
    assert PhoneCodeRequest.objects.filter(purpose="recovery").count() == 2


@pytest.mark.parametrize("user_fields", [{"is_staff": True}, {"is_superuser": True}])
def test_staff_get_no_code_by_sms(client, db, locmem_sms, user_fields):
    factories.MemberFactory(phone=PHONE, **{f"user__{k}": v for k, v in user_fields.items()})
    client.post(SMS_URL, {"phone": PHONE})
    dispatch_due()
    assert locmem_sms == []
