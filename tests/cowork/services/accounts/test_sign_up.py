"""Sign-up, the service: a code proves the phone; a taken number is told, never coded;
codes are for one purpose; the limits of codes hold for sign-up too."""

import re

import pytest
from django.utils import timezone

from cowork.models import Member, PhoneCodeRequest
from cowork.services.accounts.sign_in import sign_in_code_request
from cowork.services.accounts.sign_up import SignUpDetails, sign_up_complete, sign_up_request
from notifications.messaging.dispatch import dispatch_due
from tests import factories
from tests.sms_fixtures import last_code

IP = "203.0.113.7"


@pytest.fixture
def details(sms_space):
    return SignUpDetails(
        name="Leyla", phone="+994557654321", language="az", space_ids=(sms_space.pk,)
    )


def test_the_code_sent_to_the_phone_opens_the_account_once(details, locmem_sms):
    sign_up_request(details=details, ip=IP)
    dispatch_due()
    code = last_code(locmem_sms)
    user = sign_up_complete(details=details, code=code)
    assert user.member.phone == details.phone and user.username == details.phone
    assert sign_up_complete(details=details, code=code) is None
    assert Member.objects.count() == 1


def test_a_sign_in_code_does_not_open_an_account(details, locmem_sms):
    owner = factories.MemberFactory(phone=details.phone)
    sign_in_code_request(phone=details.phone, ip=IP)
    dispatch_due()
    code = last_code(locmem_sms)
    owner.delete()  # even were the number free now, the code was for signing in
    assert sign_up_complete(details=details, code=code) is None


def test_a_taken_number_is_told_within_the_same_limits(details, locmem_sms, relay_now):
    factories.MemberFactory(phone=details.phone)
    now = timezone.now()
    for minute in range(4):
        sign_up_request(details=details, ip=IP, now=now + timezone.timedelta(minutes=minute))
    outcomes = list(
        PhoneCodeRequest.objects.order_by("created_at").values_list("outcome", flat=True)
    )
    assert outcomes == ["told_owner", "told_owner", "told_owner", "phone_limit"]
    relay_now()
    dispatch_due()
    assert len(locmem_sms) == 3
    assert not any(re.search(r"\b\d{6}\b", sms.body) for sms in locmem_sms)
