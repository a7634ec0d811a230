"""Sign-in by SMS code, the service: one code, 10 minutes, 5 tries, once; limits per phone,
per address, per centre and for the network; a stranger's number is never texted."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cowork.models import PhoneCode, PhoneCodeRequest, SpaceRole
from cowork.services.accounts.codes import PhoneCodeAddressLimited, phone_code_records_purge
from cowork.services.accounts.sign_in import sign_in_code_request, sign_in_code_verify
from cowork.services.booking import booking_create
from notifications.messaging.dispatch import dispatch_due
from notifications.models import Notification
from tests import factories
from tests.racing import at_once

Kind = Notification.Kind
MINUTE = datetime.timedelta(minutes=1)
PHONE = "+994501112233"
STRANGER = "+994557654321"
IP = "203.0.113.7"


def _codes_sent() -> int:
    return Notification.objects.filter(kind=Kind.SIGN_IN_CODE).count()


def _code_from(sms) -> str:
    match = re.search(r"\b(\d{6})\b", sms.body)
    assert match, sms.body
    return match.group(1)


def _ask(phone=PHONE, *, now, ip=IP) -> str | None:
    """Ask for a code at `now` and send it; the digits the phone received, if any."""
    from notifications.sms.backends import locmem

    before = len(locmem.outbox)
    sign_in_code_request(phone=phone, ip=ip, now=now)
    dispatch_due(now=max(now, timezone.now()))
    new = locmem.outbox[before:]
    assert len(new) <= 1
    return _code_from(new[0]) if new else None


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def member(sms_member):
    return sms_member.member


def test_member_gets_a_six_digit_code_in_their_language_that_signs_them_in(member, locmem_sms, now):
    sign_in_code_request(phone="+994 50 111 22 33", ip=IP, now=now)
    assert dispatch_due().sent == 1
    (sms,) = locmem_sms
    assert sms.to == PHONE
    code = _code_from(sms)
    assert re.fullmatch(r"\d{6}", code)
    assert sms.body != _english_body(code)  # the member reads Russian
    assert sign_in_code_verify(phone=PHONE, code=code, now=now + MINUTE) == member.user


def _english_body(code: str) -> str:
    from notifications.sms.messages import MessageFacts, render_message

    return render_message(kind=Kind.SIGN_IN_CODE, language="en", facts=MessageFacts(code=code))


def test_no_stored_row_keeps_the_code_once_it_is_sent(member, locmem_sms, now):
    code = _ask(now=now)
    notification = Notification.objects.get(kind=Kind.SIGN_IN_CODE)
    assert notification.status == Notification.Status.SENT
    assert notification.body == ""
    stored = PhoneCode.objects.get()
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    assert all(code not in str(value) for value in PhoneCode.objects.values().get().values())


def test_the_code_is_sent_from_the_members_centre(member, sms_space, desk, locmem_sms, now):
    starts_at = factories.next_weekday(sms_space, weekday=2, at=datetime.time(10, 0))
    booking_create(
        resource=desk, member=member.user, starts_at=starts_at, ends_at=starts_at + 60 * MINUTE
    )
    _ask(now=now)
    assert Notification.objects.get(kind=Kind.SIGN_IN_CODE).space == sms_space
    assert PhoneCodeRequest.objects.get().space == sms_space


def test_a_code_works_until_ten_minutes_have_passed(member, locmem_sms, now):
    code = _ask(now=now)
    assert sign_in_code_verify(phone=PHONE, code=code, now=now + 10 * MINUTE) is None
    code = _ask(now=now + 20 * MINUTE)
    later = now + 20 * MINUTE + 10 * MINUTE - datetime.timedelta(seconds=1)
    assert sign_in_code_verify(phone=PHONE, code=code, now=later) == member.user


def test_five_wrong_tries_kill_the_code(member, locmem_sms, now):
    code = _ask(now=now)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert sign_in_code_verify(phone=PHONE, code=wrong, now=now) is None
    assert sign_in_code_verify(phone=PHONE, code=code, now=now) is None


def test_four_wrong_tries_leave_the_fifth_to_the_right_code(member, locmem_sms, now):
    code = _ask(now=now)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(4):
        assert sign_in_code_verify(phone=PHONE, code=wrong, now=now) is None
    assert sign_in_code_verify(phone=PHONE, code=code, now=now) == member.user


def test_a_used_code_cannot_sign_in_again(member, locmem_sms, now):
    code = _ask(now=now)
    assert sign_in_code_verify(phone=PHONE, code=code, now=now) == member.user
    assert sign_in_code_verify(phone=PHONE, code=code, now=now) is None


def test_a_new_code_replaces_the_previous_one(member, locmem_sms, now):
    first = _ask(now=now)
    second = _ask(now=now + MINUTE)
    if first != second:
        assert sign_in_code_verify(phone=PHONE, code=first, now=now + MINUTE) is None
    assert sign_in_code_verify(phone=PHONE, code=second, now=now + MINUTE) == member.user


def test_a_code_signs_in_only_with_the_phone_it_was_sent_to(member, locmem_sms, now):
    factories.MemberFactory(phone=STRANGER)
    code = _ask(now=now)
    assert sign_in_code_verify(phone=STRANGER, code=code, now=now) is None
    assert sign_in_code_verify(phone=PHONE, code=code, now=now) == member.user


def test_a_strangers_number_is_answered_alike_but_never_texted(db, locmem_sms, now):
    assert sign_in_code_request(phone=STRANGER, ip=IP, now=now) is None
    dispatch_due()
    assert locmem_sms == []
    assert _codes_sent() == 0
    # The same rows as for a member, so both asks do the same work; none can sign in.
    stored = PhoneCode.objects.get()
    assert stored.member is None and stored.phone == STRANGER and not stored.sent
    assert PhoneCodeRequest.objects.get().outcome == PhoneCodeRequest.Outcome.UNKNOWN
    assert all(
        sign_in_code_verify(phone=STRANGER, code=f"{n:06d}", now=now) is None for n in range(6)
    )


@pytest.mark.parametrize(
    "user_fields",
    [{"is_active": False}, {"is_staff": True}, {"is_superuser": True}],
    ids=["inactive", "staff", "admin"],
)
def test_accounts_that_may_not_use_a_code_are_treated_as_strangers(
    db, user_fields, locmem_sms, now
):
    factories.MemberFactory(phone=PHONE, **{f"user__{k}": v for k, v in user_fields.items()})
    assert _ask(now=now) is None
    assert locmem_sms == []


@pytest.mark.parametrize("typed", ["", "hello", "+99412"])
def test_text_that_is_not_a_phone_is_refused_and_nothing_is_recorded(db, typed, now):
    with pytest.raises(ValidationError):
        sign_in_code_request(phone=typed, ip=IP, now=now)
    assert not PhoneCodeRequest.objects.exists()


def test_a_phone_is_sent_three_codes_in_fifteen_minutes_and_five_in_an_hour(
    member, locmem_sms, now
):
    for minute in (0, 1, 2):
        assert _ask(now=now + minute * MINUTE) is not None
    # A fourth is answered alike (no exception) and not sent.
    assert _ask(now=now + 3 * MINUTE) is None
    assert _ask(now=now + 16 * MINUTE) is not None
    assert _ask(now=now + 31 * MINUTE) is not None
    assert _ask(now=now + 50 * MINUTE) is None  # five this hour
    assert _ask(now=now + 61 * MINUTE) is not None
    assert _codes_sent() == 6


def test_the_phone_limit_counts_a_strangers_number_alike(db, now):
    for minute in (0, 1, 2, 3):
        sign_in_code_request(phone=STRANGER, ip=IP, now=now + minute * MINUTE)
    outcomes = list(
        PhoneCodeRequest.objects.order_by("created_at").values_list("outcome", flat=True)
    )
    assert outcomes == ["unknown", "unknown", "unknown", "phone_limit"]


def test_one_address_is_told_to_wait_after_its_hourly_asks(member, locmem_sms, now, settings):
    settings.SMS_SIGNIN_IP_HOURLY_LIMIT = 3
    for n in range(3):
        sign_in_code_request(phone=f"+99450{4000000 + n}", ip=IP, now=now)
    with pytest.raises(PhoneCodeAddressLimited):
        sign_in_code_request(phone=PHONE, ip=IP, now=now + MINUTE)
    assert _codes_sent() == 0
    # Another address is not held back, and this one may ask again an hour later.
    assert _ask(now=now + 2 * MINUTE, ip="198.51.100.1") is not None
    with pytest.raises(PhoneCodeAddressLimited):
        sign_in_code_request(phone=PHONE, ip=IP, now=now + 30 * MINUTE)
    assert _ask(now=now + 61 * MINUTE) is not None


def test_a_centre_sends_no_more_codes_an_hour_than_its_budget(sms_space, locmem_sms, now, settings):
    settings.SMS_SIGNIN_HOURLY_LIMIT = 2
    other_space = factories.SpaceFactory()
    phones = [f"+99450{5000000 + n}" for n in range(4)]
    for n, phone in enumerate(phones):
        user = factories.MemberFactory(phone=phone).user
        space = other_space if n == 3 else sms_space
        SpaceRole.objects.create(user=user, space=space, role=SpaceRole.Role.STAFF)
    sent = [_ask(phone, now=now, ip=f"198.51.100.{n}") for n, phone in enumerate(phones)]
    # The third member of one centre is answered alike but not texted; the other centre is.
    assert [code is not None for code in sent] == [True, True, False, True]
    assert PhoneCodeRequest.objects.filter(outcome=PhoneCodeRequest.Outcome.BUDGET).count() == 1
    assert _ask(phones[2], now=now + 61 * MINUTE) is not None


def test_the_network_sends_no_more_codes_an_hour_than_its_cap(db, locmem_sms, now, settings):
    settings.SMS_SIGNIN_NETWORK_HOURLY_LIMIT = 2
    phones = [f"+99450{6000000 + n}" for n in range(3)]
    for phone in phones:
        factories.MemberFactory(phone=phone)
    sent = [_ask(phone, now=now) for phone in phones]
    assert [code is not None for code in sent] == [True, True, False]


def test_old_asks_and_codes_are_purged(member, locmem_sms, now):
    _ask(now=now)
    assert phone_code_records_purge(now=now + datetime.timedelta(hours=23)) == 0
    assert phone_code_records_purge(now=now + datetime.timedelta(days=2)) == 2
    assert not PhoneCode.objects.exists() and not PhoneCodeRequest.objects.exists()


def _race(target, count: int) -> list:
    """What `count` calls of `target` at once returned; none of them may raise."""
    results = at_once(target, [()] * count)
    assert not any(isinstance(result, str) for result in results), results
    return results


@pytest.mark.django_db(transaction=True)
def test_two_requests_with_the_right_code_at_once_sign_in_once(locmem_sms, now):
    user = factories.MemberFactory(phone=PHONE).user
    code = _ask(now=now)
    results = _race(lambda: sign_in_code_verify(phone=PHONE, code=code, now=now), 2)
    assert sorted(results, key=bool) == [None, user]


@pytest.mark.django_db(transaction=True)
def test_guesses_sent_at_once_get_five_tries_between_them(locmem_sms, now):
    factories.MemberFactory(phone=PHONE)
    code = _ask(now=now)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    _race(lambda: sign_in_code_verify(phone=PHONE, code=wrong, now=now), 8)
    assert PhoneCode.objects.get().attempts == 5
    assert sign_in_code_verify(phone=PHONE, code=code, now=now) is None


@pytest.mark.django_db(transaction=True)
def test_asks_at_once_for_one_phone_send_no_more_than_its_limit(locmem_sms, now):
    factories.MemberFactory(phone=PHONE)
    _race(lambda: sign_in_code_request(phone=PHONE, ip=IP, now=now), 6)
    assert _codes_sent() == 3
