"""cowork.db.insert_unless_exists: a claim by insert that never makes the database fail."""

import pytest
from django.db import transaction

from cowork.db import insert_unless_exists
from notifications.models import SentInvite
from tests.database import failed_statements

pytestmark = pytest.mark.django_db(transaction=True)


def _invite(**fields):
    return SentInvite(
        uid="booking-1@example.org",
        sequence=0,
        method="REQUEST",
        recipient="a@example.org",
        **fields,
    )


def test_the_first_insert_claims_and_the_second_learns_it_was_taken_without_an_error():
    with failed_statements() as refused:
        first, second = _invite(domain_event_id=1), _invite(domain_event_id=2)
        assert insert_unless_exists(first) is True
        assert insert_unless_exists(second) is False
    assert refused == []
    assert first.pk is not None and second.pk is None
    assert list(SentInvite.objects.values_list("domain_event_id", flat=True)) == [1]
    assert SentInvite.objects.get().created_at is not None


def test_a_claim_taken_inside_a_transaction_leaves_the_transaction_usable():
    insert_unless_exists(_invite())
    with transaction.atomic():
        assert insert_unless_exists(_invite()) is False
        # A unique violation would have aborted the transaction: nothing more could run.
        assert SentInvite.objects.count() == 1
