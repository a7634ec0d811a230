"""Idempotency keys at the service: claimed once, bound to their request, gone after a day."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from cowork import tasks
from cowork.errors import RuleViolation
from cowork.models import IdempotencyKey
from cowork.schedules import SCHEDULES
from cowork.services.idempotency import (
    KEY_LIFETIME,
    idempotency_key_answer,
    idempotency_key_claim,
    request_fingerprint,
)
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

FINGERPRINT = request_fingerprint(method="POST", path="/api/v1/bookings", body=b"{}")


def _answered(user, key, *, fingerprint=FINGERPRINT, now=None):
    with transaction.atomic():
        claim = idempotency_key_claim(user=user, key=key, fingerprint=fingerprint, now=now)
        if claim.new:
            idempotency_key_answer(
                record=claim.record, status=201, content_type="application/json", body="{}"
            )
    return claim


def test_a_key_is_claimed_once_then_found_with_its_answer():
    user = MemberFactory().user
    assert _answered(user, "k1").new
    again = _answered(user, "k1")
    assert not again.new
    assert (again.record.status, again.record.body) == (201, "{}")


def test_the_fingerprint_tells_another_request_apart():
    assert request_fingerprint(method="POST", path="/a", body=b"b") != request_fingerprint(
        method="POST", path="/ab", body=b""
    )
    user = MemberFactory().user
    _answered(user, "k1")
    other = request_fingerprint(method="POST", path="/api/v1/series", body=b"{}")
    with pytest.raises(RuleViolation) as excinfo:
        _answered(user, "k1", fingerprint=other)
    assert excinfo.value.code == "idempotency_key_reused"


def test_the_hourly_schedule_purges_only_keys_past_a_day():
    user = MemberFactory().user
    now = timezone.now()
    _answered(user, "old", now=now - KEY_LIFETIME - datetime.timedelta(minutes=1))
    _answered(user, "fresh", now=now - KEY_LIFETIME + datetime.timedelta(minutes=1))
    assert "cowork.tasks.purge_idempotency_keys_task" in {spec.func for spec in SCHEDULES}

    assert tasks.purge_idempotency_keys_task() == 1

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]
