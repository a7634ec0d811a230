import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cowork.models import Participant
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_demographics_without_consent_are_refused_by_clean_and_by_the_database():
    participant = Participant(name="Farid", phone="+994501230099", gender="male")
    with pytest.raises(ValidationError):
        participant.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        participant.save()


def test_demographics_with_recorded_consent_are_kept():
    member = MemberFactory(
        gender="female", age_band="25-34", disability="no", demographics_consent_at=timezone.now()
    )
    member.full_clean()
    member.refresh_from_db()
    assert (member.gender, member.age_band) == ("female", "25-34")


def test_one_phone_number_belongs_to_one_member():
    MemberFactory(phone="+994501112233")
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(phone="+994501112233")


def test_participant_phone_typed_loosely_is_stored_in_e164():
    participant = Participant(name="Gulnara", phone="+998 90 123 45 67")
    participant.full_clean()
    assert participant.phone == "+998901234567"
