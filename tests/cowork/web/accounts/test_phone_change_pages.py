"""A change of phone number: a code to the new number proves it, read in the country of the
person's first centre; the old number is told; nothing changes without the right code."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cowork.services.accounts.sign_up import membership_join
from notifications.messaging.dispatch import dispatch_due
from tests import factories
from tests.sms_fixtures import last_code

CHANGE_URL = reverse("accounts:phone-change")
CODE_URL = reverse("accounts:phone-change-code")
OLD = "+380501112233"
NEW = "+380671112202"


@pytest.fixture
def member(db):
    centre = factories.SpaceFactory(name="Kyiv Hub", country="UA")
    member = factories.MemberFactory(phone=OLD, language="uk", user__username=OLD)
    membership_join(member=member, space=centre, now=timezone.now())
    return member


@pytest.fixture
def member_client(client, member):
    client.force_login(member.user)
    return client


def test_the_new_number_is_proven_by_a_code_and_the_old_one_is_told(
    member_client, member, locmem_sms, relay_now
):
    page = member_client.get(CHANGE_URL).content.decode()
    assert "050 123 4567" in page  # read in Ukraine, the first centre's country
    asked = member_client.post(CHANGE_URL, {"phone": "067 111 22 02"})
    assert asked["Location"] == CODE_URL
    dispatch_due()
    assert locmem_sms[-1].to == NEW
    done = member_client.post(CODE_URL, {"code": last_code(locmem_sms)})
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.phone == NEW and member.user.username == NEW
    relay_now()
    dispatch_due()
    told = locmem_sms[-1]
    assert told.to == OLD and not re.search(r"\b\d{6}\b", told.body)


def test_a_wrong_code_changes_nothing(member_client, member, locmem_sms):
    member_client.post(CHANGE_URL, {"phone": "067 111 22 02"})
    dispatch_due()
    wrong = f"{(int(last_code(locmem_sms)) + 1) % 1_000_000:06d}"
    page = member_client.post(CODE_URL, {"code": wrong})
    assert "This code is not right" in page.content.decode()
    member.refresh_from_db()
    assert member.phone == OLD


def test_someone_elses_code_for_that_number_does_not_change_it(member_client, member, locmem_sms):
    other = factories.MemberFactory(phone="+380931234567")
    other_client = member_client.__class__()
    other_client.force_login(other.user)
    other_client.post(CHANGE_URL, {"phone": "+380671112202"})
    dispatch_due()
    code = last_code(locmem_sms)
    # This member's session points at the same new number, without asking for a code.
    session = member_client.session
    session["accounts.phone_change.phone"] = NEW
    session.save()
    page = member_client.post(CODE_URL, {"code": code})
    assert "This code is not right" in page.content.decode()
    member.refresh_from_db()
    assert member.phone == OLD
    assert other_client.post(CODE_URL, {"code": code}).status_code == 302


def test_a_number_another_account_has_gets_the_same_answer_and_no_code(member_client, locmem_sms):
    factories.MemberFactory(phone=NEW)
    asked = member_client.post(CHANGE_URL, {"phone": "067 111 22 02"})
    assert asked["Location"] == CODE_URL
    dispatch_due()
    assert locmem_sms == []


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("03112 34567", "is a landline"),
        ("0900 212 345", "cannot receive SMS"),
        ("+994 40 123 45 67", "accepts phone numbers from Ukraine only"),
    ],
)
def test_numbers_the_centre_cannot_text_are_refused(member_client, locmem_sms, typed, error):
    page = member_client.post(CHANGE_URL, {"phone": typed})
    assert page.status_code == 400 and error in page.content.decode()
    dispatch_due()
    assert locmem_sms == []


def test_without_a_centre_only_an_international_number_will_do(client, db, locmem_sms):
    client.force_login(factories.MemberFactory(phone=OLD).user)
    page = client.post(CHANGE_URL, {"phone": "067 111 22 02"})
    assert "with its country code" in page.content.decode()
    assert client.post(CHANGE_URL, {"phone": "+380 67 111 22 02"}).status_code == 302


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    assert client.get(CHANGE_URL)["Location"].startswith(reverse("login"))
